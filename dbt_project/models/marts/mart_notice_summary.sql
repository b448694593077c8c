-- The numbers of 一、检查情况 of the notice, one row for the quarter. They are counted from the same
-- findings as the annex tables, so the text and the annexes agree.
with sites as (
    select * from {{ ref('stg_raw__websites') }}
),

-- 正常运行: inventoried accounts without a closure filing (关停/注销) dated on or before the monitoring point.
running_accounts as (
    select account_id
    from {{ ref('int_accounts_closures_checked') }}
    where is_running
),

findings as (
    select * from {{ ref('fct_findings') }} where quarter = {{ quarter() }}
),

flagged_sites as (
    select distinct findings.site_id, sites.level
    from findings
    inner join sites on sites.site_id = findings.site_id
    where findings.annex = 1
)

select
    {{ quarter() }} as quarter,
    '{{ var("rules_profile") }}' as rules_profile,
    {{ monitoring_date() }} as monitoring_date,
    (select count(distinct site_id) from sites) as websites_checked,
    (select count(distinct site_id) from sites where level = '州') as websites_checked_prefecture,
    (select count(distinct site_id) from sites where level = '部门') as websites_checked_department,
    (select count(distinct site_id) from sites where level = '县') as websites_checked_county,
    (select count(*) from flagged_sites) as websites_flagged,
    (select count(*) from flagged_sites where level = '州') as websites_flagged_prefecture,
    (select count(*) from flagged_sites where level = '部门') as websites_flagged_department,
    (select count(*) from flagged_sites where level = '县') as websites_flagged_county,
    (select count(distinct account_id) from running_accounts) as accounts_checked,
    (
        select count(distinct account_id) from findings
        where annex = 2 and indicator <> 'M3'
    ) as accounts_flagged,
    (select count(distinct account_id) from findings where indicator = 'M3') as accounts_closed_unfiled

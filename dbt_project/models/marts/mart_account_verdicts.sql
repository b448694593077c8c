-- One row per inventoried account: platform status, latest post, whether it has a prominent problem
-- (listed in annex 2 for a reason other than closure), whether it is closed without filing, whether the
-- update rules (M1/M2) could evaluate it, and a one-word verdict.
with accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

posted as (
    select * from {{ ref('int_accounts_latest_posted') }}
),

closures as (
    select * from {{ ref('int_accounts_closures_checked') }}
),

findings as (
    select
        account_id,
        bool_or(annex = 2 and indicator <> 'M3') as has_prominent_problem,
        bool_or(indicator = 'M3') as closed_unfiled,
        count(*) as findings
    from {{ ref('fct_findings') }}
    where quarter = {{ quarter() }} and account_id is not null
    group by account_id
),

update_evaluated as (
    select distinct account_id from {{ ref('int_accounts_stale_flagged') }}
    union
    select distinct account_id from {{ ref('int_accounts_gaps_flagged') }}
)

select
    {{ quarter() }} as quarter,
    accounts.account_id,
    accounts.unit,
    accounts.level,
    accounts.platform,
    accounts.account_name,
    closures.platform_status,
    closures.status_outcome,
    posted.last_post_on,
    coalesce(findings.has_prominent_problem, false) as has_prominent_problem,
    coalesce(findings.closed_unfiled, false) as closed_unfiled,
    update_evaluated.account_id is not null as updates_evaluated,
    case
        when coalesce(findings.has_prominent_problem, false) or coalesce(findings.closed_unfiled, false)
            then 'listed'
        when coalesce(closures.status_outcome, '') <> 'ok' then 'not_collected'
        when coalesce(findings.findings, 0) > 0 then 'noted'
        else 'clean'
    end as verdict
from accounts
left join posted on posted.account_id = accounts.account_id
left join closures on closures.account_id = accounts.account_id
left join findings on findings.account_id = accounts.account_id
left join update_evaluated on update_evaluated.account_id = accounts.account_id

-- One row per inventoried account: platform status, latest post, whether it has a prominent problem
-- (listed in annex 2 for a reason other than closure) and whether it is closed without filing.
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
        bool_or(indicator = 'M3') as closed_unfiled
    from {{ ref('fct_findings') }}
    where account_id is not null
    group by account_id
)

select
    {{ quarter() }} as quarter,
    accounts.account_id,
    accounts.unit,
    accounts.level,
    accounts.platform,
    accounts.account_name,
    closures.platform_status,
    posted.last_post_on,
    coalesce(findings.has_prominent_problem, false) as has_prominent_problem,
    coalesce(findings.closed_unfiled, false) as closed_unfiled
from accounts
left join posted on posted.account_id = accounts.account_id
left join closures on closures.account_id = accounts.account_id
left join findings on findings.account_id = accounts.account_id

-- Platform status of every inventoried account (latest status check of the run; 'unknown' when none)
-- and whether the filing roster holds a closure filing (关停 or 注销) for the same platform and
-- platform id (the account's platform_id or platform_alt_id).
with accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

statuses as (
    select *
    from {{ ref('stg_raw__account_statuses') }}
    qualify row_number() over (partition by account_id order by fetched_at desc nulls last, request_url) = 1
),

closure_filings as (
    select
        platform,
        platform_id,
        min(roster_status) as filing_status,
        max(closed_on) as filing_closed_on
    from {{ ref('stg_raw__roster') }}
    where roster_status in ('关停', '注销')
        and platform_id is not null
    group by platform, platform_id
),

matched as (
    select
        accounts.account_id,
        min(closure_filings.filing_status) as filing_status,
        max(closure_filings.filing_closed_on) as filing_closed_on,
        count(closure_filings.platform_id) > 0 as has_closure_filing
    from accounts
    left join closure_filings
        on closure_filings.platform = accounts.platform
        and closure_filings.platform_id in (accounts.platform_id, accounts.platform_alt_id)
    group by accounts.account_id
)

select
    accounts.run_id,
    accounts.quarter,
    accounts.account_id,
    accounts.platform,
    accounts.platform_id,
    accounts.account_name,
    coalesce(statuses.platform_status, 'unknown') as platform_status,
    statuses.fetched_at as status_checked_at,
    statuses.request_url as status_request_url,
    statuses.display_name as platform_display_name,
    statuses.outcome as status_outcome,
    coalesce(statuses.platform_status, 'unknown') = 'closed' as is_closed,
    matched.has_closure_filing,
    matched.filing_status,
    matched.filing_closed_on,
    coalesce(statuses.platform_status, 'unknown') = 'closed' and not matched.has_closure_filing as is_closed_unfiled,
    -- 正常运行: no closure filing (关停/注销) dated on or before the monitoring point (undated filing = closed)
    not (matched.has_closure_filing and coalesce(matched.filing_closed_on <= {{ monitoring_date() }}, true))
        as is_running
from accounts
inner join matched on matched.account_id = accounts.account_id
left join statuses on statuses.account_id = accounts.account_id

-- One row per status check of an account on its platform.
select
    run_id,
    quarter,
    account_id,
    trim(platform) as platform,
    connector,
    fetched_at,
    request_url,
    http_status,
    outcome,
    status as platform_status,
    display_name,
    verified,
    raw_sha256,
    error
from {{ source('raw', 'account_statuses') }}

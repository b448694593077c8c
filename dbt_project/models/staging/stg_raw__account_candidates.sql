-- One row per account found by searching a platform for a unit's name (私自开设 discovery).
select
    run_id,
    quarter,
    trim(platform) as platform,
    connector,
    query,
    trim(unit) as unit,
    trim(platform_id) as platform_id,
    trim(account_name) as account_name,
    verified,
    verified_name,
    url as candidate_url,
    fetched_at,
    request_url,
    raw_sha256
from {{ source('raw', 'account_candidates') }}

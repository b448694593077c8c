-- One row per inventoried government new-media account (政务新媒体账号).
select
    run_id,
    quarter,
    account_id,
    trim(unit) as unit,
    trim(level) as level,
    trim(platform) as platform,
    connector,
    trim(account_name) as account_name,
    trim(platform_id) as platform_id,
    trim(platform_alt_id) as platform_alt_id,
    inventory_order
from {{ source('raw', 'inventory_accounts') }}

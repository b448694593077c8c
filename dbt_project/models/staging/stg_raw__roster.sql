-- One row per entry of the filing roster (报备名单).
select
    run_id,
    quarter,
    trim(unit) as unit,
    trim(platform) as platform,
    trim(account_name) as account_name,
    trim(platform_id) as platform_id,
    trim(status) as roster_status,
    opened_on,
    closed_on,
    inventory_order
from {{ source('raw', 'inventory_roster') }}

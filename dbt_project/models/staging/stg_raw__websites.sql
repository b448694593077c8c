-- One row per inventoried website (政府网站) of the run.
select
    run_id,
    quarter,
    site_id,
    trim(unit) as unit,
    trim(level) as level,
    trim(site_name) as site_name,
    home_url,
    inventory_order
from {{ source('raw', 'inventory_websites') }}

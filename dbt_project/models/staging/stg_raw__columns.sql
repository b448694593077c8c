-- One row per inventoried column (栏目) of a website.
select
    run_id,
    quarter,
    column_id,
    site_id,
    trim(column_name) as column_name,
    trim(category) as category,
    url as column_url,
    inventory_order
from {{ source('raw', 'inventory_columns') }}

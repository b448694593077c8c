-- One row per column-like home page link the inventory does not know (for an operator to review).
select
    run_id,
    quarter,
    site_id,
    found_on,
    trim(title) as title,
    url as column_url,
    reason
from {{ source('raw', 'discovered_columns') }}

-- One row per item listed on a column list page; item_date is null for undated items.
select
    run_id,
    quarter,
    site_id,
    column_id,
    page_url,
    position,
    title,
    url as item_url,
    item_date,
    date_text,
    date_source,
    coalesce(pinned, false) as is_pinned
from {{ source('raw', 'column_items') }}

-- One row per item linked from a site's home page (W2 首页更新); item_date is null for undated items.
select
    run_id,
    quarter,
    site_id,
    page_url,
    position,
    title,
    url as item_url,
    item_date,
    date_text,
    date_source,
    coalesce(pinned, false) as is_pinned
from {{ source('raw', 'home_items') }}

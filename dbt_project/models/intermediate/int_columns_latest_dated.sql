-- Newest dated item of every inventoried column as of the monitoring point.
-- The newest date is the maximum over ALL items (pinned ones included): an old item pinned on top of the
-- list must not hide newer ones, and the first item is never assumed to be the newest. Items dated after
-- the monitoring point are ignored. A column with no dated item keeps a null date (counts as not updated).
-- list_page_opened: a list page of the column was fetched completely (outcome ok); is_blank (空白栏目): it
-- opened and listed no item at all - a list page that failed proves nothing about the column's content.
with columns as (
    select * from {{ ref('stg_raw__columns') }}
),

items as (
    select
        *,
        item_date > {{ monitoring_date() }} as is_after_monitoring
    from {{ ref('stg_raw__column_items') }}
),

list_pages as (
    select column_id, bool_or(outcome = 'ok') as list_page_opened, count(*) as list_pages_fetched
    from {{ ref('stg_raw__pages') }}
    where page_kind = 'list' and column_id is not null
    group by column_id
),

counted as (
    select
        column_id,
        count(*) as items_total,
        count(*) filter (where not coalesce(is_after_monitoring, false)) as items_listed,
        count(*) filter (where not is_after_monitoring) as items_dated,
        count(*) filter (where is_after_monitoring) as items_after_monitoring,
        count(*) filter (where is_pinned) as items_pinned
    from items
    group by column_id
),

newest as (
    select
        column_id,
        item_date as latest_item_date,
        title as latest_item_title,
        item_url as latest_item_url,
        is_pinned as latest_item_is_pinned
    from items
    where not is_after_monitoring
    qualify row_number() over (
        partition by column_id order by item_date desc, is_pinned, position, item_url
    ) = 1
)

select
    columns.run_id,
    columns.quarter,
    columns.column_id,
    columns.site_id,
    columns.column_name,
    columns.category,
    columns.column_url,
    columns.inventory_order,
    coalesce(counted.items_listed, 0) as items_listed,
    coalesce(counted.items_dated, 0) as items_dated,
    coalesce(counted.items_after_monitoring, 0) as items_after_monitoring,
    coalesce(counted.items_pinned, 0) as items_pinned,
    newest.latest_item_date,
    newest.latest_item_title,
    newest.latest_item_url,
    newest.latest_item_is_pinned,
    date_diff('day', newest.latest_item_date, {{ monitoring_date() }}) as days_since_latest,
    newest.latest_item_date is null as has_no_dated_item,
    coalesce(list_pages.list_page_opened, false) as list_page_opened,
    coalesce(list_pages.list_page_opened, false) and coalesce(counted.items_total, 0) = 0 as is_blank
from columns
left join counted on counted.column_id = columns.column_id
left join list_pages on list_pages.column_id = columns.column_id
left join newest on newest.column_id = columns.column_id

-- W2 首页不更新: every site whose home page opened (a pages row of kind home with outcome ok) evaluated against
-- every rule of measure site_home_days_since_update. The measure is the number of days between the newest
-- dated item linked from the home page (home_items; pinned ones included, items dated after the monitoring
-- point ignored - as for columns) and the monitoring point; no dated item counts as not updated (null
-- breaches). A home page that did not open makes no W2 finding: that is W1's matter (站点无法访问).
with rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure = 'site_home_days_since_update'
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

home_pages as (
    select site_id, bool_or(outcome = 'ok') as home_opened
    from {{ ref('stg_raw__pages') }}
    where page_kind = 'home'
    group by site_id
),

items as (
    select * from {{ ref('stg_raw__home_items') }}
    where item_date is null or item_date <= {{ monitoring_date() }}
),

counted as (
    select site_id, count(*) as home_items, count(item_date) as home_items_dated
    from items
    group by site_id
),

newest as (
    select site_id, item_date as latest_item_date, title as latest_item_title, item_url as latest_item_url
    from items
    where item_date is not null
    qualify row_number() over (partition by site_id order by item_date desc, position, item_url) = 1
),

measured as (
    select
        sites.run_id,
        sites.site_id,
        sites.home_url,
        coalesce(counted.home_items, 0) as home_items,
        coalesce(counted.home_items_dated, 0) as home_items_dated,
        newest.latest_item_date,
        newest.latest_item_title,
        newest.latest_item_url,
        date_diff('day', newest.latest_item_date, {{ monitoring_date() }}) as days_since_latest
    from sites
    inner join home_pages on home_pages.site_id = sites.site_id and home_pages.home_opened
    left join counted on counted.site_id = sites.site_id
    left join newest on newest.site_id = sites.site_id
)

select
    rules.rule_id,
    rules.indicator,
    measured.*,
    rules.threshold,
    rules.comparison,
    {{ breaches('measured.days_since_latest', 'rules.threshold', 'rules.comparison', null_breaches=true) }} as is_breach,
    case
        when measured.home_items = 0 then '首页未采集到带日期的链接信息（无日期信息视为未更新）'
        when measured.latest_item_date is null
            then '首页' || measured.home_items || '条链接信息均无日期（无日期信息视为未更新）'
        else '首页最新信息日期' || strftime(measured.latest_item_date, '%Y-%m-%d') || '（“'
            || measured.latest_item_title || '”），距监测时间点' || measured.days_since_latest || '天'
    end as evidence
from measured
cross join rules

-- Every column evaluated against every column rule of the profile whose category filter admits it:
--   column_days_since_update (W3 staleness): days since the newest dated item break the rule's line
--     (threshold/comparison from the rules seed), or there is no dated item at all (undated = not updated);
--   column_blank (W3c 空白栏目): 1 when the list page opened and listed nothing, else 0.
-- count_group carries the rule's counted-together group to int_sites_stale_columns_counted.
with columns as (
    select * from {{ ref('int_columns_latest_dated') }}
),

rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure in ('column_days_since_update', 'column_blank')
)

select
    rules.rule_id,
    rules.indicator,
    rules.measure,
    rules.count_group,
    columns.run_id,
    columns.column_id,
    columns.site_id,
    columns.column_name,
    columns.category,
    columns.column_url,
    columns.inventory_order,
    columns.items_listed,
    columns.latest_item_date,
    columns.latest_item_url,
    columns.days_since_latest,
    columns.has_no_dated_item,
    columns.list_page_opened,
    columns.is_blank,
    rules.threshold,
    rules.comparison,
    case rules.measure
        when 'column_days_since_update'
            then {{ breaches('columns.days_since_latest', 'rules.threshold', 'rules.comparison', null_breaches=true) }}
        when 'column_blank'
            then {{ breaches('case when columns.is_blank then 1 else 0 end', 'rules.threshold', 'rules.comparison',
                             null_breaches=false) }}
    end as is_breach,
    case
        when rules.measure = 'column_blank'
            then '栏目“' || columns.column_name || '”列表页正常打开但没有任何信息'
        when columns.latest_item_date is null
            then '栏目“' || columns.column_name || '”未采集到带日期的信息'
        else '栏目“' || columns.column_name || '”最新信息日期' || strftime(columns.latest_item_date, '%Y-%m-%d')
            || '，距监测时间点' || columns.days_since_latest || '天'
    end as evidence
from columns
inner join rules on {{ category_matches('rules.categories', 'columns.category') }}

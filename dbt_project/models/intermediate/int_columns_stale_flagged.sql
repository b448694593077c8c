-- Every column evaluated against every column-staleness rule (measure column_days_since_update) of the
-- profile whose category filter admits it. is_breach: days since the newest dated item break the rule's
-- line (threshold/comparison from the rules seed), or there is no dated item at all.
with columns as (
    select * from {{ ref('int_columns_latest_dated') }}
),

rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure = 'column_days_since_update'
)

select
    rules.rule_id,
    rules.indicator,
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
    rules.threshold,
    rules.comparison,
    {{ breaches('columns.days_since_latest', 'rules.threshold', 'rules.comparison', null_breaches=true) }} as is_breach,
    case
        when columns.latest_item_date is null
            then '栏目“' || columns.column_name || '”未采集到带日期的信息'
        else '栏目“' || columns.column_name || '”最新信息日期' || strftime(columns.latest_item_date, '%Y-%m-%d')
            || '，距监测时间点' || columns.days_since_latest || '天'
    end as evidence
from columns
inner join rules on {{ category_matches('rules.categories', 'columns.category') }}

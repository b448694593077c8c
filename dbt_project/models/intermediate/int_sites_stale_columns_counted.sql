-- Cumulative column rules (national W3(a) stale >= 5, W3(b) long stale >= 10, W3(c) blank >= 5): per site,
-- the number of distinct columns flagged by the column rules of the same count_group whose category the
-- site rule's filter admits, compared with the site rule's threshold. Only rules with measure
-- site_stale_columns produce rows.
with rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure = 'site_stale_columns'
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

stale as (
    -- a column counts once even if two column rules of the indicator flag it
    select distinct site_id, count_group, column_id, column_name, category, inventory_order
    from {{ ref('int_columns_stale_flagged') }}
    where is_breach
),

counted as (
    select
        rules.rule_id,
        sites.site_id,
        count(stale.column_id) as stale_columns,
        string_agg('“' || stale.column_name || '”', '、' order by stale.inventory_order, stale.column_id)
            as stale_column_names
    from rules
    cross join sites
    left join stale
        on stale.site_id = sites.site_id
        and stale.count_group = rules.count_group
        and {{ category_matches('rules.categories', 'stale.category') }}
    group by rules.rule_id, sites.site_id
)

select
    counted.rule_id,
    rules.indicator,
    sites.run_id,
    sites.site_id,
    sites.home_url,
    counted.stale_columns,
    rules.threshold,
    rules.comparison,
    {{ breaches('counted.stale_columns', 'rules.threshold', 'rules.comparison', null_breaches=false) }} as is_breach,
    case rules.count_group when 'W3c' then '空白栏目共' when 'W3b' then '长期未更新栏目共' else '超期未更新栏目共' end
        || counted.stale_columns || '个'
        || coalesce('：' || counted.stale_column_names, '') as evidence
from counted
inner join rules on rules.rule_id = counted.rule_id
inner join sites on sites.site_id = counted.site_id

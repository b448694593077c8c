-- The rules table's filters must name known values, or a rule silently matches nothing: every element of
-- `categories` is a column category (govinspect.vocab.CATEGORIES), every element of `levels` a level
-- (vocab.LEVELS); a counting rule (site_stale_columns) has a count_group that some column rule of the same
-- profile feeds. One row per problem, naming the profile, the rule and the bad value.
with rules as (
    select * from {{ ref('rules') }}
),

categories as (
    select profile, rule_id, trim(unnest(string_split(categories, '|'))) as value
    from rules
    where nullif(trim(categories), '') is not null
),

levels as (
    select profile, rule_id, trim(unnest(string_split(levels, '|'))) as value
    from rules
    where nullif(trim(levels), '') is not null
)

select profile, rule_id, 'unknown category: ' || value as problem
from categories
where value not in ('要闻', '动态', '通知公告', '政策文件', '人事', '规划计划', '互动', '其他')
union all
select profile, rule_id, 'unknown level: ' || value
from levels
where value not in ('州', '部门', '县')
union all
select counting.profile, counting.rule_id, 'count_group fed by no column rule: ' || coalesce(counting.count_group, '(empty)')
from rules as counting
where counting.measure = 'site_stale_columns'
    and not exists (
        select 1 from rules as col
        where col.profile = counting.profile
            and col.object_type = 'column'
            and col.count_group = counting.count_group
    )

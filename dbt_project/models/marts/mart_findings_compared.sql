-- This quarter's findings compared with the previous quarter's (上季度), one row per (rule, object) found
-- in either quarter: comparison = repeat (found in both: 同类问题重复出现), new (only this quarter) or fixed
-- (only the previous quarter: 已整改). Early warnings (severity warning) are not notice material and are
-- left out. previous_quarter_checked says whether fct_findings holds any finding of the previous quarter at
-- all: when it does not (first quarter of the installation), every row is `new` and nothing is `fixed`.
-- Read by the notice for paragraph (四) of 二、主要问题 (repeat offenders) and by mart_notice_problems.
with findings as (
    select * from {{ ref('fct_findings') }}
    where severity <> 'warning'
),

current_quarter as (
    select * from findings where quarter = {{ quarter() }}
),

previous_quarter as (
    select * from findings where quarter = {{ previous_quarter() }}
),

checked as (
    select count(*) > 0 as previous_quarter_checked from previous_quarter
)

select
    {{ quarter() }} as quarter,
    {{ previous_quarter() }} as previous_quarter,
    checked.previous_quarter_checked,
    coalesce(cur.rule_id, prev.rule_id) as rule_id,
    coalesce(cur.indicator, prev.indicator) as indicator,
    coalesce(cur.severity, prev.severity) as severity,
    coalesce(cur.annex, prev.annex) as annex,
    coalesce(cur.object_type, prev.object_type) as object_type,
    coalesce(cur.object_id, prev.object_id) as object_id,
    coalesce(cur.site_id, prev.site_id) as site_id,
    coalesce(cur.account_id, prev.account_id) as account_id,
    coalesce(cur.unit, prev.unit) as unit,
    coalesce(cur.level, prev.level) as level,
    coalesce(cur.object_name, prev.object_name) as object_name,
    coalesce(cur.platform, prev.platform) as platform,
    coalesce(cur.problem, prev.problem) as problem,
    prev.problem as previous_problem,
    cur.finding_id,
    prev.finding_id as previous_finding_id,
    cur.evidence,
    prev.evidence as previous_evidence,
    case
        when cur.finding_id is not null and prev.finding_id is not null then 'repeat'
        when cur.finding_id is not null then 'new'
        else 'fixed'
    end as comparison,
    coalesce(cur.notice_order, prev.notice_order) as notice_order,
    coalesce(cur.inventory_order, prev.inventory_order) as inventory_order
from current_quarter as cur
full outer join previous_quarter as prev
    on prev.rule_id = cur.rule_id
    and prev.object_type = cur.object_type
    and prev.object_id = cur.object_id
cross join checked

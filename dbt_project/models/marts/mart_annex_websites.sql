-- 附件1 检查发现存在突出问题的政府网站: one row per website with annex-1 findings. Several problems of one
-- site are joined with '；' in notice_order (要闻 before 动态: one rule row per category in the rules seed).
-- Rows ordered by (level rank, problem order = the site's smallest notice_order, inventory order); the level
-- ranks come from seeds/notice_annex_order.csv (ganzi: 县 -> 部门 -> 州, as 甘办函〔2024〕67号 lists them).
with problems as (
    select
        site_id,
        problem,
        min(notice_order) as notice_order
    from {{ ref('fct_findings') }}
    where quarter = {{ quarter() }} and annex = 1
    group by site_id, problem
),

per_site as (
    select
        site_id,
        string_agg(problem, '；' order by notice_order, problem) as problem,
        min(notice_order) as problem_order
    from problems
    group by site_id
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

level_ranks as (
    select level, level_rank
    from {{ ref('notice_annex_order') }}
    where profile = '{{ var("rules_profile") }}' and annex = 1
)

select
    {{ quarter() }} as quarter,
    row_number() over (
        order by level_ranks.level_rank nulls last, per_site.problem_order, sites.inventory_order, sites.site_id
    ) as row_no,
    sites.site_id,
    sites.unit,
    sites.site_name,
    per_site.problem
from per_site
inner join sites on sites.site_id = per_site.site_id
left join level_ranks on level_ranks.level = sites.level
order by row_no

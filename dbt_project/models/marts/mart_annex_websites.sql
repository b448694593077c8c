-- 附件1 检查发现存在突出问题的政府网站: one row per website with annex-1 findings; several problems are
-- joined with '；' in notice_order (then category order); rows ordered by (first problem's notice_order,
-- inventory_order).
with problems as (
    select
        site_id,
        problem,
        min(notice_order) as notice_order,
        min({{ category_order('category') }}) as category_order
    from {{ ref('fct_findings') }}
    where annex = 1
    group by site_id, problem
),

per_site as (
    select
        site_id,
        string_agg(problem, '；' order by notice_order, category_order, problem) as problem,
        min(notice_order) as first_notice_order
    from problems
    group by site_id
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
)

select
    {{ quarter() }} as quarter,
    row_number() over (order by per_site.first_notice_order, sites.inventory_order, sites.site_id) as row_no,
    sites.site_id,
    sites.unit,
    sites.site_name,
    per_site.problem
from per_site
inner join sites on sites.site_id = per_site.site_id
order by row_no

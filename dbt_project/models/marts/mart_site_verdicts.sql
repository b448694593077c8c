-- One row per inventoried website: how many findings it has and whether it is listed in annex 1
-- (检查发现存在突出问题的政府网站).
with sites as (
    select * from {{ ref('stg_raw__websites') }}
),

findings as (
    select
        site_id,
        count(*) as findings,
        bool_or(annex = 1) as has_prominent_problem
    from {{ ref('fct_findings') }}
    where site_id is not null
    group by site_id
)

select
    {{ quarter() }} as quarter,
    sites.site_id,
    sites.unit,
    sites.level,
    sites.site_name,
    coalesce(findings.findings, 0) as findings,
    coalesce(findings.has_prominent_problem, false) as has_prominent_problem
from sites
left join findings on findings.site_id = sites.site_id

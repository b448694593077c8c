-- One row per inventoried website: how many findings it has, whether it is listed in annex 1
-- (检查发现存在突出问题的政府网站), and its availability (W1) over the week before the monitoring point.
with sites as (
    select * from {{ ref('stg_raw__websites') }}
),

availability as (
    -- one row per site even if a profile has several failure-rate rules (e.g. an early-warning line too)
    select
        site_id,
        max(probes) as probes,
        max(failures) as failures,
        max(failure_rate_pct) as failure_rate_pct,
        bool_and(is_sufficient) as is_sufficient,
        bool_or(is_breach) as is_breach
    from {{ ref('int_sites_availability_measured') }}
    where measure = 'site_failure_rate_pct'
    group by site_id
),

findings as (
    select
        site_id,
        count(*) as findings,
        bool_or(annex = 1) as has_prominent_problem
    from {{ ref('fct_findings') }}
    where quarter = {{ quarter() }} and site_id is not null
    group by site_id
)

select
    {{ quarter() }} as quarter,
    sites.site_id,
    sites.unit,
    sites.level,
    sites.site_name,
    coalesce(findings.findings, 0) as findings,
    coalesce(findings.has_prominent_problem, false) as has_prominent_problem,
    availability.probes as availability_probes,
    availability.failures as availability_failures,
    availability.failure_rate_pct as availability_failure_rate_pct,
    case
        when availability.site_id is null then null
        when not availability.is_sufficient then 'insufficient'
        when availability.is_breach then 'unreachable'
        else 'reachable'
    end as availability_status
from sites
left join findings on findings.site_id = sites.site_id
left join availability on availability.site_id = sites.site_id

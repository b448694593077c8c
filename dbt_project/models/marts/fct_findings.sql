-- One row per finding (问题): a rule of the selected profile broken by one object (site, column, account)
-- in this quarter's run, with the final Chinese wording, evidence and where it goes in the notice.
-- Incremental by quarter (dbt_project.yml): a run replaces exactly its own quarter's rows.
with findings as (
    select * from {{ ref('int_findings_unioned') }}
),

rules as (
    select * from {{ ref('int_rules_selected') }}
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

-- level of a unit known only by name (M4 candidates): from its inventoried sites and accounts
unit_levels as (
    select unit, min(level) as level
    from (
        select unit, level from sites
        union all
        select unit, level from accounts
    )
    group by unit
)

select
    md5({{ quarter() }} || '|' || findings.rule_id || '|' || findings.object_id) as finding_id,
    {{ quarter() }} as quarter,
    coalesce(sites.run_id, accounts.run_id, (select min(run_id) from sites)) as run_id,
    rules.rules_profile,
    findings.rule_id,
    rules.indicator,
    rules.severity,
    findings.object_type,
    findings.object_id,
    findings.site_id,
    findings.column_id,
    findings.account_id,
    coalesce(sites.unit, accounts.unit, findings.unit) as unit,
    coalesce(sites.level, accounts.level, unit_levels.level) as level,
    case
        when findings.object_type = 'account' then coalesce(accounts.account_name, findings.object_name)
        else sites.site_name
    end as object_name,
    coalesce(accounts.platform, findings.platform) as platform,
    findings.category,
    replace(rules.problem_wording, '{category}', coalesce(findings.category, '')) as problem,
    findings.evidence,
    findings.evidence_url,
    findings.evidence_date,
    findings.evidence_sha256,
    rules.annex,
    rules.notice_paragraph,
    rules.notice_phrase,
    rules.notice_order,
    coalesce(sites.inventory_order, accounts.inventory_order) as inventory_order
from findings
inner join rules on rules.rule_id = findings.rule_id
left join sites on sites.site_id = findings.site_id
left join accounts on accounts.account_id = findings.account_id
left join unit_levels on unit_levels.unit = findings.unit

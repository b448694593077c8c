-- Every account evaluated against every closed-but-unfiled rule (measure account_closed_unfiled, e.g. M3):
-- the measure is 1 when the platform reports the account closed and the roster has no 关停/注销 filing
-- for it, else 0, compared with the rule's threshold (1, >=).
with closures as (
    select * from {{ ref('int_accounts_closures_checked') }}
),

rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure = 'account_closed_unfiled'
)

select
    rules.rule_id,
    rules.indicator,
    closures.run_id,
    closures.account_id,
    closures.platform,
    closures.platform_status,
    closures.has_closure_filing,
    closures.status_checked_at,
    closures.status_request_url,
    case when closures.is_closed_unfiled then 1 else 0 end as closed_unfiled,
    rules.threshold,
    rules.comparison,
    {{ breaches('case when closures.is_closed_unfiled then 1 else 0 end', 'rules.threshold', 'rules.comparison', null_breaches=false) }} as is_breach,
    '平台显示账号已注销或关停（状态核查于'
        || coalesce(strftime(closures.status_checked_at at time zone 'Asia/Shanghai', '%Y-%m-%d'), '本轮')
        || '），报备系统无该账号的关停或注销报备记录' as evidence
from closures
cross join rules

-- Every account evaluated against every latest-post rule (measure account_days_since_post, e.g. M1).
-- is_breach: days since the latest non-pinned post break the rule's line, or there is no post at all.
-- Accounts the platform reports as closed are not evaluated: closure is the matter of the closure rule.
with accounts as (
    select * from {{ ref('int_accounts_latest_posted') }}
),

closures as (
    select account_id, platform_status from {{ ref('int_accounts_closures_checked') }}
),

rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure = 'account_days_since_post'
)

select
    rules.rule_id,
    rules.indicator,
    accounts.run_id,
    accounts.account_id,
    accounts.platform,
    closures.platform_status,
    accounts.last_post_on,
    accounts.last_post_url,
    accounts.days_since_last_post,
    rules.threshold,
    rules.comparison,
    {{ breaches('accounts.days_since_last_post', 'rules.threshold', 'rules.comparison', null_breaches=true) }} as is_breach,
    case
        when accounts.last_post_on is null then '监测时间点前未采集到发文（置顶除外）'
        else '最新发文日期' || strftime(accounts.last_post_on, '%Y-%m-%d')
            || '，距监测时间点' || accounts.days_since_last_post || '天（置顶除外）'
    end as evidence
from accounts
inner join closures on closures.account_id = accounts.account_id
cross join rules
where closures.platform_status <> 'closed'

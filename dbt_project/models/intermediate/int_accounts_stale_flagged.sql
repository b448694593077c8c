-- Every account evaluated against every latest-post rule (measure account_days_since_post, e.g. M1).
-- is_breach: days since the latest non-pinned post break the rule's line, or there is no post at all.
-- Which accounts are evaluated: macro account_updates_evaluated() - posts collected (status check outcome
-- ok), and active/unknown on the platform, or closed/not_found/blocked but still running with collected
-- posts. A closed account without posts is the closure rule's matter (M3); a failed collection makes no
-- finding (mart_account_verdicts: not_collected).
with accounts as (
    select * from {{ ref('int_accounts_latest_posted') }}
),

closures as (
    select account_id, platform_status, status_outcome, is_running
    from {{ ref('int_accounts_closures_checked') }}
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
    closures.status_outcome,
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
where {{ account_updates_evaluated('closures.platform_status', 'closures.status_outcome',
                                   'accounts.posts_considered', 'closures.is_running') }}

-- W1: a profile with a failure-rate rule (site_failure_rate_pct) needs exactly one minimum-probes rule
-- (site_probes_min_daily, comparison '<') of the same indicator and window: without it a site probed a
-- few times would be judged on too few visits. Both need window_days.
with rate_rules as (
    select profile, indicator, rule_id, window_days from {{ ref('rules') }}
    where measure = 'site_failure_rate_pct'
),

minimum_rules as (
    select profile, indicator, rule_id, window_days, comparison from {{ ref('rules') }}
    where measure = 'site_probes_min_daily'
)

select rate_rules.profile, rate_rules.rule_id, 'no minimum-probes rule with the same window' as problem
from rate_rules
where (
    select count(*) from minimum_rules
    where minimum_rules.profile = rate_rules.profile
        and minimum_rules.indicator = rate_rules.indicator
        and minimum_rules.window_days = rate_rules.window_days
) <> 1
union all
select profile, rule_id, 'window_days missing' from rate_rules where coalesce(window_days, 0) < 1
union all
select profile, rule_id, 'window_days missing' from minimum_rules where coalesce(window_days, 0) < 1
union all
select profile, rule_id, 'comparison must be <' from minimum_rules where comparison <> '<'
union all
select profile, rule_id, 'duplicate minimum-probes rule'
from minimum_rules
qualify count(*) over (partition by profile, indicator) > 1

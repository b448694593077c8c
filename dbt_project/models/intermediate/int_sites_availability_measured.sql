-- W1 站点无法访问 (site unreachable): per inventoried site and per rule of measure site_failure_rate_pct
-- (W1_unreachable) or site_probes_min_daily (W1_probes_insufficient), the probes of the window_days
-- Beijing-time days before the monitoring point (monitoring point - window_days .. monitoring point - 1;
-- the monitoring day itself and anything earlier are ignored).
--   * The measurement is insufficient when any day of the window has fewer probes than the line of the
--     profile's site_probes_min_daily rule of the same indicator (19号: at least 20 a day): that rule's row
--     breaks, and the failure-rate rule makes NO finding (an unmeasured site is not declared unreachable).
--   * Otherwise failure_rate_pct = 100 * failures / probes is compared with the site_failure_rate_pct
--     rule's line (19号: >= 5 %). Anti-bot challenges are not failures (stg_raw__probes.is_failure).
with rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure in ('site_failure_rate_pct', 'site_probes_min_daily')
),

minimum as (
    -- the minimum probes per day of each indicator (test assert_rules_availability_minimum: exactly one)
    select indicator, threshold as min_probes_per_day, comparison as min_comparison
    from {{ ref('int_rules_selected') }}
    where measure = 'site_probes_min_daily'
),

rate_line as (
    -- the failure-rate line the evidence's percentage is worded against (the lowest, if several)
    select indicator, threshold as rate_threshold, comparison as rate_comparison
    from {{ ref('int_rules_selected') }}
    where measure = 'site_failure_rate_pct'
    qualify row_number() over (partition by indicator order by threshold, rule_id) = 1
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

probes as (
    select site_id, probed_on, outcome, is_failure from {{ ref('stg_raw__probes') }}
),

window_days as (
    select
        rule_id,
        site_id,
        cast({{ monitoring_date() }} - cast(days_back as integer) as date) as probed_on
    from (
        select rules.rule_id, sites.site_id, unnest(range(1, rules.window_days + 1)) as days_back
        from rules
        cross join sites
    )
),

daily as (
    select
        window_days.rule_id,
        window_days.site_id,
        window_days.probed_on,
        count(probes.site_id) as probes,
        count(*) filter (where probes.is_failure) as failures,
        count(*) filter (where probes.outcome = 'challenged') as challenged
    from window_days
    left join probes
        on probes.site_id = window_days.site_id
        and probes.probed_on = window_days.probed_on
    group by window_days.rule_id, window_days.site_id, window_days.probed_on
),

measured as (
    select
        daily.rule_id,
        daily.site_id,
        min(daily.probed_on) as window_start,
        max(daily.probed_on) as window_end,
        count(*) as window_days,
        sum(daily.probes) as probes,
        sum(daily.failures) as failures,
        sum(daily.challenged) as challenged,
        count(*) filter (where daily.probes > 0) as days_monitored,
        min(daily.probes) as min_daily_probes,
        any_value(minimum.min_probes_per_day) as min_probes_per_day,
        count(*) filter (
            where {{ breaches('daily.probes', 'minimum.min_probes_per_day', 'minimum.min_comparison', null_breaches=false) }}
        ) as days_below_min
    from daily
    inner join rules on rules.rule_id = daily.rule_id
    left join minimum on minimum.indicator = rules.indicator
    group by daily.rule_id, daily.site_id
),

rated as (
    select
        measured.*,
        measured.days_below_min = 0 as is_sufficient,
        -- 100 * failures first: exactly 5 % is exactly 5.0 (no binary-fraction drift at the line)
        case when measured.probes > 0 then 100.0 * measured.failures / measured.probes end as failure_rate_pct
    from measured
),

evaluated as (
    select
        rated.*,
        rules.indicator,
        rules.measure,
        rules.threshold,
        rules.comparison,
        case when rules.measure = 'site_failure_rate_pct' then rules.threshold else rate_line.rate_threshold end
            as rate_threshold,
        case when rules.measure = 'site_failure_rate_pct' then rules.comparison else rate_line.rate_comparison end
            as rate_comparison,
        case rules.measure
            when 'site_failure_rate_pct' then rated.failure_rate_pct
            when 'site_probes_min_daily' then rated.min_daily_probes
        end as measure_value,
        case rules.measure
            when 'site_failure_rate_pct' then rated.is_sufficient
                and {{ breaches('rated.failure_rate_pct', 'rules.threshold', 'rules.comparison', null_breaches=false) }}
            when 'site_probes_min_daily' then not rated.is_sufficient
        end as is_breach
    from rated
    inner join rules on rules.rule_id = rated.rule_id
    left join rate_line on rate_line.indicator = rules.indicator
),

worded as (
    select
        evaluated.*,
        -- one decimal (5.357 -> 5.4), or two (cut towards the exact side of the failure-rate line) when one
        -- decimal would land on the other side of it (4.96 below a >= 5 line is not written 5.0)
        case
            when failure_rate_pct is null then null
            when {{ breaches('round(failure_rate_pct, 1)', 'rate_threshold', 'rate_comparison', null_breaches=false) }}
                <> {{ breaches('failure_rate_pct', 'rate_threshold', 'rate_comparison', null_breaches=false) }}
                then printf('%.2f', case
                    when {{ breaches('failure_rate_pct', 'rate_threshold', 'rate_comparison', null_breaches=false) }}
                        then ceil(failure_rate_pct * 100) else floor(failure_rate_pct * 100) end / 100)
            else printf('%.1f', failure_rate_pct)
        end as failure_rate_text
    from evaluated
)

select
    worded.rule_id,
    worded.indicator,
    worded.measure,
    sites.run_id,
    worded.site_id,
    sites.home_url,
    worded.window_start,
    worded.window_end,
    worded.window_days,
    worded.probes,
    worded.failures,
    worded.challenged,
    worded.failure_rate_pct,
    worded.days_monitored,
    worded.min_daily_probes,
    worded.min_probes_per_day,
    worded.days_below_min,
    worded.is_sufficient,
    case when worded.is_sufficient then 'measured' else 'insufficient' end as measurement_status,
    worded.measure_value,
    worded.threshold,
    worded.comparison,
    worded.is_breach,
    case
        when not worded.is_sufficient then
            '监测' || worded.window_days || '天中有' || worded.days_below_min || '天访问次数少于'
            || {{ number_text('worded.min_probes_per_day') }} || '次（单日最少' || worded.min_daily_probes
            || '次；共' || worded.probes || '次访问，失败' || worded.failures || '次），不作无法访问判定'
        else
            '监测' || worded.window_days || '天共' || worded.probes || '次访问，失败' || worded.failures
            || '次（' || worded.failure_rate_text || '%）'
            || case when worded.challenged > 0 then '；另有' || worded.challenged || '次遇反爬验证，不计为失败' else '' end
    end as evidence
from worded
inner join sites on sites.site_id = worded.site_id

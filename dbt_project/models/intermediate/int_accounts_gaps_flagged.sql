-- M2 断更 (Ganzi wording 监测时间点三个月内有断更): every account evaluated against every gap rule (measure
-- account_max_gap_days). The window of a rule is [monitoring point - window_months calendar months,
-- monitoring point], both days included (3 months before 2024-09-10: 2024-06-10 .. 2024-09-10). Its points
-- are the window start, every day with a non-pinned post in the window, and the window end; a gap is the
-- number of days between two consecutive points (a post on 07-02 then 07-25: 23 days; a last post 14 days
-- before the monitoring point: 14 days, like M1). The measure is the longest gap, compared with the rule's
-- threshold/comparison (ganzi: > 14). Pinned posts are ignored (a pinned post must not hide a gap), posts
-- after the monitoring point too; several posts on one day are one point. No post in the window: one gap,
-- the whole window. Accounts evaluated: macro account_updates_evaluated() with the posts of the window
-- (a closed account keeping its history, e.g. on Toutiao, is evaluated; a closed one without posts is not).
with rules as (
    select
        *,
        {{ window_start('window_months') }} as window_start,
        {{ monitoring_date() }} as window_end
    from {{ ref('int_rules_selected') }}
    where measure = 'account_max_gap_days'
),

accounts as (
    select * from {{ ref('int_accounts_closures_checked') }}
),

-- one point per (rule, account, day with a non-pinned post in the rule's window); url of the day's last post
post_days as (
    select
        rules.rule_id,
        posts.account_id,
        posts.published_on as point_on,
        arg_max(posts.post_url, coalesce(posts.published_at, posts.published_on::timestamptz)) as post_url,
        count(*) as posts
    from {{ ref('stg_raw__posts') }} as posts
    inner join rules
        on posts.published_on between rules.window_start and rules.window_end
    where not coalesce(posts.is_pinned, false)
    group by rules.rule_id, posts.account_id, posts.published_on
),

in_window as (
    select rule_id, account_id, sum(posts) as posts_in_window, count(*) as post_days_in_window
    from post_days
    group by rule_id, account_id
),

evaluated as (
    select
        rules.rule_id,
        rules.indicator,
        rules.threshold,
        rules.comparison,
        rules.window_start,
        rules.window_end,
        accounts.run_id,
        accounts.account_id,
        accounts.platform,
        accounts.platform_status,
        accounts.status_outcome,
        coalesce(in_window.posts_in_window, 0) as posts_in_window,
        coalesce(in_window.post_days_in_window, 0) as post_days_in_window
    from rules
    cross join accounts
    left join in_window
        on in_window.rule_id = rules.rule_id
        and in_window.account_id = accounts.account_id
    where {{ account_updates_evaluated('accounts.platform_status', 'accounts.status_outcome',
                                       'in_window.posts_in_window', 'accounts.is_running') }}
),

-- window edges (kind 0 start, 2 end) and post days (kind 1)
points as (
    select rule_id, account_id, window_start as point_on, 0 as kind, cast(null as varchar) as post_url
    from evaluated
    union all
    select post_days.rule_id, post_days.account_id, post_days.point_on, 1 as kind, post_days.post_url
    from post_days
    inner join evaluated
        on evaluated.rule_id = post_days.rule_id
        and evaluated.account_id = post_days.account_id
    union all
    select rule_id, account_id, window_end as point_on, 2 as kind, cast(null as varchar) as post_url
    from evaluated
),

gaps as (
    select
        rule_id,
        account_id,
        lag(point_on) over points_in_order as gap_from,
        lag(kind) over points_in_order = 0 as gap_from_is_edge,
        lag(post_url) over points_in_order as gap_from_url,
        point_on as gap_to,
        kind = 2 as gap_to_is_edge,
        post_url as gap_to_url
    from points
    window points_in_order as (partition by rule_id, account_id order by point_on, kind)
),

measured as (
    select
        gaps.*,
        date_diff('day', gaps.gap_from, gaps.gap_to) as gap_days
    from gaps
    where gaps.gap_from is not null
),

longest as (
    select
        measured.*,
        sum(case when {{ breaches('measured.gap_days', 'evaluated.threshold', 'evaluated.comparison', null_breaches=false) }}
            then 1 else 0 end) over (partition by measured.rule_id, measured.account_id) as gaps_over_threshold
    from measured
    inner join evaluated
        on evaluated.rule_id = measured.rule_id
        and evaluated.account_id = measured.account_id
    qualify row_number() over (
        partition by measured.rule_id, measured.account_id order by measured.gap_days desc, measured.gap_from
    ) = 1
)

select
    evaluated.rule_id,
    evaluated.indicator,
    evaluated.run_id,
    evaluated.account_id,
    evaluated.platform,
    evaluated.platform_status,
    evaluated.status_outcome,
    evaluated.window_start,
    evaluated.window_end,
    evaluated.posts_in_window,
    evaluated.post_days_in_window,
    longest.gap_from,
    longest.gap_to,
    longest.gap_from_is_edge,
    longest.gap_to_is_edge,
    longest.gap_days as max_gap_days,
    longest.gaps_over_threshold,
    evaluated.threshold,
    evaluated.comparison,
    {{ breaches('longest.gap_days', 'evaluated.threshold', 'evaluated.comparison', null_breaches=false) }} as is_breach,
    strftime(longest.gap_from, '%Y-%m-%d') || '至' || strftime(longest.gap_to, '%Y-%m-%d')
        || '间隔' || longest.gap_days || '天未更新'
        || case when evaluated.posts_in_window = 0 then '（期间无发文，置顶除外）' else '' end as evidence,
    -- the post that opens the gap, else (gap from the window start) the post that closes it
    case when longest.gap_from_is_edge then longest.gap_to_url else longest.gap_from_url end as evidence_url,
    case
        when not longest.gap_from_is_edge then longest.gap_from
        when not longest.gap_to_is_edge then longest.gap_to
    end as evidence_date
from evaluated
inner join longest
    on longest.rule_id = evaluated.rule_id
    and longest.account_id = evaluated.account_id

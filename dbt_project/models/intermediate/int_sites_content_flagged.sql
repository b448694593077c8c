-- The website checks beyond updating, one row per (rule, site), every site of the inventory evaluated
-- against every rule of these measures (lines, windows and comparisons from the rules seed):
--   site_interaction_channel_missing (W4 未提供有效咨询建言渠道): 1 when every list page fetched for the site's
--     columns of the rule's categories (互动) failed (macro broken_link_outcomes; an anti-bot challenge is no
--     failure, an unfetched column proves nothing); null (not measured, no finding) when the inventory lists no
--     such column: an omission of the inventory is no evidence that the site has no channel;
--   site_interaction_channel_unlisted (W4 warning): 1 when the inventory lists no such column, so the channel
--     could not be checked - for an operator to add it to columns.csv (see discovered_columns);
--   site_messages_overdue (W4 留言回应时效性差): messages asked in the window_months months before the monitoring
--     point (both days included) whose reply - or, unanswered (a reply after the monitoring point is not yet a
--     reply), the monitoring point - came more than `threshold` calendar months after the question
--     (comparison '>': a reply exactly 3 months later is in time, one day more is late); the site breaks with
--     one such message;
--   site_reposts_late (WS4 重点政务信息转载不及时): releases reposted more than `threshold` hours after their
--     release, or not found (or found undated) while more than `threshold` hours have passed by the monitoring
--     point (00:00 Beijing time); the site breaks with one;
--   site_broken_links (WS1 错链死链), site_wording_hits (WS3), site_privacy_hits (WS2): counts compared with
--     the line (>= 1 as shipped).
-- A rule with a `levels` filter (WS4: 州|县, the government portals) only evaluates sites of those levels.
with rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure in ('site_interaction_channel_missing', 'site_interaction_channel_unlisted', 'site_messages_overdue', 'site_reposts_late',
                      'site_broken_links', 'site_wording_hits', 'site_privacy_hits')
),

sites as (
    select * from {{ ref('stg_raw__websites') }}
),

monitoring as (
    select
        {{ monitoring_date() }} as monitoring_on,
        timezone('Asia/Shanghai', cast({{ monitoring_date() }} as timestamp)) as monitoring_at
),

-- W4 channel ------------------------------------------------------------------------------------------------
channel as (
    select
        rules.rule_id,
        rules.measure,
        sites.site_id,
        count(distinct columns.column_id) as channel_columns,
        count(pages.column_id) as pages_fetched,
        count(*) filter (where pages.outcome in {{ broken_link_outcomes() }}) as pages_failed,
        any_value(columns.column_url order by columns.inventory_order) as channel_url,
        string_agg(distinct pages.outcome, '、') as outcomes
    from rules
    cross join sites
    left join {{ ref('stg_raw__columns') }} as columns
        on columns.site_id = sites.site_id
        and {{ category_matches('rules.categories', 'columns.category') }}
    left join {{ ref('stg_raw__pages') }} as pages
        on pages.column_id = columns.column_id
        and pages.page_kind in ('list', 'guestbook')
    where rules.measure in ('site_interaction_channel_missing', 'site_interaction_channel_unlisted')
    group by rules.rule_id, rules.measure, sites.site_id
),

channel_measured as (
    select
        rule_id,
        site_id,
        case
            when measure = 'site_interaction_channel_unlisted' then case when channel_columns = 0 then 1 else 0 end
            when channel_columns = 0 then null
            when pages_fetched > 0 and pages_failed = pages_fetched then 1
            else 0
        end as measure_value,
        case
            when channel_columns = 0 then '网站检查清单中无互动交流（咨询建言）类栏目，未能核验咨询建言渠道（请核实后补入清单）'
            else '互动交流栏目页面访问' || pages_fetched || '次均未能打开（' || coalesce(outcomes, '') || '）'
        end as evidence,
        channel_url as evidence_url,
        cast(null as date) as evidence_date,
        cast(null as varchar) as evidence_sha256
    from channel
),

-- W4 messages -----------------------------------------------------------------------------------------------
messages as (
    select
        rules.rule_id,
        messages.site_id,
        messages.title,
        messages.message_url,
        messages.asked_on,
        case when messages.replied_on <= monitoring.monitoring_on then messages.replied_on end as replied_on,
        cast(messages.asked_on + to_months(cast(rules.threshold as integer)) as date) as reply_due_on,
        rules.threshold,
        rules.comparison
    from {{ ref('stg_raw__messages') }} as messages
    cross join monitoring
    inner join rules
        on rules.measure = 'site_messages_overdue'
        and messages.asked_on between {{ window_start('rules.window_months') }} and monitoring.monitoring_on
    -- a message listed on two pages is one message
    qualify row_number() over (
        partition by rules.rule_id, messages.site_id, coalesce(messages.message_url, messages.title || messages.asked_on)
        order by messages.replied_on nulls last
    ) = 1
),

messages_checked as (
    select
        messages.*,
        {{ breaches("date_diff('day', reply_due_on, coalesce(replied_on, monitoring.monitoring_on))", '0',
                    'comparison', null_breaches=false) }} as is_overdue
    from messages
    cross join monitoring
),

messages_measured as (
    select
        rules.rule_id,
        sites.site_id,
        count(messages_checked.site_id) filter (where messages_checked.is_overdue) as measure_value,
        count(messages_checked.site_id) as messages_in_window,
        arg_min(messages_checked.title, messages_checked.asked_on) filter (where messages_checked.is_overdue)
            as first_title,
        arg_min(messages_checked.message_url, messages_checked.asked_on) filter (where messages_checked.is_overdue)
            as first_url,
        min(messages_checked.asked_on) filter (where messages_checked.is_overdue) as first_asked_on,
        arg_min(messages_checked.replied_on, messages_checked.asked_on) filter (where messages_checked.is_overdue)
            as first_replied_on,
        any_value(rules.threshold) as threshold
    from rules
    cross join sites
    left join messages_checked
        on messages_checked.rule_id = rules.rule_id
        and messages_checked.site_id = sites.site_id
    where rules.measure = 'site_messages_overdue'
    group by rules.rule_id, sites.site_id
),

messages_worded as (
    select
        rule_id,
        site_id,
        measure_value,
        case
            when measure_value = 0 then '窗口内留言' || messages_in_window || '条，均按时回复'
            else '窗口内留言' || messages_in_window || '条，其中' || measure_value || '条超过'
                || {{ number_text('threshold') }} || '个月未回复；最早一条“' || coalesce(first_title, '') || '”提问于'
                || strftime(first_asked_on, '%Y-%m-%d')
                || coalesce('，' || strftime(first_replied_on, '%Y-%m-%d') || '回复', '，截至监测时间点未回复')
        end as evidence,
        first_url as evidence_url,
        first_asked_on as evidence_date,
        cast(null as varchar) as evidence_sha256
    from messages_measured
),

-- WS4 reposts -----------------------------------------------------------------------------------------------
reposts as (
    select
        rules.rule_id,
        reposts.*,
        case
            when reposts.is_found and reposts.reposted_at is not null
                then (epoch(reposts.reposted_at) - epoch(reposts.released_at)) / 3600.0
            when not reposts.is_found
                then (epoch(monitoring.monitoring_at) - epoch(reposts.released_at)) / 3600.0
        end as delay_hours,
        rules.threshold,
        rules.comparison
    from {{ ref('stg_raw__reposts') }} as reposts
    cross join monitoring
    inner join rules on rules.measure = 'site_reposts_late'
    where reposts.released_at < monitoring.monitoring_at
    -- one verdict per (site, release): the earliest repost found
    qualify row_number() over (
        partition by rules.rule_id, reposts.site_id, reposts.release_id
        order by reposts.is_found desc, reposts.reposted_at nulls last
    ) = 1
),

reposts_checked as (
    select
        *,
        {{ breaches('delay_hours', 'threshold', 'comparison', null_breaches=true) }} as is_late
    from reposts
),

reposts_measured as (
    select
        rules.rule_id,
        sites.site_id,
        count(reposts_checked.site_id) filter (where reposts_checked.is_late) as measure_value,
        count(reposts_checked.site_id) as releases,
        string_agg(
            '“' || reposts_checked.release_title || '”'
            || case
                when not reposts_checked.is_found then '未转载'
                when reposts_checked.delay_hours is null then '转载时间不明'
                else '发布后' || cast(round(reposts_checked.delay_hours, 1) as varchar) || '小时转载'
            end, '；' order by reposts_checked.released_at, reposts_checked.release_id
        ) filter (where reposts_checked.is_late) as late_text,
        arg_min(coalesce(reposts_checked.repost_url, ''), reposts_checked.released_at)
            filter (where reposts_checked.is_late) as first_url,
        min(cast(timezone('Asia/Shanghai', reposts_checked.released_at) as date))
            filter (where reposts_checked.is_late) as first_released_on,
        any_value(rules.threshold) as threshold
    from rules
    cross join sites
    left join reposts_checked
        on reposts_checked.rule_id = rules.rule_id
        and reposts_checked.site_id = sites.site_id
    where rules.measure = 'site_reposts_late'
    group by rules.rule_id, sites.site_id
),

reposts_worded as (
    select
        rule_id,
        site_id,
        measure_value,
        '应转载重点政务信息' || releases || '条，超过' || {{ number_text('threshold') }} || '小时未转载或转载超时'
            || measure_value || '条' || coalesce('：' || late_text, '') as evidence,
        nullif(first_url, '') as evidence_url,
        first_released_on as evidence_date,
        cast(null as varchar) as evidence_sha256
    from reposts_measured
),

-- WS1 links -------------------------------------------------------------------------------------------------
links as (
    select * from {{ ref('stg_raw__links') }}
    qualify row_number() over (partition by site_id, link_url order by checked_at desc nulls last, found_on) = 1
),

links_measured as (
    select
        rules.rule_id,
        sites.site_id,
        count(links.site_id) filter (where links.is_broken) as measure_value,
        count(links.site_id) as links_checked,
        string_agg('“' || coalesce(links.link_text, '') || '”（' || links.link_url || '，' || links.outcome
                   || coalesce(' ' || links.status_code, '') || '）', '；' order by links.found_on, links.link_url)
            filter (where links.is_broken) as broken_text,
        min(links.found_on) filter (where links.is_broken) as first_found_on,
        min(cast(timezone('Asia/Shanghai', links.checked_at) as date)) filter (where links.is_broken) as checked_on
    from rules
    cross join sites
    left join links on links.site_id = sites.site_id
    where rules.measure = 'site_broken_links'
    group by rules.rule_id, sites.site_id
),

links_worded as (
    select
        rule_id,
        site_id,
        measure_value,
        '检查链接' || links_checked || '个，打不开' || measure_value || '个' || coalesce('：' || broken_text, '')
            as evidence,
        first_found_on as evidence_url,
        checked_on as evidence_date,
        cast(null as varchar) as evidence_sha256
    from links_measured
),

-- WS2 privacy, WS3 wording ----------------------------------------------------------------------------------
hits_measured as (
    select
        rules.rule_id,
        sites.site_id,
        count(hits.site_id) as measure_value,
        string_agg(
            case rules.measure
                when 'site_privacy_hits' then
                    case hits.hit_kind when 'id_card' then '身份证号' when 'mobile' then '手机号'
                        when 'bank_card' then '银行卡号' else hits.hit_kind end || hits.matched
                else '“' || hits.matched || '”' || coalesce('疑为“' || hits.suggestion || '”', '')
                    || '（' || hits.hit_kind || '）'
            end || '（“' || coalesce(hits.article_title, '') || '”）', '；'
            order by hits.article_date, hits.article_url, hits.matched
        ) as hits_text,
        arg_min(hits.article_url, hits.article_date) as first_url,
        min(hits.article_date) as first_date,
        arg_min(hits.content_sha256, hits.article_date) as first_sha256,
        any_value(rules.measure) as measure
    from rules
    cross join sites
    left join {{ ref('stg_raw__content_hits') }} as hits
        on hits.site_id = sites.site_id
        and hits.check_kind = case rules.measure when 'site_privacy_hits' then 'privacy' else 'wording' end
    where rules.measure in ('site_privacy_hits', 'site_wording_hits')
    group by rules.rule_id, sites.site_id
),

hits_worded as (
    select
        rule_id,
        site_id,
        measure_value,
        case measure when 'site_privacy_hits' then '未脱敏个人信息' else '疑似错误表述' end
            || measure_value || '处' || coalesce('：' || hits_text, '') as evidence,
        first_url as evidence_url,
        first_date as evidence_date,
        first_sha256 as evidence_sha256
    from hits_measured
),

measured as (
    select * from channel_measured
    union all
    select * from messages_worded
    union all
    select * from reposts_worded
    union all
    select * from links_worded
    union all
    select * from hits_worded
)

select
    rules.rule_id,
    rules.indicator,
    rules.measure,
    sites.run_id,
    measured.site_id,
    sites.home_url,
    measured.measure_value,
    rules.threshold,
    rules.comparison,
    case
        when rules.measure in ('site_messages_overdue', 'site_reposts_late') then measured.measure_value >= 1
        else {{ breaches('measured.measure_value', 'rules.threshold', 'rules.comparison', null_breaches=false) }}
    end as is_breach,
    measured.evidence,
    measured.evidence_url,
    measured.evidence_date,
    measured.evidence_sha256
from measured
inner join rules on rules.rule_id = measured.rule_id
inner join sites on sites.site_id = measured.site_id
where {{ category_matches('rules.levels', 'sites.level') }}

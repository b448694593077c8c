-- Registration of accounts (M4 私自开设, M6 未认证 / 名称不一致), one row per (rule, object):
--   account_candidate_unfiled (M4): every account found by searching a platform for a unit's name
--     (account_candidates, one row per platform and platform id) whose platform id is neither in the filing
--     roster (any status) nor in the inventory (platform_id or platform_alt_id) for the same platform. The
--     object is the candidate ('candidate:<platform>:<platform id>'), a suspicion for an operator to confirm;
--   account_unverified (M6): inventoried accounts whose latest status check answered (outcome ok) with
--     verified = false (null = unknown: no finding);
--   account_name_mismatch (M6): inventoried accounts whose platform display name differs from the inventory's
--     account name (both present, trimmed).
with rules as (
    select * from {{ ref('int_rules_selected') }}
    where measure in ('account_candidate_unfiled', 'account_unverified', 'account_name_mismatch')
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

known as (
    select platform, platform_id from {{ ref('stg_raw__roster') }} where platform_id is not null
    union
    select platform, platform_id from accounts where platform_id is not null
    union
    select platform, platform_alt_id from accounts where platform_alt_id is not null
),

candidates as (
    select *
    from {{ ref('stg_raw__account_candidates') }}
    where platform_id is not null
    qualify row_number() over (partition by platform, platform_id order by fetched_at, unit, query) = 1
),

candidates_measured as (
    select
        'candidate:' || candidates.platform || ':' || candidates.platform_id as object_id,
        cast(null as varchar) as account_id,
        candidates.run_id,
        candidates.unit,
        candidates.platform,
        candidates.account_name,
        'account_candidate_unfiled' as measure,
        case when known.platform_id is null then 1 else 0 end as measure_value,
        '按“' || coalesce(candidates.query, candidates.unit, '') || '”在' || candidates.platform || '搜索发现账号“'
            || coalesce(candidates.account_name, '') || '”（ID ' || candidates.platform_id
            || coalesce('，认证：' || nullif(candidates.verified_name, ''), '')
            || '），报备系统和检查清单中均无此账号（待人工确认）' as evidence,
        coalesce(candidates.candidate_url, candidates.request_url) as evidence_url,
        cast(timezone('Asia/Shanghai', candidates.fetched_at) as date) as evidence_date,
        candidates.raw_sha256 as evidence_sha256
    from candidates
    left join known
        on known.platform = candidates.platform
        and known.platform_id = candidates.platform_id
),

statuses as (
    select *
    from {{ ref('stg_raw__account_statuses') }}
    qualify row_number() over (partition by account_id order by fetched_at desc nulls last, request_url) = 1
),

status_measured as (
    select
        accounts.account_id as object_id,
        accounts.account_id,
        accounts.run_id,
        accounts.unit,
        accounts.platform,
        accounts.account_name,
        measures.measure,
        case measures.measure
            when 'account_unverified' then case when statuses.verified = false then 1 else 0 end
            when 'account_name_mismatch' then case
                when nullif(trim(statuses.display_name), '') is not null and accounts.account_name is not null
                    and trim(statuses.display_name) <> accounts.account_name then 1 else 0 end
        end as measure_value,
        case measures.measure
            when 'account_unverified' then '平台显示账号“' || coalesce(statuses.display_name, accounts.account_name)
                || '”未进行机构认证'
            else '平台显示名称“' || coalesce(statuses.display_name, '') || '”，清单名称“'
                || coalesce(accounts.account_name, '') || '”'
        end as evidence,
        statuses.request_url as evidence_url,
        cast(timezone('Asia/Shanghai', statuses.fetched_at) as date) as evidence_date,
        statuses.raw_sha256 as evidence_sha256
    from accounts
    inner join statuses on statuses.account_id = accounts.account_id and statuses.outcome = 'ok'
    cross join (select distinct measure from rules where measure in ('account_unverified', 'account_name_mismatch'))
        as measures
),

measured as (
    select * from candidates_measured
    union all
    select * from status_measured
)

select
    rules.rule_id,
    rules.indicator,
    rules.measure,
    measured.run_id,
    measured.object_id,
    measured.account_id,
    measured.unit,
    measured.platform,
    measured.account_name,
    measured.measure_value,
    rules.threshold,
    rules.comparison,
    {{ breaches('measured.measure_value', 'rules.threshold', 'rules.comparison', null_breaches=false) }} as is_breach,
    measured.evidence,
    measured.evidence_url,
    measured.evidence_date,
    measured.evidence_sha256
from measured
inner join rules on rules.measure = measured.measure

-- Every breach of every implemented rule, one row per (rule, object), in one shape. The marts add the
-- rule's wording and the inventory's names. A new indicator adds its *_flagged model here.
with column_findings as (
    select
        rule_id,
        'column' as object_type,
        column_id as object_id,
        site_id,
        column_id,
        cast(null as varchar) as account_id,
        category,
        evidence,
        coalesce(latest_item_url, column_url) as evidence_url,
        latest_item_date as evidence_date
    from {{ ref('int_columns_stale_flagged') }}
    where is_breach
),

site_findings as (
    select
        rule_id,
        'site' as object_type,
        site_id as object_id,
        site_id,
        cast(null as varchar) as column_id,
        cast(null as varchar) as account_id,
        cast(null as varchar) as category,
        evidence,
        home_url as evidence_url,
        cast(null as date) as evidence_date
    from {{ ref('int_sites_stale_columns_counted') }}
    where is_breach
),

availability_findings as (
    -- W1: the unreachable veto (measured weeks only) and the insufficient-monitoring warning
    select
        rule_id,
        'site' as object_type,
        site_id as object_id,
        site_id,
        cast(null as varchar) as column_id,
        cast(null as varchar) as account_id,
        cast(null as varchar) as category,
        evidence,
        home_url as evidence_url,
        window_end as evidence_date
    from {{ ref('int_sites_availability_measured') }}
    where is_breach
),

account_stale_findings as (
    select
        rule_id,
        'account' as object_type,
        account_id as object_id,
        cast(null as varchar) as site_id,
        cast(null as varchar) as column_id,
        account_id,
        cast(null as varchar) as category,
        evidence,
        last_post_url as evidence_url,
        last_post_on as evidence_date
    from {{ ref('int_accounts_stale_flagged') }}
    where is_breach
),

account_gap_findings as (
    select
        rule_id,
        'account' as object_type,
        account_id as object_id,
        cast(null as varchar) as site_id,
        cast(null as varchar) as column_id,
        account_id,
        cast(null as varchar) as category,
        evidence,
        evidence_url,
        evidence_date
    from {{ ref('int_accounts_gaps_flagged') }}
    where is_breach
),

account_unfiled_findings as (
    select
        rule_id,
        'account' as object_type,
        account_id as object_id,
        cast(null as varchar) as site_id,
        cast(null as varchar) as column_id,
        account_id,
        cast(null as varchar) as category,
        evidence,
        status_request_url as evidence_url,
        cast(status_checked_at at time zone 'Asia/Shanghai' as date) as evidence_date
    from {{ ref('int_accounts_unfiled_flagged') }}
    where is_breach
)

select * from column_findings
union all
select * from site_findings
union all
select * from availability_findings
union all
select * from account_stale_findings
union all
select * from account_gap_findings
union all
select * from account_unfiled_findings

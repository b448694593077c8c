-- Every breach of every implemented rule, one row per (rule, object), in one shape. The marts add the
-- rule's wording and the inventory's names. A new indicator adds its *_flagged model here. The pointers to
-- the evidence: evidence_url (the page, post, message or link that shows it), evidence_date, and
-- evidence_sha256 (the stored body, data/evidence/<sha[:2]>/<sha>.gz) where the source row has one.
-- unit / object_name / platform are only set for objects outside the inventory (M4 candidates).
{%- set parts = [
    ("int_columns_stale_flagged", "'column'", "column_id", "site_id", "column_id", "null", "category",
     "coalesce(latest_item_url, column_url)", "latest_item_date", "null"),
    ("int_sites_stale_columns_counted", "'site'", "site_id", "site_id", "null", "null", "null",
     "home_url", "null", "null"),
    ("int_sites_availability_measured", "'site'", "site_id", "site_id", "null", "null", "null",
     "home_url", "window_end", "null"),
    ("int_sites_home_flagged", "'site'", "site_id", "site_id", "null", "null", "null",
     "coalesce(latest_item_url, home_url)", "latest_item_date", "null"),
    ("int_sites_content_flagged", "'site'", "site_id", "site_id", "null", "null", "null",
     "coalesce(evidence_url, home_url)", "evidence_date", "evidence_sha256"),
    ("int_accounts_stale_flagged", "'account'", "account_id", "null", "null", "account_id", "null",
     "last_post_url", "last_post_on", "null"),
    ("int_accounts_gaps_flagged", "'account'", "account_id", "null", "null", "account_id", "null",
     "evidence_url", "evidence_date", "null"),
    ("int_accounts_unfiled_flagged", "'account'", "account_id", "null", "null", "account_id", "null",
     "status_request_url", "cast(status_checked_at at time zone 'Asia/Shanghai' as date)", "null"),
] -%}
{%- for model, object_type, object_id, site_id, column_id, account_id, category, url, day, sha in parts %}
select
    rule_id,
    {{ object_type }} as object_type,
    {{ object_id }} as object_id,
    cast({{ site_id }} as varchar) as site_id,
    cast({{ column_id }} as varchar) as column_id,
    cast({{ account_id }} as varchar) as account_id,
    cast({{ category }} as varchar) as category,
    evidence,
    cast({{ url }} as varchar) as evidence_url,
    cast({{ day }} as date) as evidence_date,
    cast({{ sha }} as varchar) as evidence_sha256,
    cast(null as varchar) as unit,
    cast(null as varchar) as object_name,
    cast(null as varchar) as platform
from {{ ref(model) }}
where is_breach
union all
{%- endfor %}
select
    rule_id,
    'account' as object_type,
    object_id,
    cast(null as varchar) as site_id,
    cast(null as varchar) as column_id,
    account_id,
    cast(null as varchar) as category,
    evidence,
    evidence_url,
    evidence_date,
    evidence_sha256,
    case when account_id is null then unit end as unit,
    case when account_id is null then account_name end as object_name,
    case when account_id is null then platform end as platform
from {{ ref('int_accounts_registration_flagged') }}
where is_breach

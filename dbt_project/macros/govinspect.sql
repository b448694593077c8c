{#- Shared expressions of the govinspect project. Thresholds never appear here: they are in seeds/rules.csv. -#}

{#- The monitoring point (监测时间点) as a DATE, from var('monitoring_date') (YYYY-MM-DD). -#}
{% macro monitoring_date() -%}
    cast('{{ var("monitoring_date") }}' as date)
{%- endmacro %}

{#- The inspection quarter as a literal, from var('quarter'). -#}
{% macro quarter() -%}
    cast('{{ var("quarter") }}' as varchar)
{%- endmacro %}

{#- True when a rule's pipe-separated `categories` filter (empty = every category) admits `category`. -#}
{% macro category_matches(categories, category) -%}
    (nullif(trim({{ categories }}), '') is null
     or list_contains(string_split({{ categories }}, '|'), {{ category }}))
{%- endmacro %}

{#- Does `value` break the rule's line? `comparison` is '>' or '>=' (seed column; '<' for a minimum, e.g. W1's
    probes per day: fewer than the line breaks it); a NULL value (nothing dated, no post at all) counts as a
    breach when null_breaches is true: undated counts as not updated. -#}
{% macro breaches(value, threshold='threshold', comparison='comparison', null_breaches=true) -%}
    case
        when {{ value }} is null then {{ 'true' if null_breaches else 'false' }}
        when {{ comparison }} = '>' then {{ value }} > {{ threshold }}
        when {{ comparison }} = '>=' then {{ value }} >= {{ threshold }}
        when {{ comparison }} = '<' then {{ value }} < {{ threshold }}
    end
{%- endmacro %}

{#- A rules-table number as text without a useless '.0' (20.0 -> 20, 2.5 -> 2.5), for evidence wording. -#}
{% macro number_text(value) -%}
    regexp_replace(cast({{ value }} as varchar), '\.0+$', '')
{%- endmacro %}

{#- The availability probes (W1) as a relation: source('raw', 'probes') - read_parquet over
    <raw_root>/probes/date=*/*.parquet - when at least one probe file exists, else an empty relation of the
    same columns (landing.PROBE_SCHEMA). DuckDB's read_parquet fails on a glob that matches nothing, and a
    fresh installation (or one whose probe DAG never ran) has no probe file at all: the quarterly run must
    still build, every site then being "insufficiently monitored". The check runs DuckDB's glob() on the
    very pattern of the source (taken from the rendered relation, so the location is defined once, in
    _raw__sources.yml) each time the model is built. In unit tests source() is a fixture CTE: used as is. -#}
{% macro probes_relation() -%}
    {%- set relation = source('raw', 'probes') -%}
    {%- set match = modules.re.search("read_parquet\(\s*'([^']+)'", relation | string) -%}
    {%- set present = true -%}
    {%- if execute and match -%}
        {%- set pattern = match.group(1) | replace("'", "''") -%}
        {%- set present = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] > 0 -%}
    {%- endif -%}
    {%- if present -%}
        {{ relation }}
    {%- else -%}
        (
            select
                cast(null as varchar) as probe_run_id,
                cast(null as varchar) as site_id,
                cast(null as varchar) as url,
                cast(null as timestamp with time zone) as probed_at,
                cast(null as varchar) as outcome,
                cast(null as integer) as status_code,
                cast(null as double) as elapsed_ms,
                cast(null as varchar) as content_sha256,
                cast(null as varchar) as error
            where false
        )
    {%- endif -%}
{%- endmacro %}

{#- Start of a rule's history window: the monitoring point minus `months` calendar months (DuckDB date
    arithmetic: 2024-09-10 - 3 months = 2024-06-10; a day missing in the target month clamps to its last
    day, 2024-05-31 - 3 months = 2024-02-29). The window is [start, monitoring point], both days included. -#}
{% macro window_start(months) -%}
    cast({{ monitoring_date() }} - to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{#- Is an account evaluated by the update rules (M1 latest post, M2 gaps)? Only when its posts were
    collected: the latest status check answered (outcome ok) - a failed or partial collection (timeout,
    rate_limited, not_collected, no status row at all) proves nothing about updating, so no finding is
    made and mart_account_verdicts says not_collected. Then:
      - active, or unknown (the platform answered but the status could not be told): evaluated; no post
        counts as not updated;
      - closed, not_found, blocked: evaluated only when posts were collected (`posts`: non-pinned posts in
        the rule's window) and the account is still running (no closure filing on or before the monitoring
        point): a platform that keeps the history after closure (Toutiao) shows the gap the account left;
        without posts the account is the closure rule's (M3) case; a filed closure is not a gap. -#}
{% macro account_updates_evaluated(platform_status, status_outcome, posts, is_running) -%}
    (coalesce({{ status_outcome }} = 'ok', false)
     and ({{ platform_status }} in ('active', 'unknown')
          or ({{ platform_status }} in ('closed', 'not_found', 'blocked')
              and coalesce({{ posts }}, 0) > 0
              and coalesce({{ is_running }}, true))))
{%- endmacro %}

{#- Fetch outcomes (govinspect.vocab.FETCH_OUTCOMES) that prove a link or a page does not work: no answer in
    time, connection refused or reset, certificate failure, a non-2xx final status. Not included: challenged
    (an anti-bot page answered: the site is up), rate_limited, blocked_by_policy, not_collected (not checked),
    too_large and error (unclassified: the operator reads `error`). -#}
{% macro broken_link_outcomes() -%}
    ('timeout', 'refused', 'reset', 'tls', 'http_error')
{%- endmacro %}

{#- The quarter before var('quarter') (2024Q3 -> 2024Q2, 2024Q1 -> 2023Q4), as a literal. -#}
{% macro previous_quarter() -%}
    {%- set q = var("quarter") -%}
    {%- set year = q[:4] | int -%}
    {%- set n = q[-1:] | int -%}
    {%- if n == 1 -%}'{{ year - 1 }}Q4'{%- else -%}'{{ year }}Q{{ n - 1 }}'{%- endif -%}
{%- endmacro %}

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

{#- Does `value` break the rule's line? `comparison` is '>' or '>=' (seed column); a NULL value (nothing
    dated, no post at all) counts as a breach when null_breaches is true: undated counts as not updated. -#}
{% macro breaches(value, threshold='threshold', comparison='comparison', null_breaches=true) -%}
    case
        when {{ value }} is null then {{ 'true' if null_breaches else 'false' }}
        when {{ comparison }} = '>' then {{ value }} > {{ threshold }}
        when {{ comparison }} = '>=' then {{ value }} >= {{ threshold }}
    end
{%- endmacro %}

{#- Position of a column category (栏目类别) in the vocabulary order of govinspect.vocab.CATEGORIES; used to
    order several problems of one site deterministically (要闻 before 动态). Unknown/null sorts last. -#}
{% macro category_order(category) -%}
    coalesce(nullif(list_position(['要闻', '动态', '通知公告', '政策文件', '人事', '规划计划', '互动', '其他'], {{ category }}), 0), 99)
{%- endmacro %}

-- The rules of the profile chosen by var('rules_profile'); every threshold comes from here.
select
    profile as rules_profile,
    rule_id,
    indicator,
    description_zh,
    object_type,
    measure,
    nullif(trim(categories), '') as categories,
    nullif(trim(count_group), '') as count_group,
    nullif(trim(levels), '') as levels,
    threshold,
    comparison,
    window_days,
    window_months,
    severity,
    annex,
    problem_wording,
    notice_paragraph,
    nullif(trim(notice_phrase), '') as notice_phrase,
    notice_order
from {{ ref('rules') }}
where profile = '{{ var("rules_profile") }}'

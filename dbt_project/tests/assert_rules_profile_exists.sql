-- The profile chosen by var('rules_profile') must have rules: a typo would otherwise silently produce a
-- notice without any finding.
select '{{ var("rules_profile") }}' as rules_profile
where not exists (
    select 1 from {{ ref('rules') }} where profile = '{{ var("rules_profile") }}'
)

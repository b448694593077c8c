-- A rule's measure must be computed for the rule's object type (column measures for column rules, ...).
select profile, rule_id, object_type, measure
from {{ ref('rules') }}
where not (
    (object_type = 'column' and measure like 'column\_%' escape '\')
    or (object_type = 'site' and measure like 'site\_%' escape '\')
    or (object_type = 'account' and measure like 'account\_%' escape '\')
)

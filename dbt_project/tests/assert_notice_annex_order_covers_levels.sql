-- Every level of the inventory needs a rank in both annexes of the selected profile
-- (seeds/notice_annex_order.csv); a missing one would silently sort its rows last.
with levels as (
    select distinct level from {{ ref('stg_raw__websites') }}
    union
    select distinct level from {{ ref('stg_raw__accounts') }}
),

annexes as (
    select unnest([1, 2]) as annex
)

select levels.level, annexes.annex
from levels
cross join annexes
where levels.level is not null
    and not exists (
        select 1 from {{ ref('notice_annex_order') }} as o
        where o.profile = '{{ var("rules_profile") }}' and o.annex = annexes.annex and o.level = levels.level
    )

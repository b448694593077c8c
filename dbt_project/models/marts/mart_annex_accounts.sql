-- 附件2 检查发现存在突出问题的政务新媒体: one row per (account, problem) with annex-2 findings; an account
-- with two problems (e.g. 断更 and 注销未报备) has two rows. Rows ordered by (level rank, problem order =
-- notice_order, inventory order); the level ranks come from seeds/notice_annex_order.csv, where ganzi ranks
-- every level alike for annex 2, so the order is the notice's: M2 rows, then M3 rows, each in inventory order.
with problems as (
    select
        account_id,
        problem,
        min(notice_order) as notice_order
    from {{ ref('fct_findings') }}
    where quarter = {{ quarter() }} and annex = 2
    group by account_id, problem
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

level_ranks as (
    select level, level_rank
    from {{ ref('notice_annex_order') }}
    where profile = '{{ var("rules_profile") }}' and annex = 2
)

select
    {{ quarter() }} as quarter,
    row_number() over (
        order by level_ranks.level_rank nulls last, problems.notice_order, accounts.inventory_order,
            accounts.account_id, problems.problem
    ) as row_no,
    accounts.account_id,
    accounts.unit,
    accounts.platform,
    accounts.account_name,
    problems.problem
from problems
inner join accounts on accounts.account_id = problems.account_id
left join level_ranks on level_ranks.level = accounts.level
order by row_no

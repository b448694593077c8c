-- 附件2 检查发现存在突出问题的政务新媒体: one row per (account, problem) with annex-2 findings, ordered by
-- (notice_order, inventory_order).
with problems as (
    select
        account_id,
        problem,
        min(notice_order) as notice_order
    from {{ ref('fct_findings') }}
    where annex = 2
    group by account_id, problem
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
)

select
    {{ quarter() }} as quarter,
    row_number() over (
        order by problems.notice_order, accounts.inventory_order, accounts.account_id, problems.problem
    ) as row_no,
    accounts.account_id,
    accounts.unit,
    accounts.platform,
    accounts.account_name,
    problems.problem
from problems
inner join accounts on accounts.account_id = problems.account_id
order by row_no

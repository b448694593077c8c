-- The numbers of the notice text must agree with the annex tables (the run's quarter; marts keep every quarter).
with summary as (
    select * from {{ ref('mart_notice_summary') }} where quarter = {{ quarter() }}
),

annex_sites as (
    select count(*) as n from {{ ref('mart_annex_websites') }} where quarter = {{ quarter() }}
),

annex_accounts as (
    select
        count(distinct account_id) filter (where problem not in (
            select problem from {{ ref('fct_findings') }} where quarter = {{ quarter() }} and indicator = 'M3'
        )) as flagged,
        count(distinct account_id) filter (where problem in (
            select problem from {{ ref('fct_findings') }} where quarter = {{ quarter() }} and indicator = 'M3'
        )) as closed_unfiled
    from {{ ref('mart_annex_accounts') }}
    where quarter = {{ quarter() }}
)

select summary.*
from summary, annex_sites, annex_accounts
where summary.websites_flagged <> annex_sites.n
    or summary.websites_flagged_prefecture + summary.websites_flagged_department
        + summary.websites_flagged_county <> annex_sites.n
    or summary.accounts_flagged <> annex_accounts.flagged
    or summary.accounts_closed_unfiled <> annex_accounts.closed_unfiled

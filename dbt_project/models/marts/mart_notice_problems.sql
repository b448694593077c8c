-- 二、主要问题: the distinct notice phrases of the rules that have findings this quarter, by notice
-- paragraph. Early warnings (severity warning) and rules without a phrase are not notice material.
-- Paragraph 4 (整改反馈问题不力，同类问题仍然重复出现) has one row, phrase 同类问题重复出现, when a finding of this
-- quarter repeats one of the previous quarter (mart_findings_compared: comparison = repeat).
with phrases as (
    select
        notice_paragraph,
        notice_phrase,
        min(notice_order) as phrase_order
    from {{ ref('fct_findings') }}
    where quarter = {{ quarter() }} and severity <> 'warning'
        and notice_phrase is not null
        and notice_paragraph is not null
    group by notice_paragraph, notice_phrase
),

repeats as (
    select
        4 as notice_paragraph,
        '同类问题重复出现' as notice_phrase,
        min(notice_order) as phrase_order
    from {{ ref('mart_findings_compared') }}
    where quarter = {{ quarter() }} and comparison = 'repeat'
    having count(*) > 0
)

select {{ quarter() }} as quarter, notice_paragraph, notice_phrase, phrase_order
from (
    select * from phrases
    union all
    select * from repeats
)
order by notice_paragraph, phrase_order

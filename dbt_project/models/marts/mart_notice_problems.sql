-- 二、主要问题: the distinct notice phrases of the rules that have findings this quarter, by notice
-- paragraph. Early warnings (severity warning) and rules without a phrase are not notice material.
select
    {{ quarter() }} as quarter,
    notice_paragraph,
    notice_phrase,
    min(notice_order) as phrase_order
from {{ ref('fct_findings') }}
where severity <> 'warning'
    and notice_phrase is not null
    and notice_paragraph is not null
group by notice_paragraph, notice_phrase
order by notice_paragraph, phrase_order

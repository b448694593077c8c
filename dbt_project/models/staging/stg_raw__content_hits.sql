-- One row per content hit in an article (privacy: masked personal number; wording: suspect text).
select
    run_id,
    quarter,
    site_id,
    column_id,
    article_url,
    article_title,
    article_date,
    trim("check") as check_kind,
    trim(kind) as hit_kind,
    matched,
    suggestion,
    context,
    content_sha256
from {{ source('raw', 'content_hits') }}

-- One row per collected post; published_on is the Asia/Shanghai calendar day.
select
    run_id,
    quarter,
    account_id,
    trim(platform) as platform,
    post_id,
    published_at,
    published_on,
    title,
    url as post_url,
    coalesce(pinned, false) as is_pinned,
    is_repost,
    source,
    raw_sha256
from {{ source('raw', 'posts') }}

-- One row per (site, important release 重点政务信息): whether and when the site reposted it.
select
    run_id,
    quarter,
    site_id,
    release_id,
    release_title,
    publisher,
    released_at,
    coalesce(found, false) as is_found,
    column_id,
    url as repost_url,
    reposted_at,
    date_source
from {{ source('raw', 'reposts') }}

-- One row per fetched page (home, column list, article, guestbook).
select
    run_id,
    quarter,
    site_id,
    column_id,
    page_kind,
    url as page_url,
    final_url,
    fetched_at,
    status_code,
    outcome,
    elapsed_ms,
    content_sha256,
    content_bytes,
    encoding,
    error
from {{ source('raw', 'pages') }}

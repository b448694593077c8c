-- One row per message of an interaction column (互动/留言); replied_on null = unanswered.
select
    run_id,
    quarter,
    site_id,
    column_id,
    page_url,
    title,
    url as message_url,
    asked_on,
    replied_on,
    status_text
from {{ source('raw', 'messages') }}

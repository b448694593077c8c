-- One row per distinct link checked on a site (错链死链). is_broken: the check proved the link does not work
-- (see macro broken_link_outcomes); an anti-bot challenge, a rate limit or a link not checked proves nothing.
select
    run_id,
    quarter,
    site_id,
    found_on,
    trim(link_text) as link_text,
    url as link_url,
    checked_at,
    method,
    status_code,
    outcome,
    elapsed_ms,
    error,
    coalesce(outcome in {{ broken_link_outcomes() }}, false) as is_broken
from {{ source('raw', 'links') }}

-- One row per site per availability probe (W1), with its Beijing-time day and whether it failed.
-- Read through probes_relation(): an installation without any probe file yields no row instead of failing.
-- A failure is any outcome but ok (opened completely within the probe's 15 s) and challenged (an anti-bot
-- challenge page answered: the site is up); an unknown or missing outcome counts as a failure.
with probes as (
    select * from {{ probes_relation() }}
)

select
    probe_run_id,
    site_id,
    url as probe_url,
    probed_at,
    cast(timezone('Asia/Shanghai', probed_at) as date) as probed_on,
    outcome,
    status_code,
    elapsed_ms,
    content_sha256,
    error,
    coalesce(outcome not in ('ok', 'challenged'), true) as is_failure
from probes
where site_id is not null
-- a probe round re-landed under another date folder is one probe, not two
qualify row_number() over (partition by site_id, probe_run_id order by probed_at desc) = 1

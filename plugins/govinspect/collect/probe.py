"""Availability probes (19号 W1): one GET of each home page, complete 2xx within 15 s or it failed.

One GET per probe: no retries (``max_attempts=1``), since a retried visit would hide the failures W1 counts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from datetime import datetime

from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.collect.netguard import allowed_networks_from_env

log = logging.getLogger(__name__)

PROBE_POLICY = FetchPolicy(total_timeout=15.0, connect_timeout=15.0, max_redirects=5, per_host=1, global_limit=32,
                           max_attempts=1)


def probe_policy() -> FetchPolicy:
    """:data:`PROBE_POLICY` with the configured allowed networks (``GOVINSPECT_ALLOWED_NETWORKS``)."""
    return dataclasses.replace(PROBE_POLICY, allowed_networks=allowed_networks_from_env())


async def probe_sites(sites: list[dict], *, now: datetime | None = None,
                      policy: FetchPolicy | None = None) -> list[dict]:
    """Probe every site once, concurrently; one record per site. ``now`` stamps the probe (replays).
    ``policy`` defaults to :func:`probe_policy` (read when called)."""
    async with Fetcher(policy or probe_policy()) as fetcher:
        results = await asyncio.gather(*(fetcher.get(s["home_url"]) for s in sites))
    rows = []
    for site, r in zip(sites, results, strict=True):
        rows.append({
            "site_id": site["site_id"], "url": site["home_url"], "probed_at": now or r.fetched_at,
            "outcome": r.outcome, "status_code": r.status_code, "elapsed_ms": r.elapsed_ms,
            "content_sha256": r.sha256, "error": r.error,
        })
    log.info("probed %d sites: %s", len(rows), dict(Counter(r["outcome"] for r in rows)))
    return rows

"""Availability probes (19号 W1): one GET of each home page, complete 2xx within 15 s or it failed."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime

from govinspect.collect.http import Fetcher, FetchPolicy

log = logging.getLogger(__name__)

PROBE_POLICY = FetchPolicy(total_timeout=15.0, connect_timeout=15.0, max_redirects=5, per_host=1, global_limit=32)


async def probe_sites(sites: list[dict], *, now: datetime | None = None,
                      policy: FetchPolicy = PROBE_POLICY) -> list[dict]:
    """Probe every site once, concurrently; one record per site. ``now`` stamps the probe (replays)."""
    async with Fetcher(policy) as fetcher:
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

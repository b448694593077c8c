"""Replay the availability-probe schedule against the simulated prefecture in seconds, not a week.

The probe DAG probes every site every hour; the quarterly run counts the week before the monitoring point
(19号 W1: ≥ 20 probes a day). Against the simulated prefecture a replay driver sets the sandbox clock to each
scheduled probe instant and runs one ordinary probe round — the very code the probe DAG runs
(:func:`govinspect.collect.probe.probe_sites`), stamping its records with that instant — so outage windows
in scenario time show up exactly as they would have. The collectors are not told anything: only the
simulated servers' clock moves.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from govinspect.collect.probe import probe_sites
from govinspect.inventory import load_inventory
from govinspect.landing import land_probes

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


def probe_instants(end: datetime, days: int = 7, per_day: int = 24) -> list[datetime]:
    """The scheduled probe instants of the ``days`` before ``end``, ``per_day`` evenly spaced a day."""
    step = timedelta(days=1) / per_day
    start = end - timedelta(days=days)
    return [start + i * step for i in range(days * per_day)]


def replay_probes(sandbox, *, days: int = 7, per_day: int = 24, end: datetime | None = None,
                  root: Path | None = None) -> dict:
    """Run the probe rounds of the week before the scenario's monitoring point; land one file per round.

    ``sandbox`` is a running :class:`~govinspect.sandbox.Sandbox`; its clock is restored afterwards.
    """
    end = end or datetime.combine(sandbox.scenario.monitoring_point, dtime(0, 0), TZ)
    sites = [{"site_id": w.site_id, "home_url": w.home_url} for w in load_inventory(sandbox.inventory_dir).websites]
    resume_at = sandbox.now()
    started = time.perf_counter()
    outcomes: Counter = Counter()
    instants = probe_instants(end, days, per_day)
    try:
        for instant in instants:
            sandbox.set_clock(instant.astimezone(TZ).replace(tzinfo=None))
            rows = asyncio.run(probe_sites(sites, now=instant))
            outcomes.update(r["outcome"] for r in rows)
            land_probes(rows, probe_run_id=f"replay__{instant.astimezone(TZ):%Y-%m-%dT%H:%M}",
                        day=instant.astimezone(TZ).date().isoformat(), root=root)
    finally:
        sandbox.set_clock(resume_at)
    summary = {"rounds": len(instants), "sites": len(sites), "records": sum(outcomes.values()),
               "outcomes": dict(outcomes), "seconds": round(time.perf_counter() - started, 1),
               "from": instants[0].isoformat(), "to": instants[-1].isoformat()}
    log.info("replayed %d probe rounds of %d sites in %.1f s: %s", len(instants), len(sites), summary["seconds"],
             dict(outcomes))
    return summary

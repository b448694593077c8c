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
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from govinspect.collect.probe import probe_sites
from govinspect.inventory import load_inventory
from govinspect.landing import land_probes
from govinspect.sandbox.faults import probe_schedule

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


def replay_probes(sandbox, *, days: int = 7, per_day: int = 24, root: Path | None = None) -> dict:
    """Run the probe rounds of the ``days`` before the scenario's monitoring point on the probe DAG's grid
    (on the hour for 24 a day); land one file per round. ``sandbox`` is a running
    :class:`~govinspect.sandbox.Sandbox`; its clock is put back afterwards."""
    first_day = sandbox.scenario.monitoring_point - timedelta(days=days)
    instants = probe_schedule(first_day, days, per_day, offset_minutes=0)
    sites = [{"site_id": w.site_id, "home_url": w.home_url} for w in load_inventory(sandbox.inventory_dir).websites]
    started = time.perf_counter()
    outcomes: Counter = Counter()
    for instant in sandbox.replay(instants):
        rows = asyncio.run(probe_sites(sites, now=instant))
        outcomes.update(r["outcome"] for r in rows)
        land_probes(rows, probe_run_id=f"replay__{instant.astimezone(TZ):%Y-%m-%dT%H:%M}",
                    day=instant.astimezone(TZ).date().isoformat(), root=root)
    summary = {"rounds": len(instants), "sites": len(sites), "records": sum(outcomes.values()),
               "outcomes": dict(outcomes), "seconds": round(time.perf_counter() - started, 1),
               "from": instants[0].isoformat(), "to": instants[-1].isoformat()}
    log.info("replayed %d probe rounds of %d sites in %.1f s: %s", len(instants), len(sites), summary["seconds"],
             dict(outcomes))
    return summary

"""Replaying the probe schedule: the sandbox clock moves, the collector's probe round is the ordinary one."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

from govinspect.sandbox import Sandbox
from govinspect.sandbox.replay import replay_probes

TZ = ZoneInfo("Asia/Shanghai")


def test_replay_follows_the_probe_dags_hourly_grid(tmp_path):
    with Sandbox("small", port=0) as sandbox:
        replay_probes(sandbox, days=1, per_day=24, root=tmp_path)
    rows = [r for f in (tmp_path / "probes").glob("*/*.parquet") for r in pq.read_table(f).to_pylist()]
    instants = sorted({r["probed_at"].astimezone(TZ) for r in rows})
    assert instants[0] == datetime(2024, 9, 9, 0, 0, tzinfo=TZ) and len(instants) == 24
    assert {b - a for a, b in zip(instants, instants[1:], strict=False)} == {timedelta(hours=1)}


def test_replay_lands_one_record_per_site_per_round_and_restores_the_clock(tmp_path):
    with Sandbox("small", port=0) as sandbox:
        before = sandbox.now()
        summary = replay_probes(sandbox, days=2, per_day=24, root=tmp_path)
        after = sandbox.now()
        n_sites = len(sandbox.site_urls)
    assert summary["rounds"] == 48 and summary["records"] == 48 * n_sites
    assert timedelta(0) <= after - before < timedelta(minutes=5)
    days = sorted(p.name for p in (tmp_path / "probes").iterdir())
    assert days == ["date=2024-09-08", "date=2024-09-09"]
    for day in days:
        files = list((tmp_path / "probes" / day).glob("*.parquet"))
        assert len(files) == 24
        rows = [r for f in files for r in pq.read_table(f).to_pylist()]
        assert len(rows) == 24 * n_sites
        assert {r["probed_at"].astimezone(TZ).date().isoformat() for r in rows} == {day.removeprefix("date=")}

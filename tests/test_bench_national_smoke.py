"""Smoke test of the national-scale benchmark (benchmarks/national_scale.py) at a tiny size.

No timing is asserted (speed is what the script prints); this checks that the synthetic landing matches
the landing contract, that the dbt models and their compiled SQL run on it, and that both paths build the
same marts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from govinspect.landing import PROBE_SCHEMA, SCHEMAS

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "national_scale.py"
sys.path.insert(0, str(REPO / "benchmarks"))

from _synth import SynthSpec, generate  # noqa: E402


def test_synthetic_landing_follows_the_contract(tmp_path: Path) -> None:
    """Every record type and the probes land in the landing layout, with exactly the landing schemas."""
    spec = SynthSpec(sites=12, accounts=60, days=2, probes_per_day=20, seed=7)
    counts = generate(spec, tmp_path / "raw", log=lambda _: None)
    run = tmp_path / "raw" / f"quarter={spec.quarter}" / f"run={spec.run_slug}"
    for record_type, schema in SCHEMAS.items():
        files = sorted((run / record_type).glob("*.parquet"))
        assert files, record_type
        got = pq.read_schema(files[0])
        assert [(f.name, f.type) for f in got] == [(f.name, f.type) for f in schema], record_type
        assert sum(pq.read_metadata(f).num_rows for f in files) == counts[record_type], record_type
    assert len(list((run / "pages").glob("S*.parquet"))) == spec.sites  # one file per site
    assert len(list((run / "posts").glob("batch_*.parquet"))) == 3  # batches of 25 accounts
    probes = sorted((tmp_path / "raw" / "probes").glob("date=*/*.parquet"))
    assert len(probes) == spec.days * spec.probes_per_day
    assert [(f.name, f.type) for f in pq.read_schema(probes[0])] == [(f.name, f.type) for f in PROBE_SCHEMA]
    assert counts["probes"] <= spec.sites * spec.days * spec.probes_per_day
    assert counts["posts"] > spec.accounts  # months of posts per account


def test_same_seed_same_data(tmp_path: Path) -> None:
    spec = SynthSpec(sites=5, accounts=30, days=1, probes_per_day=2, seed=3)
    generate(spec, tmp_path / "a", log=lambda _: None)
    generate(spec, tmp_path / "b", log=lambda _: None)
    for f in sorted((tmp_path / "a").rglob("*.parquet")):
        other = tmp_path / "b" / f.relative_to(tmp_path / "a")
        assert pq.read_table(f).equals(pq.read_table(other)), f


def test_quick_benchmark_both_paths_agree(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sites", "20", "--accounts", "120", "--days", "7",
         "--no-tests", "--work-dir", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["rows_agree"], (result["mart_rows_dbt"], result["mart_rows_direct"])
    marts = result["mart_rows_dbt"]
    assert marts["mart_site_verdicts"] == 20
    assert marts["mart_account_verdicts"] == 120
    assert marts["fct_findings"] > 0
    assert result["rows"]["probes"] > 20 * 7 * 20
    assert result["dbt_run_seconds"] > 0 and result["direct_seconds"] > 0
    assert "ratio dbt/direct" in proc.stdout
    assert not (tmp_path / "work" / "data").exists()  # generated data removed without --keep

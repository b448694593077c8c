"""End to end on the simulated prefecture: the main job (``govinspect demo``) and the probe DAG.

The quarterly DAG runs in-process with ``airflow dags test`` (as ``make demo`` does) against real HTTP
servers on loopback, into temporary data and output folders; the notice's counts and annex rows must equal
what the scenario planted (its ``expected`` block), which is written by hand, not computed by the pipeline.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
# Each demo run costs about 6 minutes (mostly one dbt subprocess per model). By default the demo quarter alone;
# `small` is run end to end by tests/test_distributed.py (through Celery). GOVINSPECT_E2E_SCENARIOS=small,ganzi-2024q3
# runs both here.
SCENARIOS = [s.strip() for s in os.environ.get("GOVINSPECT_E2E_SCENARIOS", "ganzi-2024q3").split(",") if s.strip()]


def _env(tmp: Path) -> dict[str, str]:
    return os.environ | {
        "GOVINSPECT_DATA_DIR": str(tmp / "data"),
        "GOVINSPECT_OUTPUT_DIR": str(tmp / "output"),
        "GOVINSPECT_DUCKDB_PATH": str(tmp / "data" / "warehouse" / "govinspect.duckdb"),
        "GOVINSPECT_ALLOWED_NETWORKS": "127.61.0.0/16",  # the simulated prefecture (SSRF guard allowance)
    }


def markdown_table(text: str, heading: str) -> list[list[str]]:
    """Rows (without the header and rule) of the first Markdown table after ``heading``."""
    section = text[text.index(heading):]
    lines = [ln.strip() for ln in section.splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("|"))
    rows = []
    for ln in lines[start:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip("|").split("|")])
    header, rule, *body = rows
    assert set(rule[0]) <= set(":- "), rule
    return [header, *body]


@pytest.fixture(scope="module", params=SCENARIOS)
def demo(request, tmp_path_factory):
    """(output folder, demo log, scenario) of one ``govinspect demo`` run per scenario."""
    from govinspect.sandbox.scenario import load_scenario

    tmp = tmp_path_factory.mktemp(f"e2e-{request.param}")
    proc = subprocess.run(
        [sys.executable, "-m", "govinspect", "demo", "--scenario", request.param, "--quarter", "2024Q3"],
        env=_env(tmp), capture_output=True, text=True, timeout=1200, cwd=ROOT,
    )
    log = proc.stdout + proc.stderr
    (tmp / "demo.log").write_text(log, encoding="utf-8")
    assert proc.returncode == 0, f"demo failed (exit {proc.returncode}); last lines:\n{log[-6000:]}"
    return tmp, log, load_scenario(request.param)


def test_demo_writes_the_notice_and_says_where(demo):
    tmp, log, _ = demo
    out = tmp / "output" / "2024Q3"
    assert (out / "notice.md").is_file() and (out / "notice.html").is_file()
    assert str(out) in log


def test_notice_annexes_equal_what_the_scenario_planted(demo):
    tmp, _, scenario = demo
    text = (tmp / "output" / "2024Q3" / "notice.md").read_text(encoding="utf-8")
    annex1 = markdown_table(text, "附件1")
    assert annex1[0] == ["序号", "所属地区或单位", "网站名称", "存在问题"]
    expected1 = [[r.unit, f"“{r.site_name}”网站", r.problem] for r in scenario.expected.annex1]
    assert [row[1:] for row in annex1[1:]] == expected1
    assert [row[0] for row in annex1[1:]] == [str(i) for i in range(1, len(expected1) + 1)]

    annex2 = markdown_table(text, "附件2")
    assert annex2[0] == ["序号", "单位", "平台", "账号名称", "存在问题"]
    expected2 = [[r.unit, r.platform, r.account_name, r.problem] for r in scenario.expected.annex2]
    assert [row[1:] for row in annex2[1:]] == expected2


def test_notice_main_problems_equal_the_published_ones(demo):
    tmp, _, scenario = demo
    if not scenario.expected.main_problems:
        pytest.skip(f"scenario {scenario.name} has no published 主要问题 to compare with")
    text = (tmp / "output" / "2024Q3" / "notice.md").read_text(encoding="utf-8")
    section = text[text.index("## 二、主要问题"):text.index("## 三、")]
    paragraphs = [ln.strip() for ln in section.splitlines()[1:] if ln.strip()]
    assert paragraphs == scenario.expected.main_problems


def test_notice_counts_equal_the_planted_summary(demo):
    tmp, _, scenario = demo
    text = (tmp / "output" / "2024Q3" / "notice.md").read_text(encoding="utf-8")
    s = scenario.expected.summary
    body = text[: text.index("附件1\n") if "附件1\n" in text else len(text)]
    assert f"{s.websites_checked_prefecture}个州政府网站" in body
    assert f"{s.websites_checked_department}个州政府部门网站" in body
    assert f"{s.websites_checked_county}个县级政府网站" in body
    found = body[body.index("进行全覆盖检查"):]  # the 发现存在突出问题的… clause of (一)
    for label, n in (("州政府网站", s.websites_flagged_prefecture), ("州政府部门网站", s.websites_flagged_department),
                     ("县级政府网站", s.websites_flagged_county)):
        assert (f"{label}{n}个" in found.split("（二）")[0]) == bool(n), (label, n)
    assert f"政务新媒体共{s.accounts_checked}个" in body
    if s.accounts_flagged:
        assert f"发现存在突出问题的政务新媒体{s.accounts_flagged}个" in body
    if s.accounts_closed_unfiled:
        assert f"注销但未报备新媒体{s.accounts_closed_unfiled}个" in body
    assert "甘办函〔2024〕67号" in text and "2024年9月14日" in text


def test_raw_landing_has_evidence_for_every_site_and_account(demo):
    tmp, _, scenario = demo
    runs = list((tmp / "data" / "raw" / "quarter=2024Q3").glob("run=*"))
    assert len(runs) == 1
    pages = pq.read_table(runs[0] / "pages").to_pylist()
    assert {p["site_id"] for p in pages} == {s.site_id for s in scenario.sites}
    assert all(p["outcome"] == "ok" and p["content_sha256"] for p in pages)
    evidence = tmp / "data" / "evidence"
    assert all((evidence / p["content_sha256"][:2] / f"{p['content_sha256']}.gz").is_file() for p in pages)
    statuses = pq.read_table(runs[0] / "account_statuses").to_pylist()
    assert sorted(s["account_id"] for s in statuses) == sorted(a.account_id for a in scenario.accounts)


def test_probe_dag_lands_one_record_per_site(tmp_path):
    from govinspect.sandbox import Sandbox

    env = _env(tmp_path)
    with Sandbox(scenario="small") as sandbox:
        conf = json.dumps({"inventory": str(sandbox.inventory_dir)})
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "airflow"), "dags", "test", "site_availability_probe", "-c", conf],
            env=env | sandbox.env(), capture_output=True, text=True, timeout=300, cwd=ROOT,
        )
        n_sites = len(sandbox.site_urls)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    files = list((tmp_path / "data" / "raw" / "probes").glob("date=*/*.parquet"))
    assert len(files) == 1
    rows = pq.read_table(files[0]).to_pylist()
    assert len(rows) == n_sites and len({r["site_id"] for r in rows}) == n_sites
    assert all(r["outcome"] == "ok" and r["elapsed_ms"] < 15_000 for r in rows)
    assert re.match(r"date=\d{4}-\d{2}-\d{2}", files[0].parent.name)

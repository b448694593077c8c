"""A failing gate stops publication; the docs of a run are kept with its outputs.

The pipeline functions the DAG tasks call are run here on planted data (the tasks are one-line wrappers:
a raised exception is a red task, and publish_notice/build_docs only run after the gates succeed).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from test_quality import (
    MONITORING,
    RUN,
    Q,
    _unmasked_mobile,
    land_all,
    land_inventory,
    mart_frames,
    raw_records,
    write_marts,
)

from govinspect import pipeline
from govinspect.notice.docs import DocsError, build_dbt_docs, dbt_docs_command, publish_docs
from govinspect.quality import QualityGateFailed, data_docs_site, gx_root_for


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, Path]:
    data, output = tmp_path / "data", tmp_path / "output"
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(data))
    monkeypatch.setenv("GOVINSPECT_OUTPUT_DIR", str(output))
    monkeypatch.delenv("GOVINSPECT_DUCKDB_PATH", raising=False)
    return {"data": data, "output": output, "raw": data / "raw", "duckdb": data / "warehouse" / "govinspect.duckdb"}


def ctx() -> dict:
    return {"quarter": Q, "monitoring_date": MONITORING.isoformat(), "notice_date": "2024-09-14",
            "document_number": "甘办函〔2024〕67号", "inventory": "/nonexistent", "rules_profile": "ganzi",
            "run_id": RUN, "run_slug": "manual__2024-09-10T00_00_00_00_00"}


def test_failing_raw_gate_raises_with_rule_and_example_and_writes_no_output(env):
    records = raw_records()
    _unmasked_mobile(records)
    land_all(env["raw"], records)
    with pytest.raises(QualityGateFailed) as err:
        pipeline.raw_gate(ctx())
    message = str(err.value)
    assert "RAW-015" in message and "content_hits.matched" in message and "13812345678" in message
    assert not (env["output"] / Q).exists()
    # the operator finds the failed validation in the run's Data Docs (outside the outputs)
    assert (data_docs_site(gx_root_for(Q, RUN)) / "index.html").is_file()
    assert str(gx_root_for(Q, RUN)).startswith(str(env["data"]))


def test_failing_marts_gate_raises_and_no_notice_is_written(env):
    land_inventory(env["raw"])
    frames = mart_frames()
    frames["mart_notice_summary"].loc[0, "websites_flagged_county"] = 2  # text would say 2, 附件1 has 1 row
    env["duckdb"].parent.mkdir(parents=True)
    write_marts(env["duckdb"], frames)
    with pytest.raises(QualityGateFailed) as err:
        pipeline.marts_gate(ctx())
    message = str(err.value)
    assert "MART-010" in message and "websites_flagged_total=annex1_rows" in message and "(2, 1)" in message
    assert not (env["output"] / Q).exists()


def test_passing_gates_then_publish_and_data_docs(env, tmp_path):
    land_inventory(env["raw"])
    env["duckdb"].parent.mkdir(parents=True)
    write_marts(env["duckdb"], mart_frames())
    marts = pipeline.marts_gate(ctx())
    assert marts["passed"] and Path(marts["data_docs"]).is_file()
    fake = fake_dbt(tmp_path, ok=True)
    written = publish_docs(Q, RUN, pipeline.dbt_vars(ctx()), executable=fake)
    out = env["output"] / Q
    assert written["data_docs"] == out / "data-docs" / "index.html" and written["data_docs"].is_file()
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "data-docs").rglob("*.html"))
    assert "findings_mart.fct_findings" in pages
    assert (out / "dbt-docs" / "index.html").read_text(encoding="utf-8").startswith("<html>dbt docs for")


def fake_dbt(folder: Path, *, ok: bool) -> Path:
    """An executable standing in for dbt: checks its arguments like dbt would and writes static_index.html."""
    script = folder / ("dbt-ok" if ok else "dbt-fails")
    script.write_text(f"""#!{sys.executable}
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
assert args[:3] == ["docs", "generate", "--static"], args
target = Path(args[args.index("--target-path") + 1])
vars_ = json.loads(args[args.index("--vars") + 1])
if {not ok!r}:
    print("Runtime Error: Could not set lock on file", os.environ["GOVINSPECT_DUCKDB_PATH"])
    sys.exit(2)
target.mkdir(parents=True)
(target / "static_index.html").write_text("<html>dbt docs for " + vars_["quarter"] + "</html>")
""", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_dbt_docs_command_keeps_target_and_logs_out_of_the_project(tmp_path):
    cmd = dbt_docs_command({"quarter": Q, "run_slug": "r"}, tmp_path, project_dir=Path("/p"), executable=Path("dbt"))
    assert cmd[:4] == ["dbt", "docs", "generate", "--static"]
    assert cmd[cmd.index("--target-path") + 1] == str(tmp_path / "target")
    assert cmd[cmd.index("--log-path") + 1] == str(tmp_path / "logs")
    assert '"quarter": "2024Q3"' in cmd[cmd.index("--vars") + 1]


def test_failed_dbt_docs_is_a_clear_error_and_keeps_the_previous_docs(env, tmp_path):
    out = env["output"] / Q / "dbt-docs"
    build_dbt_docs({"quarter": Q}, out, executable=fake_dbt(tmp_path, ok=True))
    before = (out / "index.html").read_text(encoding="utf-8")
    with pytest.raises(DocsError) as err:
        build_dbt_docs({"quarter": "2024Q4"}, out, executable=fake_dbt(tmp_path, ok=False))
    assert "exit 2" in str(err.value) and "Could not set lock" in str(err.value)
    assert (out / "index.html").read_text(encoding="utf-8") == before
    assert sorted(os.listdir(out.parent)) == ["dbt-docs"]  # no temporary folder left behind


def test_docs_without_gate_results_say_so(env, tmp_path):
    with pytest.raises(DocsError, match="quality gates of this run have not run"):
        publish_docs(Q, RUN, {"quarter": Q}, executable=fake_dbt(tmp_path, ok=True))
    assert not (env["output"] / Q / "dbt-docs").exists()

"""Collect a scenario from the simulated prefecture, build the dbt project with both rules profiles and compare
the annexes with the scenario's ``expected:`` block (a check, not a test: it prints what it saw).

    .venv/bin/python benchmarks/check_profiles.py [--scenario ganzi-2024q3] [--data /tmp/check] [--skip-collect]

Steps: start the Sandbox, replay the week of probes, run pipeline.prepare_run / collect_website /
collect_accounts / discover_accounts / finish_landing for every site, batch and platform into ``--data`` (not
the checkout's data/), then ``dbt build`` (data tests, no unit tests) per profile into ``<data>/<profile>.duckdb``
with its own target path, and print per profile: annex rows against the expected ones, the notice summary,
the 主要问题 phrases and the number of findings per rule.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("ganzi", "national_2019")
RUN_ID = "manual__check_profiles"


def collect(scenario: str, data: Path) -> dict:
    from govinspect import pipeline  # noqa: PLC0415 - after the environment is set
    from govinspect.sandbox import Sandbox  # noqa: PLC0415
    from govinspect.sandbox.replay import replay_probes  # noqa: PLC0415
    from govinspect.vocab import CONNECTORS  # noqa: PLC0415

    with Sandbox(scenario=scenario) as sandbox:
        os.environ.update(sandbox.env())
        print("probes replayed:", replay_probes(sandbox), flush=True)
        params = {"quarter": "2024Q3", "monitoring_date": str(sandbox.scenario.monitoring_point),
                  "inventory": str(sandbox.inventory_dir), "rules_profile": "ganzi"}
        ctx = pipeline.prepare_run(params, RUN_ID)
        for work in pipeline.plan_sites(ctx):
            pipeline.collect_website(work, ctx)
        for connector in CONNECTORS:
            for batch in pipeline.plan_accounts(ctx, connector):
                pipeline.collect_accounts(batch, ctx)
            for units in pipeline.plan_discovery(ctx):
                pipeline.discover_accounts(units, ctx, connector)
        print("landed:", pipeline.finish_landing(ctx), flush=True)
    (data / "ctx.json").write_text(json.dumps(ctx))
    return ctx


def build(ctx: dict, data: Path, profile: str) -> Path:
    from govinspect import pipeline  # noqa: PLC0415

    db = data / f"{profile}.duckdb"
    variables = pipeline.dbt_vars(ctx) | {"rules_profile": profile}
    project = ROOT / "dbt_project"
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dbt"), "build", "--exclude-resource-type", "unit_test",
         "--vars", json.dumps(variables), "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(data / f"target-{profile}"), "--log-path", str(data / "logs")],
        cwd=project, env=os.environ | {"GOVINSPECT_DUCKDB_PATH": str(db)}, capture_output=True, text=True,
    )
    if result.returncode:
        raise SystemExit(f"dbt build ({profile}) failed:\n{result.stdout[-4000:]}")
    return db


def report(db: Path, profile: str, expected: dict) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        annex1 = q("select unit, site_name, problem from mart_annex_websites where quarter = '2024Q3' order by row_no")
        annex2 = q("select unit, platform, account_name, problem from mart_annex_accounts where quarter = '2024Q3' "
                   "order by row_no")
        want1 = [(r["unit"], r["site_name"], r["problem"]) for r in expected.get("annex1", [])]
        want2 = [(r["unit"], r["platform"], r["account_name"], r["problem"]) for r in expected.get("annex2", [])]
        print(f"== {profile}: 附件1 {len(annex1)} rows (expected {len(want1)}, equal: {annex1 == want1}); "
              f"附件2 {len(annex2)} rows (expected {len(want2)}, equal: {annex2 == want2})")
        for label, got, want in (("附件1", annex1, want1), ("附件2", annex2, want2)):
            for row in got:
                if row not in want:
                    print(f"   {label} extra  ", *row)
            for row in want:
                if row not in got:
                    print(f"   {label} missing", *row)
        print("   summary:", q("select websites_flagged_prefecture, websites_flagged_department, "
                                "websites_flagged_county, accounts_checked, accounts_flagged, accounts_closed_unfiled "
                                "from mart_notice_summary where quarter = '2024Q3'"))
        print("   主要问题:", q("select notice_paragraph, notice_phrase from mart_notice_problems "
                              "where quarter = '2024Q3' order by notice_paragraph, phrase_order"))
        print("   findings:", q("select rule_id, severity, count(*) from fct_findings where quarter = '2024Q3' "
                              "group by all order by rule_id"))
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ganzi-2024q3")
    parser.add_argument("--data", type=Path, default=Path("/tmp/govinspect-check-profiles"))
    parser.add_argument("--skip-collect", action="store_true", help="reuse the landing of a previous run in --data")
    args = parser.parse_args()
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    os.environ |= {"GOVINSPECT_DATA_DIR": str(data), "GOVINSPECT_OUTPUT_DIR": str(data / "output"),
                   "GOVINSPECT_ALLOWED_NETWORKS": "127.61.0.0/16"}
    from govinspect.localenv import apply  # noqa: PLC0415

    apply()
    started = time.perf_counter()
    ctx = json.loads((data / "ctx.json").read_text()) if args.skip_collect else collect(args.scenario, data)
    print(f"collection: {time.perf_counter() - started:.0f} s", flush=True)
    scenario = yaml.safe_load((ROOT / "include" / "scenarios" / f"{args.scenario}.yaml").read_text(encoding="utf-8"))
    for profile in PROFILES:
        started = time.perf_counter()
        db = build(ctx, data, profile)
        print(f"dbt build {profile}: {time.perf_counter() - started:.0f} s")
        report(db, profile, scenario.get("expected", {}))


if __name__ == "__main__":
    main()

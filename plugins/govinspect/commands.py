"""Pipeline commands of the CLI: ``demo`` (the main job) and ``extract-list``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from govinspect.settings import paths

log = logging.getLogger(__name__)

DEMO_ALLOWED_NETWORKS = "127.61.0.0/16"  # the simulated prefecture's hosts (see govinspect.sandbox)
DEMO_DEFAULTS = {
    "2024Q3": {"monitoring_date": "2024-09-10", "notice_date": "2024-09-14", "document_number": "甘办函〔2024〕67号"},
}


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="run the quarterly DAG once on the simulated prefecture")
    demo.add_argument("--scenario", default=os.environ.get("GOVINSPECT_DEMO_SCENARIO", "ganzi-2024q3"))
    demo.add_argument("--quarter", default="2024Q3")
    demo.add_argument("--monitoring-date")
    demo.add_argument("--notice-date")
    demo.add_argument("--document-number")
    demo.add_argument("--rules-profile", default="ganzi", choices=["ganzi", "national_2019"])
    demo.set_defaults(func=run_demo)

    ext = sub.add_parser("extract-list", help="extract the items of a saved column list page as JSON lines")
    ext.add_argument("page", type=Path, help="the saved HTML (or dataproxy XML) file")
    ext.add_argument("--url", required=True, help="the URL the page was fetched from (for absolute links)")
    ext.add_argument("--as-of", type=date.fromisoformat, help="monitoring point, YYYY-MM-DD (year inference)")
    ext.set_defaults(func=run_extract_list)


def run_extract_list(args: argparse.Namespace) -> int:
    from govinspect.collect.decode import decode_body  # noqa: PLC0415
    from govinspect.collect.listpage import extract_items  # noqa: PLC0415

    if not args.page.is_file():
        print(f"extract-list: no such file: {args.page}", file=sys.stderr)
        return 2
    text, _ = decode_body(args.page.read_bytes())
    for item in extract_items(text, args.url, args.as_of):
        print(json.dumps(item.as_json(), ensure_ascii=False))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Start the simulated prefecture, run the quarterly DAG in-process (``airflow dags test``), stop."""
    from govinspect.collect.netguard import ALLOWED_NETWORKS_ENV  # noqa: PLC0415
    from govinspect.localenv import apply  # noqa: PLC0415
    from govinspect.sandbox import Sandbox  # noqa: PLC0415
    from govinspect.sandbox.replay import replay_probes  # noqa: PLC0415

    apply()
    # The simulated prefecture lives on loopback (127.61.0.0/16), which the collectors' SSRF guard refuses
    # unless allowed: the demo allows exactly that block (the sandbox itself configures no security).
    os.environ[ALLOWED_NETWORKS_ENV] = DEMO_ALLOWED_NETWORKS
    defaults = DEMO_DEFAULTS.get(args.quarter, {})
    started = time.perf_counter()
    with Sandbox(scenario=args.scenario) as sandbox:
        monitoring = args.monitoring_date or str(sandbox.scenario.monitoring_point)
        conf = {
            "quarter": args.quarter,
            "monitoring_date": monitoring,
            "notice_date": args.notice_date or defaults.get("notice_date", monitoring),
            "document_number": args.document_number or defaults.get("document_number", ""),
            "inventory": str(sandbox.inventory_dir),
            "rules_profile": args.rules_profile,
        }
        env = os.environ | sandbox.env()
        print(f"Simulated prefecture '{args.scenario}' is up: {len(sandbox.site_urls)} sites, "
              f"platforms {', '.join(sandbox.platform_urls)}; inventory {sandbox.inventory_dir}", flush=True)
        # The probe DAG's week before the monitoring point, replayed on the simulated clock (seconds, not a week).
        probes = replay_probes(sandbox)
        print(f"Availability probes replayed: {probes['rounds']} rounds × {probes['sites']} sites "
              f"({probes['from'][:10]} … {probes['to'][:10]}) in {probes['seconds']} s: {probes['outcomes']}",
              flush=True)
        cmd = [str(Path(sys.executable).parent / "airflow"), "dags", "test", "gov_inspection_quarterly",
               "-c", json.dumps(conf, ensure_ascii=False)]
        print("Running: airflow dags test gov_inspection_quarterly with", json.dumps(conf, ensure_ascii=False),
              flush=True)
        proc = subprocess.run(cmd, env=env, check=False)
    out = paths().quarter_output(args.quarter)
    if proc.returncode != 0:
        print(f"\nThe quarterly run failed (exit {proc.returncode}); see the task logs above and in "
              f"{os.environ.get('AIRFLOW__LOGGING__BASE_LOG_FOLDER')}", file=sys.stderr)
        return proc.returncode
    files = sorted(p for p in out.glob("*") if p.is_file()) if out.exists() else []
    if not files:
        print(f"\nThe run succeeded but wrote nothing to {out}", file=sys.stderr)
        return 1
    print(f"\nDone in {time.perf_counter() - started:.0f} s. Results for {args.quarter} in {out}:")
    for f in files:
        print(f"  {f}")
    for docs in ("dbt-docs", "data-docs"):
        if (index := out / docs / "index.html").is_file():
            print(f"  {index}")
    print("Read them in the Airflow UI too: make ui, then 检查通报 in the sidebar.")
    print(f"Raw landing: {paths().raw}/quarter={args.quarter}/   Warehouse: {paths().duckdb}")
    return 0

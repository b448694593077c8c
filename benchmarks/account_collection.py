"""Account collection and discovery time on a simulated prefecture (issue 5: what the account side costs).

Starts the sandbox (``--scenario``, default ganzi-2024q3), prepares a run into ``--data`` and calls
``pipeline.collect_accounts`` for every batch of every platform, then ``pipeline.discover_accounts`` for every
batch of unit names and platform — one after another, as ``airflow dags test`` runs mapped tasks — and prints
per platform: batches, accounts, statuses/outcomes, posts (of which from hand exports), requests sent and
seconds; then the discovery figures. ``--min-interval`` sets ``GOVINSPECT_PLATFORM_MIN_INTERVAL`` (the demo
uses 0, the sandbox's env; production's default is 0.2 s between request starts per platform host);
``--budget N`` sets every platform's request budget. Usage::

    .venv/bin/python -m govinspect.localenv python benchmarks/account_collection.py --data /tmp/me/data
    .venv/bin/python -m govinspect.localenv python benchmarks/account_collection.py --min-interval 0.2
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

CONNECTORS = ("weibo", "wechat", "toutiao", "douyin")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ganzi-2024q3")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "govinspect-account-bench")
    parser.add_argument("--min-interval", type=float, default=None)
    parser.add_argument("--budget", type=int, default=None)
    args = parser.parse_args()
    os.environ["GOVINSPECT_DATA_DIR"] = str(args.data)
    os.environ.setdefault("GOVINSPECT_ALLOWED_NETWORKS", "127.61.0.0/16")
    logging.basicConfig(level=logging.WARNING)

    from govinspect import pipeline  # noqa: PLC0415 - after the data folder is set
    from govinspect.platforms import registry  # noqa: PLC0415
    from govinspect.sandbox import Sandbox  # noqa: PLC0415

    # outside Airflow: read the endpoints from the environment directly (the Connection lookup would first
    # import Airflow and fail, seconds that are not the collection's)
    pipeline.endpoint_from_connection = registry.endpoint_from_env
    with Sandbox(args.scenario, port=0, inventory_dir=args.data / "inventory") as sb:
        os.environ.update({k: v for k, v in sb.env().items() if k.startswith("GOVINSPECT_")})
        if args.min_interval is not None:
            os.environ["GOVINSPECT_PLATFORM_MIN_INTERVAL"] = str(args.min_interval)
        for code in CONNECTORS:
            if args.budget is not None:
                os.environ[f"GOVINSPECT_{code.upper()}_BUDGET"] = str(args.budget)
        ctx = pipeline.prepare_run({"monitoring_date": sb.scenario.monitoring_point.isoformat(),
                                    "inventory": str(sb.inventory_dir)}, "account_bench")
        print(f"{'platform':8} {'batches':>7} {'accounts':>8} {'posts':>6} {'export':>6} {'requests':>8} {'s':>6}"
              "  outcomes")
        total = 0.0
        for code in CONNECTORS:
            start = time.perf_counter()
            done = [pipeline.collect_accounts(b, ctx) for b in pipeline.plan_accounts(ctx, code)]
            took = time.perf_counter() - start
            total += took
            outcomes = sum((Counter(d["outcomes"]) for d in done), Counter())
            print(f"{code:8} {len(done):7} {sum(d['accounts'] for d in done):8} {sum(d['posts'] for d in done):6} "
                  f"{sum(d['hand_export_posts'] for d in done):6} {sum(d['budget']['spent'] for d in done):8} "
                  f"{took:6.1f}  {dict(outcomes)}")
        print(f"account collection: {total:.1f} s")
        start = time.perf_counter()
        units = pipeline.plan_discovery(ctx)
        found = [pipeline.discover_accounts(u, ctx, code) for code in CONNECTORS for u in units]
        print(f"discovery: {len(found)} tasks, {sum(len(u) for u in units)} units x {len(CONNECTORS)} platforms, "
              f"{sum(f['candidates'] for f in found)} candidates, "
              f"outcomes {dict(sum((Counter(f['outcomes']) for f in found), Counter()))}, "
              f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

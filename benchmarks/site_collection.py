"""Per-site website collection time on a simulated prefecture (issue 4: what the deeper collection costs).

Starts the sandbox (``--scenario``, default ganzi-2024q3), prepares a run into ``--data`` and calls
``pipeline.collect_website`` for every site one after another — as ``airflow dags test`` runs mapped tasks —
then prints per site: seconds, pages fetched, items, links checked (broken), content hits, messages, reposts
found; and the total. ``--min-interval`` sets ``GOVINSPECT_SITE_MIN_INTERVAL`` (the demo uses 0, the
sandbox's env; production's default is 0.2 s between request starts per host). Usage::

    .venv/bin/python -m govinspect.localenv python benchmarks/site_collection.py --data /tmp/me/data
    .venv/bin/python -m govinspect.localenv python benchmarks/site_collection.py --min-interval 0.2 --sites kds gzz
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ganzi-2024q3")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "govinspect-site-bench")
    parser.add_argument("--min-interval", type=float, default=0.0)
    parser.add_argument("--sites", nargs="*", help="only these site ids")
    args = parser.parse_args()
    os.environ["GOVINSPECT_DATA_DIR"] = str(args.data)
    os.environ.setdefault("GOVINSPECT_ALLOWED_NETWORKS", "127.61.0.0/16")

    from govinspect import pipeline  # noqa: PLC0415 - after the data folder is set
    from govinspect.sandbox import Sandbox  # noqa: PLC0415

    with Sandbox(args.scenario, inventory_dir=args.data / "inventory") as sb:
        os.environ.update(sb.env())
        os.environ["GOVINSPECT_SITE_MIN_INTERVAL"] = str(args.min_interval)
        ctx = pipeline.prepare_run({"monitoring_date": sb.scenario.monitoring_point.isoformat()}, "site-bench")
        print(f"scenario {args.scenario}, min interval {args.min_interval} s, data {args.data}")
        print(f"{'site':8} {'s':>6} {'pages':>5} {'items':>5} {'links':>5} {'broken':>6} {'privacy':>7} "
              f"{'wording':>7} {'msgs':>4} {'reposts':>7}")
        times = []
        for work in pipeline.plan_sites(ctx):
            if args.sites and work["part"] not in args.sites:
                continue
            started = time.perf_counter()
            s = pipeline.collect_website(work, ctx)
            times.append(time.perf_counter() - started)
            print(f"{s['site_id']:8} {times[-1]:6.2f} {s['pages']:5d} {s['items']:5d} {s['links']:5d} "
                  f"{s['broken_links']:6d} {s['privacy_hits']:7d} {s['wording_hits']:7d} {s['messages']:4d} "
                  f"{s['reposts_found']:7d}")
        if times:
            print(f"{len(times)} sites: total {sum(times):.1f} s, median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s per site")


if __name__ == "__main__":
    main()

"""Crawl benchmark: this project's collector against Scrapy on a simulated farm of TRS-like sites (issue 4).

One run starts the farm (``benchmarks/_farm.py``: ``--sites`` hosts on 127.62.x.y, each with ``--columns``
columns of ``--pages`` list pages, every answer delayed by a seeded ``--latency-ms`` draw) and crawls it four
times, each crawler in its own subprocess (so its peak RSS, ``ru_maxrss`` from ``wait4``, is its own):

1. ``farm capacity`` — a minimal raw HTTP/1.1 client (asyncio streams, keep-alive, no politeness,
   ``--unthrottled`` concurrent requests) fetching every list page: what the farm can serve;
2. ``ours`` — ``govinspect.collect.http.Fetcher`` + ``listpage.extract_items`` + following the pager with
   ``pagination.next_page`` (what ``collect_site`` does per column), with ``--per-host``,
   ``--global-limit`` and ``--delay`` (``FetchPolicy.min_interval``);
3. ``scrapy`` — a Scrapy spider (``benchmarks/_scrapy_crawl.py``, ``CrawlerProcess``) with the same limits
   (``CONCURRENT_REQUESTS_PER_DOMAIN``, ``CONCURRENT_REQUESTS``, ``DOWNLOAD_DELAY`` not randomised), parsing
   the same items (title, absolute URL, date) and following the same pager (``_farm.next_page_url``);
4. ``ours, unthrottled`` — our collector with the raw client's limits (no per-host bound, no delay).

Every crawler starts from the column URLs (the inventory's ``columns.csv``) and must end with every page
fetched; a crawler that misses pages or items is reported as such. Usage (Scrapy is in the ``bench`` group)::

    uv run --frozen --group bench python benchmarks/crawl.py            # 500 × 10 × 3 = 15,000 pages
    uv run --frozen --group bench python benchmarks/crawl.py --quick    # smoke run: 20 × 5 × 3
    make bench-crawl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(HERE), str(ROOT / "plugins")):
    if path not in sys.path:
        sys.path.insert(0, path)

from _farm import FARM_NETWORK, Farm, FarmSpec, all_urls, start_urls  # noqa: E402


@dataclass(frozen=True)
class Limits:
    per_host: int
    global_limit: int
    delay: float  # seconds between the starts of two requests to one host

    def describe(self) -> str:
        per_host = "∞" if self.per_host >= self.global_limit else str(self.per_host)
        return f"per host {per_host}, global {self.global_limit}, delay {self.delay:g} s"


# --- children: each runs in its own process and prints one JSON line --------------------------------------------


async def _raw_fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> bytes:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return head + await reader.readexactly(length)


async def crawl_raw(spec: FarmSpec, port: int, concurrency: int) -> dict:
    """Farm capacity: every list page, no parsing, no politeness; connections kept alive per host."""
    urls = all_urls(spec, port)
    queue = iter(urls)
    idle: dict[str, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}
    done = errors = size = 0

    async def worker() -> None:
        nonlocal done, errors, size
        for url in queue:
            hostport, path = url[7:].split("/", 1)
            host = hostport.split(":")[0]
            pool = idle.setdefault(host, [])
            conn = pool.pop() if pool else await asyncio.open_connection(host, port)
            try:
                size += len(await _raw_fetch(*conn, hostport, "/" + path))
                done += 1
                pool.append(conn)
            except (OSError, asyncio.IncompleteReadError):
                errors += 1
                conn[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    for pool in idle.values():
        for _, writer in pool:
            writer.close()
    return {"pages": done, "errors": errors, "items": None, "bytes": size, "seconds": seconds}


async def crawl_ours(spec: FarmSpec, port: int, limits: Limits, *, pooled: bool = False,
                     shard: tuple[int, int] = (0, 1)) -> dict:
    """This collector: Fetcher (politeness, retries, SSRF guard) + extract_items + the TRS pager.

    ``pooled``: with the proposed per-host connection pools (``benchmarks/_pooled.py``) injected.
    ``shard=(k, n)``: only the sites whose index is k modulo n (one of n processes, as parallel Airflow tasks).
    """
    from govinspect.collect.http import Fetcher, FetchPolicy, FetchResult
    from govinspect.collect.listpage import extract_items
    from govinspect.collect.netguard import default_resolver
    from govinspect.collect.pagination import next_page

    as_of = date.fromisoformat(spec.as_of)
    policy = FetchPolicy(per_host=limits.per_host, global_limit=limits.global_limit, min_interval=limits.delay,
                         allowed_networks=(FARM_NETWORK,))
    outcomes: dict[str, int] = {}
    pages = items = dated = 0

    def read(result: FetchResult, url: str) -> str | None:
        """Count one answer's items; the next page's URL. A function of its own, so that the page's body, text
        and items are freed before the column awaits its next page (thousands of columns wait at once)."""
        nonlocal pages, items, dated
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        if not result.ok:
            return None
        pages += 1
        text = result.text
        found = extract_items(text, result.final_url or url, as_of)
        items += len(found)
        dated += sum(1 for i in found if i.date)
        return next_page(text, result.final_url or url) or None  # the collector's own pager reading

    async def column(fetcher: Fetcher, url: str | None) -> None:
        while url:
            url = read(await fetcher.get(url), url)

    if pooled:
        from _pooled import HostPoolTransport

        client = Fetcher(policy, HostPoolTransport(min(limits.per_host, limits.global_limit)),
                         resolver=default_resolver)
    else:
        client = Fetcher(policy)
    async with client as fetcher:
        k, n = shard
        urls = [u for i, u in enumerate(start_urls(spec, port)) if (i // spec.columns) % n == k]
        started, wall_start = time.perf_counter(), time.time()
        await asyncio.gather(*(column(fetcher, url) for url in urls))
        seconds = time.perf_counter() - started
    return {"pages": pages, "errors": sum(n for o, n in outcomes.items() if o != "ok"), "items": items,
            "dated": dated, "outcomes": outcomes, "seconds": seconds, "wall": [wall_start, wall_start + seconds]}


def child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["raw", "ours", "ours-pooled"])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--per-host", type=int, required=True)
    parser.add_argument("--global-limit", type=int, required=True)
    parser.add_argument("--delay", type=float, required=True)
    parser.add_argument("--shard", default="0/1", help="k/n: crawl the sites whose index is k modulo n")
    args = parser.parse_args(argv)
    spec = FarmSpec.from_json(args.spec)
    limits = Limits(args.per_host, args.global_limit, args.delay)
    k, n = (int(x) for x in args.shard.split("/"))
    if args.kind == "raw":
        result = asyncio.run(crawl_raw(spec, args.port, limits.global_limit))
    else:
        result = asyncio.run(crawl_ours(spec, args.port, limits, pooled=args.kind == "ours-pooled", shard=(k, n)))
    print(json.dumps(result), flush=True)


# --- the run -------------------------------------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    limits: Limits
    pages: int = 0
    items: int | None = None
    errors: int = 0
    seconds: float = 0.0
    rss_mb: float = 0.0
    cpu_s: float = 0.0
    note: str = ""

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """The crawler process's CPU time (user + system, start-up included) per page: robust to machine load."""
        return 1000 * self.cpu_s / self.pages if self.pages else 0.0


def run_children(name: str, commands: list[list[str]], limits: Limits, timeout: float) -> Measure:
    """Run a crawler in its own process(es) at once; each prints its result as its last JSON line. Peak RSS and
    CPU time come from ``os.wait4`` (``ru_maxrss`` of that process only, not of the farm or earlier crawlers):
    with several processes, RSS is the largest of them, CPU time their sum and the time the span from the
    first start to the last end."""
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) for command in commands]
    killers = [threading.Timer(timeout, proc.kill) for proc in procs]
    for killer in killers:
        killer.start()
    measure = Measure(name, limits)
    results, spans = [], []
    try:
        for proc in procs:
            assert proc.stdout is not None
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            measure.rss_mb = max(measure.rss_mb, usage.ru_maxrss / 1024)
            measure.cpu_s += usage.ru_utime + usage.ru_stime
            line = next((x for x in reversed(out.splitlines()) if x.startswith("{")), None)
            if line is None:
                measure.note = f"failed (exit {proc.returncode})"
            else:
                results.append(json.loads(line))
    finally:
        for killer in killers:
            killer.cancel()
    if measure.note:
        return measure
    measure.pages = sum(r["pages"] for r in results)
    measure.errors = sum(r["errors"] for r in results)
    measure.items = None if results[0].get("items") is None else sum(r["items"] for r in results)
    if len(results) == 1:
        measure.seconds = results[0]["seconds"]
    else:
        spans = [r["wall"] for r in results]
        measure.seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    return measure


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        child_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--pages", type=int, default=3, help="list pages per column")
    parser.add_argument("--latency-ms", default="20-150", help="per-response latency range, e.g. 20-150")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--per-host", type=int, default=2, help="concurrent requests per host (polite runs)")
    parser.add_argument("--global-limit", type=int, default=64, help="concurrent requests overall (polite runs)")
    parser.add_argument("--delay", type=float, default=0.2,
                        help="seconds between request starts per host (min_interval / DOWNLOAD_DELAY)")
    parser.add_argument("--unthrottled", type=int, default=128,
                        help="concurrent requests of the raw client and of our unthrottled run")
    parser.add_argument("--farm-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of the extra unthrottled run of ours sharded by site, as parallel Airflow "
                             "tasks (default: the CPU count; 1 = no such run)")
    parser.add_argument("--only", default="raw,ours,scrapy,ours-unthrottled,ours-unthrottled-mp",
                        help="comma-separated subset of raw, ours, scrapy, ours-unthrottled, ours-unthrottled-mp, "
                             "ours-pooled, ours-pooled-unthrottled")
    parser.add_argument("--proposed", action="store_true",
                        help="also run ours with the proposed per-host connection pools (benchmarks/_pooled.py)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 sites × 5 columns × 3 pages")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed to each crawler")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.columns = 20, 5
    low, _, high = args.latency_ms.partition("-")
    spec = FarmSpec(args.sites, args.columns, args.pages, latency_ms=(int(low), int(high or low)), seed=args.seed)
    polite = Limits(args.per_host, args.global_limit, args.delay)
    free = Limits(args.unthrottled, args.unthrottled, 0.0)
    wanted = [x.strip() for x in args.only.split(",") if x.strip()]
    if args.proposed:
        wanted += [x for x in ("ours-pooled", "ours-pooled-unthrottled") if x not in wanted]
    if args.workers < 2 and "ours-unthrottled-mp" in wanted:
        wanted.remove("ours-unthrottled-mp")
    workers = max(args.workers, 1)
    shared = Limits(args.unthrottled, -(-args.unthrottled // workers), 0.0)  # the same total, split

    print(f"farm: {spec.sites} sites × {spec.columns} columns × {spec.pages} pages = {spec.total_pages:,} list "
          f"pages ({spec.total_items:,} items), latency {spec.latency_ms[0]}-{spec.latency_ms[1]} ms "
          f"(seed {spec.seed}), {args.farm_processes} server process(es)", flush=True)
    measures: list[Measure] = []
    started = time.perf_counter()
    with Farm(spec, processes=args.farm_processes) as port:
        def ours_cmd(kind: str, limits: Limits, shard: str = "0/1") -> list[str]:
            return [sys.executable, str(Path(__file__).resolve()), "_child", kind, "--spec", spec.to_json(),
                    "--port", str(port), "--per-host", str(limits.per_host), "--global-limit",
                    str(limits.global_limit), "--delay", str(limits.delay), "--shard", shard]

        runs = {
            "raw": ("farm capacity (raw client)", lambda: [ours_cmd("raw", free)], free),
            "ours": ("ours (Fetcher + extract_items)", lambda: [ours_cmd("ours", polite)], polite),
            "scrapy": ("scrapy", lambda: [[sys.executable, str(HERE / "_scrapy_crawl.py"), "--spec", spec.to_json(),
                                           "--port", str(port), "--per-host", str(polite.per_host),
                                           "--global-limit", str(polite.global_limit), "--delay",
                                           str(polite.delay)]], polite),
            "ours-unthrottled": ("ours, unthrottled", lambda: [ours_cmd("ours", free)], free),
            "ours-unthrottled-mp": (f"ours, unthrottled, {workers} processes",
                                    lambda: [ours_cmd("ours", shared, f"{k}/{workers}") for k in range(workers)],
                                    free),
            "ours-pooled": ("ours + per-host pools (proposed)", lambda: [ours_cmd("ours-pooled", polite)], polite),
            "ours-pooled-unthrottled": ("ours + per-host pools, unthrottled",
                                        lambda: [ours_cmd("ours-pooled", free)], free),
        }
        for key in wanted:
            if key not in runs:
                parser.error(f"--only: unknown run {key!r}")
            name, command, limits = runs[key]
            print(f"… {name}: {limits.describe()}", flush=True)
            measure = run_children(name, command(), limits, args.timeout)
            if not measure.note and measure.pages != spec.total_pages:
                measure.note = f"MISSED {spec.total_pages - measure.pages} pages"
            elif not measure.note and measure.items is not None and measure.items != spec.total_items:
                measure.note = f"items {measure.items:,} ≠ {spec.total_items:,}"
            measures.append(measure)
            print(f"  {measure.pages:,} pages in {measure.seconds:.1f} s = {measure.rate:,.0f} pages/s, "
                  f"peak RSS {measure.rss_mb:.0f} MB {measure.note}", flush=True)
    print_table(spec, measures, time.perf_counter() - started, polite)
    return 0 if all(not m.note for m in measures) else 1


def print_table(spec: FarmSpec, measures: list[Measure], total: float, polite: Limits) -> None:
    by = {m.name: m for m in measures}
    mean_latency = sum(spec.latency_ms) / 2 / 1000
    ceiling = min(polite.global_limit / mean_latency,
                  spec.sites * min(polite.per_host / mean_latency, 1 / polite.delay if polite.delay else 1e9))
    print()
    print(f"Crawl benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; {spec.total_pages:,} pages, latency {spec.latency_ms[0]}-"
          f"{spec.latency_ms[1]} ms; whole run {total:.0f} s")
    print(f"| {'crawler':<36} | {'limits':<34} | {'pages/s':>7} | {'peak RSS':>8} | {'CPU ms/page':>11} | note")
    print(f"|{'-' * 38}|{'-' * 36}|{'-' * 9}|{'-' * 10}|{'-' * 13}|------")
    for m in measures:
        print(f"| {m.name:<36} | {m.limits.describe():<34} | {m.rate:>7,.0f} | {m.rss_mb:>5.0f} MB | "
              f"{m.cpu_ms_per_page:>11.2f} | {m.note}")
    print(f"(the polite limits allow at most ≈ {ceiling:,.0f} pages/s at the mean latency)")
    print()
    ours, scrapy = by.get("ours (Fetcher + extract_items)"), by.get("scrapy")
    raw, free = by.get("farm capacity (raw client)"), by.get("ours, unthrottled")
    pooled, pooled_free = by.get("ours + per-host pools (proposed)"), by.get("ours + per-host pools, unthrottled")
    if ours and scrapy and scrapy.rate:
        print(f"ours / scrapy (same limits):              {ours.rate / scrapy.rate:.2f}×  (target ≥ 1.5×)")
    if ours and scrapy and ours.cpu_ms_per_page:
        print(f"CPU per page, scrapy / ours:              {scrapy.cpu_ms_per_page / ours.cpu_ms_per_page:.2f}×  "
              "(the same comparison, robust to other load on the machine)")
    if pooled and scrapy and scrapy.rate:
        print(f"ours + per-host pools / scrapy:           {pooled.rate / scrapy.rate:.2f}×")
    if raw and free and raw.rate:
        print(f"ours unthrottled / farm capacity:         {100 * free.rate / raw.rate:.0f} %  (target ≥ 70 %)")
    multi = next((m for m in measures if m.name.startswith("ours, unthrottled, ")), None)
    if raw and multi and raw.rate:
        print(f"{multi.name} / farm capacity: {100 * multi.rate / raw.rate:.0f} %")
    if raw and pooled_free and raw.rate:
        print(f"ours + pools unthrottled / farm capacity: {100 * pooled_free.rate / raw.rate:.0f} %")
    crawlers = [m for m in measures if m is not raw]
    if crawlers:
        peak = max(crawlers, key=lambda m: m.rss_mb)
        print(f"peak RSS of a crawler:                    {peak.rss_mb:.0f} MB, {peak.name}  (target ≤ 300 MB)")


if __name__ == "__main__":
    sys.exit(main())

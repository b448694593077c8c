"""Smoke test of the crawl benchmark (``benchmarks/crawl.py``) on a tiny farm: 3 sites × 2 columns × 2 pages.

Checks that the farm serves what it promises and that the crawlers fetch every page and extract every item;
no timing assertions (speed is what the benchmark script prints). Scrapy is only in the ``bench`` dependency
group, so its part is skipped where it is not installed.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import date

import httpx
import pytest

from benchmarks import crawl
from benchmarks._farm import Farm, FarmSpec, all_urls, next_page_url, render_list, site_host, start_urls
from govinspect.collect.listpage import extract_items

SPEC = FarmSpec(sites=3, columns=2, pages=2, latency_ms=(5, 20), seed=7)


@pytest.fixture(scope="module")
def farm_port():
    with Farm(SPEC, processes=1) as port:
        yield port


def test_list_pages_follow_the_trs_pager_and_carry_dated_items():
    url = f"http://{site_host(1)}:80/col1/index.html"
    first = render_list(SPEC, 1, 1, 0).decode()
    items = extract_items(first, url, date.fromisoformat(SPEC.as_of))
    assert len(items) == SPEC.items and all(i.date for i in items)
    assert all(i.url.startswith(f"http://{site_host(1)}:80/col1/20") for i in items)
    assert next_page_url(first, url) == f"http://{site_host(1)}:80/col1/index_1.html"
    assert next_page_url(render_list(SPEC, 1, 1, 1).decode(), url) is None  # last of 2 pages
    assert render_list(SPEC, 1, 1, 0) == first.encode()  # seeded: the same page every time


def test_farm_serves_every_page_and_404_elsewhere(farm_port):
    with httpx.Client(trust_env=False) as client:
        for url in all_urls(SPEC, farm_port):
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert "createPageHTML(2," in answer.text
        assert client.get(f"http://{site_host(0)}:{farm_port}/col9/index.html").status_code == 404
        assert client.get(f"http://{site_host(0)}:{farm_port}/col0/index_2.html").status_code == 404
    assert len(start_urls(SPEC, farm_port)) == 6


def test_our_collector_fetches_every_page_and_extracts_every_item(farm_port):
    result = asyncio.run(crawl.crawl_ours(SPEC, farm_port, crawl.Limits(per_host=2, global_limit=8, delay=0.01)))
    assert result["outcomes"] == {"ok": SPEC.total_pages}
    assert result["pages"] == SPEC.total_pages == 12
    assert result["items"] == result["dated"] == SPEC.total_items == 240


def test_shards_split_the_sites_between_processes(farm_port):
    limits = crawl.Limits(per_host=2, global_limit=4, delay=0.0)
    halves = [asyncio.run(crawl.crawl_ours(SPEC, farm_port, limits, shard=(k, 2))) for k in range(2)]
    assert [h["pages"] for h in halves] == [8, 4]  # sites 0 and 2, then site 1: 2 columns × 2 pages each
    assert sum(h["items"] for h in halves) == SPEC.total_items


def test_raw_client_fetches_every_page(farm_port):
    result = asyncio.run(crawl.crawl_raw(SPEC, farm_port, concurrency=4))
    assert result["errors"] == 0 and result["pages"] == SPEC.total_pages
    assert result["bytes"] > SPEC.total_pages * 1000


def test_the_script_runs_each_crawler_in_its_own_process_and_prints_the_table(capsys):
    code = crawl.main(["--sites", "3", "--columns", "2", "--pages", "2", "--latency-ms", "5-20",
                       "--only", "raw,ours,ours-unthrottled,ours-unthrottled-mp", "--workers", "2",
                       "--farm-processes", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "pages/s" not in line]
    assert [r.split("|")[1].strip() for r in rows] == [
        "farm capacity (raw client)", "ours (Fetcher + extract_items)", "ours, unthrottled",
        "ours, unthrottled, 2 processes"]
    for row in rows:
        rss = float(row.split("|")[4].split()[0])
        assert 5 < rss < 1000, row  # each child's own peak RSS, from wait4
    assert "MISSED" not in out and "ours unthrottled / farm capacity" in out


def test_scrapy_spider_crawls_the_same_pages(farm_port):
    pytest.importorskip("scrapy")
    out = subprocess.run(
        [sys.executable, "benchmarks/_scrapy_crawl.py", "--spec", SPEC.to_json(), "--port", str(farm_port),
         "--per-host", "2", "--global-limit", "8", "--delay", "0.01"],
        capture_output=True, text=True, timeout=120, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["pages"] == SPEC.total_pages and result["items"] == result["dated"] == SPEC.total_items
    assert result["errors"] == 0

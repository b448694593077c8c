"""Website collection under faults: ``collect_site`` against every site of the ``faults`` scenario.

Each fault kind must end as its recorded outcome, ``collect_site`` must return normally and every site keeps
its home-page row. Timeouts are short (1.5 s per attempt, 2 attempts) so the suite stays fast; the slow
drip is shortened to 5 s, still far beyond the client's limit, so it remains a timeout.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.collect.site import CollectLimits, collect_site
from govinspect.inventory import load_inventory
from govinspect.sandbox import Sandbox, parse_scenario
from govinspect.vocab import FETCH_OUTCOMES

ROOT = Path(__file__).resolve().parent.parent
FAULTS = ROOT / "include" / "scenarios" / "faults.yaml"
AS_OF = date(2024, 9, 10)
SANDBOX_NETWORKS = ("127.61.0.0/16",)  # the simulated prefecture: loopback, so allowed explicitly
POLICY = FetchPolicy(total_timeout=1.5, connect_timeout=1.5, max_bytes=1024 * 1024, max_attempts=2,
                     backoff_base=0.05, per_host=2, global_limit=32, allowed_networks=SANDBOX_NETWORKS)

# site -> the home page's outcome
HOME_OUTCOME = {
    "ok": "ok", "e5xx": "ok", "hang": "timeout", "reset": "reset", "drip": "timeout", "loop": "error",
    "c412": "challenged", "cjs": "challenged", "tlsss": "tls", "tlsexp": "tls", "trunc": "reset",
    "large": "too_large", "endless": "ok", "endlesshw": "ok", "cshdr": "ok", "csmeta": "ok", "outage": "ok",
}
TRANSIENT = {"hang", "reset", "drip", "trunc"}  # retried up to max_attempts, then recorded
# Small depth so that the faulty hosts (each failure costs up to 2 × 1.5 s) keep the suite fast; every new kind
# of fetch (pagination, articles, link check) still happens.
LIMITS = CollectLimits(max_list_pages=4, max_articles=4, max_links=12, max_letters=2)


@pytest.fixture(autouse=True)
def _evidence_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    data = yaml.safe_load(FAULTS.read_text(encoding="utf-8"))
    drip = next(s for s in data["sites"] if s["site_id"] == "drip")
    drip["faults"] = [{"kind": "slow_drip", "duration": 5.0, "interval": 0.25}]
    scenario = parse_scenario(data, "faults.yaml", default_name="faults")
    with Sandbox(scenario, port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


def _reset(sb) -> None:
    for plan in [*sb.site_faults.values(), *sb.platform_faults.values()]:
        plan.reset()
    sb.set_clock(datetime(2024, 9, 10, 20, 0))


def _work(sb) -> dict[str, tuple[dict, list[dict]]]:
    records = load_inventory(sb.inventory_dir).records()
    return {w["site_id"]: (w, [c for c in records["columns"] if c["site_id"] == w["site_id"]])
            for w in records["websites"]}


def _collect(sb, policy: FetchPolicy = POLICY, only: set[str] | None = None):
    work = {k: v for k, v in _work(sb).items() if only is None or k in only}

    async def go():
        async with Fetcher(policy) as fetcher:
            return await asyncio.gather(*(collect_site(site, columns, AS_OF, fetcher, limits=LIMITS)
                                          for site, columns in work.values()))

    started = time.perf_counter()
    results = asyncio.run(go())
    return {r.site_id: r for r in results}, work, time.perf_counter() - started


@pytest.fixture(scope="module")
def collected(sb):
    _reset(sb)
    return _collect(sb)


def test_every_fault_site_is_collected_and_keeps_its_home_row(collected):
    results, work, seconds = collected
    assert set(results) == set(HOME_OUTCOME)
    for site_id, result in results.items():
        homes = [p for p in result.pages if p["page_kind"] == "home"]
        assert len(homes) == 1, site_id
        assert homes[0]["outcome"] == HOME_OUTCOME[site_id], (site_id, homes[0]["outcome"], homes[0]["error"])
        assert homes[0]["error"] or homes[0]["outcome"] == "ok"
        assert len([p for p in result.pages if p["page_kind"] == "list"]) >= len(work[site_id][1])
    assert seconds < 30  # hang/drip cost 2 attempts × 1.5 s per page, sites in parallel


def test_transient_failures_were_retried_and_definite_ones_were_not(collected):
    results, _, _ = collected
    # attempts are not landed (the pages schema is fixed); elapsed time shows the retries of the hangs
    for site_id in ("hang", "drip"):
        home = next(p for p in results[site_id].pages if p["page_kind"] == "home")
        assert home["elapsed_ms"] >= 2 * 1500 * 0.95, (site_id, home["elapsed_ms"])
    for site_id in ("c412", "cjs", "tlsss", "tlsexp", "loop"):
        home = next(p for p in results[site_id].pages if p["page_kind"] == "home")
        assert home["elapsed_ms"] < 1500, (site_id, home["elapsed_ms"])


def test_columns_follow_the_fault_of_their_host(collected):
    results, _, _ = collected
    for site_id, expected in HOME_OUTCOME.items():
        lists = [p["outcome"] for p in results[site_id].pages if p["page_kind"] == "list"]
        if site_id == "large":  # only the home page is oversized
            assert set(lists) == {"ok"} and results[site_id].items
        elif site_id != "e5xx":
            assert set(lists) == {expected}, (site_id, lists)
    for site_id in ("ok", "endless", "endlesshw", "outage"):
        assert results[site_id].items, site_id


def test_endless_pagination_is_bounded(collected):
    results, work, _ = collected
    for site_id in ("endless", "endlesshw"):
        pages = results[site_id].pages
        lists = Counter(p["column_id"] for p in pages if p["page_kind"] == "list")
        assert set(lists) == {c["column_id"] for c in work[site_id][1]}
        assert max(lists.values()) == LIMITS.max_list_pages, lists  # followed, up to the limit and no further
        assert all(p["outcome"] == "ok" for p in pages)


def test_every_kind_of_fetch_ends_as_an_outcome_and_nothing_is_lost(collected):
    """Articles, link checks and list pages beyond the first are recorded like the home page: per fault kind."""
    results, work, _ = collected
    for site_id, expected in HOME_OUTCOME.items():
        result = results[site_id]
        assert {x["site_id"] for x in result.links} <= {site_id}
        assert all(x["outcome"] in FETCH_OUTCOMES for x in result.links), site_id
        if expected == "ok" and site_id not in ("e5xx", "outage"):
            assert [p for p in result.pages if p["page_kind"] == "article"], site_id
            assert result.links and result.home_items, site_id
        if expected in ("timeout", "refused", "reset", "tls", "challenged", "error"):
            assert not result.items and not result.links, site_id  # nothing found, nothing invented
    for site_id in ("ok", "endless", "cshdr", "csmeta"):
        articles = [p for p in results[site_id].pages if p["page_kind"] == "article"]
        assert 0 < len(articles) <= LIMITS.max_articles and {p["outcome"] for p in articles} == {"ok"}, site_id


def test_lying_charsets_are_decoded_right(collected):
    results, _, _ = collected
    reference = {i["title"] for i in results["ok"].items}
    for site_id, encoding in (("cshdr", "gb18030"), ("csmeta", "utf-8")):
        result = results[site_id]
        assert {p["encoding"] for p in result.pages} == {encoding}, site_id
        titles = [i["title"] for i in result.items]
        assert titles and not any("\ufffd" in t for t in titles), site_id
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles), titles[:3]
    assert reference  # the control site's titles are plain too
    assert set(results["ok"].summary()["outcomes"]) == {"ok"}


def test_tls_failures_with_the_insecure_fallback_are_fetched_but_flagged(sb, monkeypatch, tmp_path):
    results, _, _ = _collect(sb, dataclasses.replace(POLICY, insecure_fallback=True), only={"tlsss", "tlsexp"})
    for site_id, result in results.items():
        home = next(p for p in result.pages if p["page_kind"] == "home")
        assert home["outcome"] == "ok" and home["url"].startswith("https://"), site_id
        assert "TLS not verified" in home["error"], site_id
        assert result.items, site_id


def test_5xx_bursts_are_retried_through(sb):
    """Site e5xx fails requests 4 and 5 of every 5 (502, 503): the 4th request is the home page here."""
    _reset(sb)
    home = _work(sb)["e5xx"][0]["home_url"]

    async def go(policy: FetchPolicy):
        async with Fetcher(policy) as f:
            for _ in range(3):
                assert (await f.get(home)).ok
            return await f.get(home)

    r = asyncio.run(go(dataclasses.replace(POLICY, max_attempts=3)))
    assert (r.outcome, r.status_code, r.attempts) == ("ok", 200, 3)
    _reset(sb)
    r = asyncio.run(go(dataclasses.replace(POLICY, max_attempts=2)))
    assert (r.outcome, r.status_code, r.attempts) == ("http_error", 503, 2)


def test_outage_windows_end_as_outcomes_after_retries(sb):
    try:
        sb.set_clock(datetime(2024, 9, 7, 10, 30))  # http_503 window
        results, work, _ = _collect(sb, only={"outage"})
        pages = results["outage"].pages
        assert [p["outcome"] for p in pages] == ["http_error"] * (1 + len(work["outage"][1]))
        assert {p["status_code"] for p in pages} == {503}
        sb.set_clock(datetime(2024, 9, 5, 10, 30))  # "refused" window: the connection is reset at once
        results, _, _ = _collect(sb, only={"outage"})
        assert {p["outcome"] for p in results["outage"].pages} == {"reset"}
    finally:
        _reset(sb)


def test_without_the_allowance_the_sandbox_is_refused(sb):
    """The simulated prefecture is on loopback: without allowed networks nothing is fetched."""
    results, work, _ = _collect(sb, dataclasses.replace(POLICY, allowed_networks=()), only={"ok"})
    assert {p["outcome"] for p in results["ok"].pages} == {"blocked_by_policy"}
    assert not results["ok"].items


def test_dead_host_is_refused_or_blocked_never_raises(sb):
    url = sb.site_urls["ok"].replace("127.61.0.", "127.61.249.")  # never bound (the sandbox's dead host)
    site = {"site_id": "dead", "home_url": url + "/"}

    async def go(policy):
        async with Fetcher(policy) as f:
            return await collect_site(site, [], AS_OF, f, limits=LIMITS)

    assert asyncio.run(go(POLICY)).pages[0]["outcome"] == "refused"
    narrow = dataclasses.replace(POLICY, allowed_networks=("127.61.0.0/24",))
    assert asyncio.run(go(narrow)).pages[0]["outcome"] == "blocked_by_policy"


def test_redirect_into_a_refused_network_is_blocked():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    async def go():
        async with Fetcher(POLICY, transport=httpx.MockTransport(handler)) as f:
            return await f.get("http://127.61.0.1/")

    r = asyncio.run(go())
    assert r.outcome == "blocked_by_policy" and "metadata" in r.error

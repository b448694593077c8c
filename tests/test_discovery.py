"""Discovery of unfiled accounts (私自开设): the four platforms' searches, against the ganzi-2024q3 emulators
through the pipeline steps (prepare_run → plan_discovery → discover_accounts → landing), and against
recorded answers for the failure cases.

Expected values come from the scenario file (its extra accounts and its inventory accounts), not from the
emulators' output.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from govinspect import landing, pipeline
from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.platforms import base
from govinspect.platforms.base import PlatformEndpoint
from govinspect.platforms.budget import BudgetedFetcher, RequestBudget
from govinspect.platforms.discovery import discover
from govinspect.sandbox import Sandbox, load_scenario

SCENARIO = load_scenario("ganzi-2024q3")


@pytest.fixture(scope="module")
def ganzi(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVINSPECT_DATA_DIR", str(data))
    with Sandbox("ganzi-2024q3", port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sb:
        for key, value in sb.env().items():
            if key.startswith("GOVINSPECT_"):
                mp.setenv(key, value)
        mp.setenv("GOVINSPECT_WECHAT_TOKEN", sb.wechat_token)
        ctx = pipeline.prepare_run({"quarter": "2024Q3", "monitoring_date": "2024-09-10",
                                    "inventory": str(sb.inventory_dir)}, "test_discovery")
        yield sb, ctx
    mp.undo()


@pytest.fixture(scope="module")
def candidates(ganzi) -> tuple[list[dict], list[dict]]:
    _, ctx = ganzi
    batches = pipeline.plan_discovery(ctx)
    summaries = [pipeline.discover_accounts(units, ctx, c) for c in ("weibo", "wechat", "toutiao", "douyin")
                 for units in batches]
    rows = landing.read_run("account_candidates", ctx["quarter"], ctx["run_id"]).to_pylist()
    return rows, summaries


def test_plan_covers_every_unit_once(ganzi):
    _, ctx = ganzi
    batches = pipeline.plan_discovery(ctx)
    units = [u for b in batches for u in b]
    assert len(units) == len(set(units))
    assert set(units) == {a.unit for a in SCENARIO.accounts}  # the roster's units are the accounts' here
    assert all(len(b) <= pipeline.DISCOVERY_BATCH_SIZE for b in batches)


def test_finds_the_two_planted_unfiled_accounts(candidates):
    rows, summaries = candidates
    found = {(r["connector"], r["platform_id"]): r for r in rows}
    for extra in SCENARIO.extra_accounts:
        row = found.get((extra.connector, extra.platform_id))
        assert row is not None, f"{extra.account_id} not found by search"
        assert (row["unit"], row["account_name"], row["platform"]) == (extra.unit, extra.account_name, extra.platform)
        assert row["verified"] is False
        assert row["raw_sha256"] and row["request_url"].startswith("http://127.61.")
        assert row["url"] == f"https://www.douyin.com/user/{extra.platform_id}"
    assert all(s["outcomes"] == {"ok": s["units"]} for s in summaries)


def test_exactly_the_planted_accounts_are_outside_the_inventory(candidates):
    """What dbt's 私自开设 (M4) will see: candidates on no inventory row are the two extra accounts."""
    rows, _ = candidates
    filed = {(a.connector, a.platform_id) for a in SCENARIO.accounts}
    unfiled = {(r["connector"], r["platform_id"]) for r in rows} - filed
    assert unfiled == {(a.connector, a.platform_id) for a in SCENARIO.extra_accounts}


def test_filed_active_accounts_are_candidates_too(candidates):
    rows, _ = candidates
    found = {(r["connector"], r["platform_id"], r["unit"]) for r in rows}
    active = [a for a in SCENARIO.accounts if a.status == "active"]
    missing = [a.account_id for a in active if (a.connector, a.platform_id, a.unit) not in found]
    assert not missing
    # closed / not found / blocked accounts are not returned by the platforms' searches
    gone = {(a.connector, a.platform_id) for a in SCENARIO.accounts if a.status != "active"}
    assert not gone & {(r["connector"], r["platform_id"]) for r in rows}


def test_candidate_rows_fit_the_raw_gate(candidates):
    rows, _ = candidates
    keys = [(r["connector"], r["platform_id"], r["unit"]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per candidate and unit searched
    assert all(r["platform_id"] and r["platform"] in {"新浪微博", "微信订阅号", "微信服务号", "今日头条", "抖音短视频"}
               for r in rows)
    wechat = [r for r in rows if r["connector"] == "wechat"]
    assert wechat and all(r["url"].startswith("https://mp.weixin.qq.com/mp/profile_ext?") for r in wechat)


def test_search_budget_stops_the_search_and_says_so(ganzi):
    sb, _ = ganzi
    units = [a.unit for a in SCENARIO.accounts[:6]]
    budget = RequestBudget(2)

    async def go():
        async with Fetcher(FetchPolicy(total_timeout=10, allowed_networks=("127.61.0.0/16",))) as f:
            return await discover(PlatformEndpoint("douyin", sb.platform_urls["douyin"]), units,
                                  BudgetedFetcher(f, budget, "douyin"))

    found = asyncio.run(go())
    assert budget.spent == 2 and budget.refused == len(units) - 2
    assert found.outcomes == {"ok": 2, "not_collected": len(units) - 2}
    assert all("budget" in f["error"] for f in found.failures)


# --- recorded answers ----------------------------------------------------------------------------------
def _run(endpoint: PlatformEndpoint, units: list[str], handler):
    async def go():
        async with Fetcher(FetchPolicy(total_timeout=5), transport=httpx.MockTransport(handler)) as f:
            return await discover(endpoint, units, f)

    return asyncio.run(go())


def test_wechat_without_login_is_not_collected():
    found = _run(PlatformEndpoint("wechat", "http://mp.test"), ["甘孜县人民政府"],
                 lambda r: pytest.fail("no request without a token"))
    assert found.outcomes == {"not_collected": 1} and not found.candidates


def test_wechat_freq_control_is_retried_then_paged(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(base, "RATE_LIMIT_WAITS", (0.0, 0.0))
    answers = iter([
        {"base_resp": {"ret": 200013, "err_msg": "freq control"}},
        {"base_resp": {"ret": 0, "err_msg": "ok"}, "total": 6,
         "list": [{"fakeid": f"MzA{n}==", "nickname": f"甘孜{n}", "service_type": 1} for n in range(5)]},
        {"base_resp": {"ret": 0, "err_msg": "ok"}, "total": 6,
         "list": [{"fakeid": "MzA9==", "nickname": "甘孜服务", "service_type": 2}]},
    ])
    begins = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/cgi-bin/searchbiz" and request.url.params["token"] == "t0k"
        begins.append(int(request.url.params["begin"]))
        return httpx.Response(200, json=next(answers))

    found = _run(PlatformEndpoint("wechat", "http://mp.test", token="t0k"), ["甘孜"], handler)
    assert begins == [0, 0, 5]
    assert [c["platform"] for c in found.candidates] == ["微信订阅号"] * 5 + ["微信服务号"]
    assert found.outcomes == {"ok": 1}


@pytest.mark.parametrize("answer, outcome", [
    (httpx.Response(200, text="<html>登录</html>"), "error"),  # malformed: not JSON
    (httpx.Response(200, json={"base_resp": {"ret": 200003, "err_msg": "invalid session"}}), "error"),  # expired
    (httpx.Response(200, json={"base_resp": {"ret": 200013, "err_msg": "freq control"}}), "rate_limited"),
])
def test_wechat_search_failures_are_outcomes(monkeypatch, tmp_path, answer, outcome):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(base, "RATE_LIMIT_WAITS", (0.0,))
    found = _run(PlatformEndpoint("wechat", "http://mp.test", token="t"), ["甘孜", "理塘"], lambda r: answer)
    assert found.outcomes == {outcome: 2} and not found.candidates
    assert [f["query"] for f in found.failures] == ["甘孜", "理塘"]


def test_weibo_search_answer_read(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["containerid"] == "100103type=3&q=道孚县公安局"
        return httpx.Response(200, json={"ok": 1, "data": {"cards": [{"card_type": 11, "card_group": [
            {"card_type": 10, "user": {"id": 3198746521, "screen_name": "道孚警方", "verified": True,
                                       "verified_reason": "道孚县公安局"}},
            {"card_type": 42, "desc": "相关用户"}]}]}})

    found = _run(PlatformEndpoint("weibo", "http://wb.test"), ["道孚县公安局"], handler)
    assert [(c["platform_id"], c["account_name"], c["verified"], c["verified_name"]) for c in found.candidates] == [
        ("3198746521", "道孚警方", True, "道孚县公安局")]

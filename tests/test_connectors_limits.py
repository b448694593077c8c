"""Rate limits and the per-platform request budget: recorded answers (no network) and the ganzi-2024q3
emulators through ``pipeline.collect_accounts`` (expected statuses and posting days from the scenario file)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest

from govinspect import landing, pipeline
from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.platforms import base
from govinspect.platforms.base import PlatformEndpoint
from govinspect.platforms.budget import BudgetedFetcher, RequestBudget, parse_budget, share
from govinspect.platforms.douyin import DouyinConnector
from govinspect.platforms.registry import endpoint_from_env
from govinspect.platforms.wechat import WechatConnector
from govinspect.platforms.weibo import WeiboConnector
from govinspect.sandbox import Sandbox, load_scenario
from govinspect.sandbox.content import build_account

CST = timezone(timedelta(hours=8))
UNTIL = date(2024, 9, 10)
SINCE = UNTIL - timedelta(days=100)


@pytest.fixture(autouse=True)
def _quick(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(base, "RATE_LIMIT_WAITS", (0.0, 0.0))


def collect(connector, accounts, handler, budget: RequestBudget | None = None):
    async def go():
        async with Fetcher(FetchPolicy(total_timeout=5, backoff_base=0.01),
                           transport=httpx.MockTransport(handler)) as f:
            getter = BudgetedFetcher(f, budget, connector.name) if budget else f
            return await asyncio.gather(*(connector.collect(a, SINCE, UNTIL, getter) for a in accounts))

    return asyncio.run(go())


# --- recorded answers --------------------------------------------------------------------------------------------
def wb_account(uid: str) -> dict:
    return {"account_id": f"wb-{uid}", "platform": "新浪微博", "connector": "weibo", "platform_id": uid,
            "account_name": "微甘孜"}


def weibo_card(n: int, day: int) -> dict:
    when = datetime(2024, 9, day, 12, tzinfo=CST).strftime("%a %b %d %H:%M:%S +0800 %Y")
    return {"card_type": 9, "mblog": {"id": str(n), "created_at": when, "text": f"post {n}"}}


def weibo_pages(throttle_first: int = 0, throttle_profile: bool = False):
    """Three pages of posts (Sep 9, 8, 7); the first ``throttle_first`` page answers are HTTP 200 "频繁"."""
    count = {"throttled": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        if "containerid" not in q:
            if throttle_profile:
                return httpx.Response(200, json={"ok": 0, "msg": "请求过于频繁，请稍后再试"})
            return httpx.Response(200, json={"ok": 1, "data": {"userInfo": {"screen_name": "微甘孜"}}})
        if count["throttled"] < throttle_first:
            count["throttled"] += 1
            return httpx.Response(200, json={"ok": 0, "msg": "请求过于频繁，请稍后再试"})
        page = int(q["page"])
        return httpx.Response(200, json={"ok": 1, "data": {"cardlistInfo": {"page": page + 1 if page < 3 else None},
                                                           "cards": [weibo_card(page, 10 - page)]}})

    return handler


def test_budget_spent_mid_account_and_before_the_next():
    budget = RequestBudget(3)
    first, second = collect(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")),
                            [wb_account("1"), wb_account("2")], weibo_pages(), budget)
    statuses = [first.status, second.status]
    assert budget.spent == 3 and budget.refused >= 1
    assert all(s["outcome"] == "not_collected" and "request budget of 3" in s["error"] for s in statuses)
    # every request sent was a profile (-> active) or a page of one post; what was read is kept
    assert sum(s["status"] == "active" for s in statuses) + sum(len(r.posts) for r in (first, second)) == 3
    assert "unknown" in {s["status"] for s in statuses}  # an account whose profile was never asked


def test_budget_spent_before_an_account_is_not_collected_never_no_posts():
    budget = RequestBudget(0)
    (result,) = collect(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), [wb_account("1")],
                        lambda r: pytest.fail("nothing may be sent"), budget)
    assert (result.status["status"], result.status["outcome"]) == ("unknown", "not_collected")
    assert result.posts == [] and result.status["http_status"] is None


def test_weibo_throttled_page_is_asked_again():
    (result,) = collect(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), [wb_account("1")],
                        weibo_pages(throttle_first=2))
    assert result.status["outcome"] == "ok" and result.status["error"] is None
    assert [p["published_on"] for p in result.posts] == [date(2024, 9, 9), date(2024, 9, 8), date(2024, 9, 7)]


def test_weibo_throttled_for_good_is_rate_limited_not_end_of_list():
    (result,) = collect(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), [wb_account("1")],
                        weibo_pages(throttle_first=99))
    assert result.status["outcome"] == "rate_limited" and "频繁" in result.status["error"]
    (profile,) = collect(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), [wb_account("1")],
                         weibo_pages(throttle_profile=True))
    assert (profile.status["status"], profile.status["outcome"]) == ("unknown", "rate_limited")


def test_wechat_freq_control_backs_off_then_completes():
    answers = iter([{"base_resp": {"ret": 200013, "err_msg": "freq control"}}] * 2 + [
        {"base_resp": {"ret": 0}, "app_msg_cnt": 1, "app_msg_list": [
            {"aid": "1_1", "title": "通知", "link": "https://mp.weixin.qq.com/s?__biz=x&mid=1",
             "create_time": int(datetime(2024, 9, 1, 9, tzinfo=CST).timestamp())}]}])
    requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/mp/profile_ext":
            return httpx.Response(200, html="<strong id='nickname'>甘孜发布</strong>")
        requests.append(request.url.params["begin"])
        return httpx.Response(200, json=next(answers))

    account = {"account_id": "wx-1", "platform": "微信订阅号", "connector": "wechat", "platform_id": "MzA=",
               "account_name": "甘孜发布"}
    (result,) = collect(WechatConnector(PlatformEndpoint("wechat", "http://mp.test", token="t")), [account], handler)
    assert requests == ["0", "0", "0"]
    assert result.status["outcome"] == "ok" and [p["title"] for p in result.posts] == ["通知"]


def test_http_429_with_retry_after_is_waited_for():
    hits = []

    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(request.url.path)
        if len(hits) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"status_code": 429})
        if request.url.path.endswith("/profile/other/"):
            return httpx.Response(200, json={"status_code": 0, "user": {"nickname": "甘孜发布"}})
        return httpx.Response(200, json={"status_code": 0, "aweme_list": [], "has_more": 0, "max_cursor": 0})

    account = {"account_id": "dy-1", "platform": "抖音短视频", "connector": "douyin", "platform_id": "MS4w",
               "account_name": "甘孜发布"}
    budget = RequestBudget(10)
    (result,) = collect(DouyinConnector(PlatformEndpoint("douyin", "http://dy.test")), [account], handler, budget)
    assert (result.status["status"], result.status["outcome"]) == ("active", "ok")
    assert budget.spent == 3  # the retried profile counts twice


def test_budget_settings():
    assert share(100, 25, 60) == 42 and share(None, 25, 60) is None and share(5, 1, 0) == 5
    assert parse_budget("", "X") is None and parse_budget(" 40 ", "X") == 40
    with pytest.raises(ValueError, match="GOVINSPECT_DOUYIN_BUDGET: request budget 'lots' is not a whole number"):
        parse_budget("lots", "GOVINSPECT_DOUYIN_BUDGET")
    env = {"GOVINSPECT_DOUYIN_URL": "http://dy.test", "GOVINSPECT_DOUYIN_BUDGET": "300",
           "GOVINSPECT_DOUYIN_SEARCH_BUDGET": "50"}
    endpoint = endpoint_from_env("douyin", env)
    assert (endpoint.budget, endpoint.search_budget) == (300, 50)


# --- against the emulators ------------------------------------------------------------------------------------
SCENARIO = load_scenario("ganzi-2024q3")
KEEPS_HISTORY = ("toutiao",)


def expected_days(account) -> list[date]:
    """Posting days the platform shows for an account inside the collection window (from the scenario)."""
    if account.status != "active" and not (account.status == "closed" and account.connector in KEEPS_HISTORY):
        return []
    since = SCENARIO.monitoring_point - timedelta(days=pipeline.POST_WINDOW_DAYS)
    return sorted(p.published.date() for p in build_account(account, SCENARIO.monitoring_point).posts
                  if since <= p.published.date() <= SCENARIO.monitoring_point)


@pytest.fixture(scope="module")
def ganzi_run(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    data = str(tmp_path_factory.mktemp("data"))
    mp.setenv("GOVINSPECT_DATA_DIR", data)
    with Sandbox("ganzi-2024q3", port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sb:
        for key, value in sb.env().items():
            if key.startswith("GOVINSPECT_"):
                mp.setenv(key, value)
        ctx = pipeline.prepare_run({"quarter": "2024Q3", "monitoring_date": "2024-09-10",
                                    "inventory": str(sb.inventory_dir)}, "test_limits")
        yield ctx, data
    mp.undo()


@pytest.mark.parametrize("connector", ["weibo", "wechat", "toutiao", "douyin"])
def test_first_batch_of_each_platform_matches_the_scenario(ganzi_run, connector, monkeypatch):
    ctx, data = ganzi_run
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", data)
    batch = pipeline.plan_accounts(ctx, connector)[0]
    summary = pipeline.collect_accounts(batch, ctx)
    assert summary["budget"]["limit"] is None
    by_id = {a.account_id: a for a in SCENARIO.accounts}
    statuses = {r["account_id"]: r for r in landing.read_run("account_statuses", "2024Q3", ctx["run_id"]).to_pylist()}
    posts = landing.read_run("posts", "2024Q3", ctx["run_id"]).to_pylist()
    for account in batch:
        planted = by_id[account["account_id"]]
        status = statuses[account["account_id"]]
        assert (status["status"], status["outcome"]) == (planted.status, "ok"), account["account_id"]
        mine = [p for p in posts if p["account_id"] == account["account_id"] and p["source"] == "connector"]
        assert sorted(p["published_on"] for p in mine) == expected_days(planted), account["account_id"]


def test_douyin_budget_leaves_the_rest_not_collected(ganzi_run, monkeypatch):
    ctx, data = ganzi_run
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", data)
    batch = pipeline.plan_accounts(ctx, "douyin")[0]
    monkeypatch.setenv("GOVINSPECT_DOUYIN_BUDGET", "10")
    summary = pipeline.collect_accounts(batch, ctx)
    douyin_total = sum(len(b) for b in pipeline.plan_accounts(ctx, "douyin"))
    assert summary["budget"]["limit"] == share(10, len(batch), douyin_total)
    assert summary["budget"]["spent"] <= summary["budget"]["limit"]
    statuses = [r for r in landing.read_run("account_statuses", "2024Q3", ctx["run_id"]).to_pylist()
                if r["account_id"] in {a["account_id"] for a in batch}]
    skipped = [s for s in statuses if s["outcome"] == "not_collected"]
    assert skipped and all("request budget" in s["error"] for s in skipped)
    assert len(statuses) == len(batch)  # every account has its row, collected or not


def test_wechat_expired_login_against_the_emulator(ganzi_run, monkeypatch):
    ctx, data = ganzi_run
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", data)
    monkeypatch.setenv("GOVINSPECT_WECHAT_TOKEN", "expired")
    batch = pipeline.plan_accounts(ctx, "wechat")[0]
    pipeline.collect_accounts(batch, ctx)
    by_id = {a.account_id: a for a in SCENARIO.accounts}
    statuses = [r for r in landing.read_run("account_statuses", "2024Q3", ctx["run_id"]).to_pylist()
                if r["account_id"] in {a["account_id"] for a in batch}]
    active = [s for s in statuses if by_id[s["account_id"]].status == "active"]
    assert active and all(s["status"] == "active" and s["outcome"] == "error" and "login has expired" in s["error"]
                          for s in active)


def test_weibo_429_of_the_faults_emulator_is_waited_out(tmp_path, monkeypatch):
    """The faults scenario serves at most 3 Weibo answers per 10 s, then HTTP 429 with Retry-After."""
    faults = load_scenario("faults")
    account = next(a for a in faults.accounts if a.connector == "weibo")
    expected = sorted(p.published.date() for p in build_account(account, faults.monitoring_point).posts)
    rows = [{"account_id": f"{account.account_id}-{n}", "platform": account.platform, "connector": "weibo",
             "platform_id": account.platform_id, "account_name": account.account_name} for n in range(3)]
    with Sandbox("faults", port=0, inventory_dir=tmp_path / "inv") as sb:
        endpoint = PlatformEndpoint("weibo", sb.platform_urls["weibo"])

        budget = RequestBudget(None)  # counts every request sent, retries included

        async def go():
            policy = FetchPolicy(total_timeout=20, allowed_networks=("127.61.0.0/16",))
            async with Fetcher(policy) as f:
                counted = BudgetedFetcher(f, budget, "weibo")
                return [await WeiboConnector(endpoint).collect(r, SINCE, UNTIL, counted) for r in rows]

        results = asyncio.run(go())
    assert budget.spent > 2 * len(rows)  # some answers were 429 and asked again
    for result in results:  # six requests: the fourth waits for the window to free a slot, nothing is lost
        assert (result.status["status"], result.status["outcome"]) == ("active", "ok")
        assert sorted(p["published_on"] for p in result.posts) == expected


@pytest.mark.parametrize("connector, throttled, page", [
    ("toutiao", {"message": "error", "reason": "请求过于频繁，请稍后再试"},
     {"message": "success", "has_more": False, "data": [
         {"item_id": "1", "title": "通知", "publish_time": int(datetime(2024, 9, 1, 9, tzinfo=CST).timestamp()),
          "article_url": "https://www.toutiao.com/article/1/"}]}),
    ("douyin", {"status_code": 2154, "status_msg": "操作过于频繁"},
     {"status_code": 0, "has_more": 0, "max_cursor": 0, "aweme_list": [
         {"aweme_id": "1", "desc": "通知", "create_time": int(datetime(2024, 9, 1, 9, tzinfo=CST).timestamp())}]}),
])
def test_toutiao_and_douyin_throttle_answers_in_http_200_are_asked_again(connector, throttled, page):
    from govinspect.platforms.toutiao import ToutiaoConnector  # noqa: PLC0415

    answers = iter([throttled, throttled, page])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/c/user/token/"):
            return httpx.Response(200, html="<title>甘孜发布的主页 - 今日头条(www.toutiao.com)</title>")
        if request.url.path.endswith("/profile/other/"):
            return httpx.Response(200, json={"status_code": 0, "user": {"nickname": "甘孜发布"}})
        return httpx.Response(200, json=next(answers))

    cls = ToutiaoConnector if connector == "toutiao" else DouyinConnector
    account = {"account_id": "x-1", "platform": "今日头条" if connector == "toutiao" else "抖音短视频",
               "connector": connector, "platform_id": "MS4w", "account_name": "甘孜发布"}
    (result,) = collect(cls(PlatformEndpoint(connector, "http://p.test")), [account], handler)
    assert (result.status["status"], result.status["outcome"]) == ("active", "ok")
    assert [p["title"] for p in result.posts] == ["通知"]
    # and a throttle that does not end is rate_limited, not the end of the list
    (stuck,) = collect(cls(PlatformEndpoint(connector, "http://p.test")), [account],
                       lambda r: handler(r) if "/c/user/" in r.url.path or "/profile/" in r.url.path
                       else httpx.Response(200, json=throttled))
    assert stuck.status["outcome"] == "rate_limited" and stuck.posts == []

"""Toutiao and Douyin connectors against recorded answers of the endpoint contract (no network)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest

from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.landing import load_evidence
from govinspect.platforms.base import PlatformEndpoint
from govinspect.platforms.douyin import DouyinConnector
from govinspect.platforms.registry import CONNECTORS, connector_for
from govinspect.platforms.toutiao import ToutiaoConnector

CST = timezone(timedelta(hours=8))
UNTIL = date(2024, 9, 10)
SINCE = UNTIL - timedelta(days=100)  # 2024-06-02


@pytest.fixture(autouse=True)
def _evidence_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))


def ts(y, m, d, h=12, mi=0) -> int:
    return int(datetime(y, m, d, h, mi, tzinfo=CST).timestamp())


def run(connector, account, handler):
    async def go():
        async with Fetcher(FetchPolicy(total_timeout=5), transport=httpx.MockTransport(handler)) as f:
            return await connector.collect(account, SINCE, UNTIL, f)

    return asyncio.run(go())


def test_registered():
    assert CONNECTORS["toutiao"] is ToutiaoConnector and CONNECTORS["douyin"] is DouyinConnector
    assert isinstance(connector_for(PlatformEndpoint("douyin", "http://dy.test")), DouyinConnector)


# --- Toutiao ---------------------------------------------------------------------------------------------------

TT = PlatformEndpoint("toutiao", "http://tt.test", cookie="tt_webid=1")
TT_ACCOUNT = {"account_id": "tt-1", "platform": "今日头条", "connector": "toutiao", "platform_id": "MS4wLjABAAAA_tt",
              "account_name": "甘孜发布"}
TT_ACTIVE = "<html><head><title>甘孜发布的主页 - 今日头条(www.toutiao.com)</title></head><body></body></html>"
TT_CLOSED = "<html><head><title>今日头条</title></head><body><p>该账号已注销</p></body></html>"
TT_BLOCKED = "<html><head><title>今日头条</title></head><body><p>该账号已被封禁</p></body></html>"


def article(item_id: str, when: int, **extra) -> dict:
    return {"item_id": item_id, "group_id": item_id, "title": f"标题{item_id}", "publish_time": when,
            "behot_time": when, "article_url": f"https://www.toutiao.com/article/{item_id}/", **extra}


def toutiao_handler(page_html: str, pages: dict[int, tuple[list[dict], int | None]], *, page_status: int = 200,
                    seen: list | None = None, feed=None):
    """``pages``: max_behot_time asked -> (articles, next max_behot_time or None for the last page)."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers.get("cookie") == "tt_webid=1"
        if request.url.path.startswith("/c/user/token/"):
            assert request.url.path == "/c/user/token/MS4wLjABAAAA_tt/"
            return httpx.Response(page_status, html=page_html)
        q = request.url.params
        assert request.url.path == "/api/pc/list/feed"
        assert (q["category"], q["token"], q["aid"]) == ("profile_all", "MS4wLjABAAAA_tt", "24")
        cursor = int(q["max_behot_time"])
        if seen is not None:
            seen.append(cursor)
        if feed is not None:
            return feed(cursor)
        data, nxt = pages[cursor]
        body = {"message": "success", "data": data, "has_more": nxt is not None}
        if nxt is not None:
            body["next"] = {"max_behot_time": nxt}
        return httpx.Response(200, json=body)

    return handler


def test_toutiao_active_paged_pinned_and_window():
    seen: list[int] = []
    pages = {
        0: ([article("top", ts(2022, 5, 1), is_stick=True), article("new", ts(2024, 9, 11, 0, 30)),
             article("a", ts(2024, 9, 10, 23, 59)), article("b", ts(2024, 8, 1))], ts(2024, 8, 1)),
        ts(2024, 8, 1): ([article("c", ts(2024, 7, 1)), article("old", ts(2024, 5, 1))], ts(2024, 5, 1)),
        ts(2024, 5, 1): ([article("never", ts(2024, 1, 1))], None),  # past the window: not asked for
    }
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, pages, seen=seen))
    s = result.status
    assert (s["status"], s["outcome"], s["display_name"], s["error"]) == ("active", "ok", "甘孜发布", None)
    assert seen == [0, ts(2024, 8, 1)]  # next.max_behot_time passed on; stopped once past `since`
    got = {p["post_id"]: p for p in result.posts}
    assert set(got) == {"a", "b", "c"}  # "new" is after the monitoring day (Beijing), "old" before the window
    assert got["a"]["published_on"] == date(2024, 9, 10)  # Beijing day, although 15:59 UTC
    assert got["a"]["url"] == "https://www.toutiao.com/article/a/" and got["a"]["title"] == "标题a"
    assert not any(p["pinned"] or p["is_repost"] for p in result.posts)


def test_toutiao_pinned_post_in_window_flagged_and_title_truncated():
    pages = {0: ([article("top", ts(2024, 9, 1), is_stick=True, title="长" * 300), article("n", ts(2024, 8, 1))],
                 None)}
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, pages))
    got = {p["post_id"]: p for p in result.posts}
    assert {k: p["pinned"] for k, p in got.items()} == {"top": True, "n": False}
    assert len(got["top"]["title"]) == 200


def test_toutiao_pinned_old_post_does_not_stop_paging():
    seen: list[int] = []
    pages = {0: ([article("top", ts(2020, 1, 1), is_stick=True), article("a", ts(2024, 9, 1))], 111),
             111: ([article("b", ts(2024, 8, 1))], None)}
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, pages, seen=seen))
    assert seen == [0, 111] and {p["post_id"] for p in result.posts} == {"a", "b"}


def test_toutiao_closed_account_still_yields_history():
    pages = {0: ([article("last", ts(2024, 6, 20)), article("older", ts(2024, 3, 1))], None)}
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_CLOSED, pages))
    assert (result.status["status"], result.status["outcome"]) == ("closed", "ok")
    assert [p["post_id"] for p in result.posts] == ["last"]


def test_toutiao_blocked_and_not_found():
    blocked = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_BLOCKED, {}))
    assert (blocked.status["status"], blocked.status["outcome"], blocked.posts) == ("blocked", "ok", [])
    missing = run(ToutiaoConnector(TT), TT_ACCOUNT,
                  toutiao_handler("<html><body>页面不存在</body></html>", {}, page_status=404))
    assert (missing.status["status"], missing.status["outcome"], missing.status["http_status"]) == ("not_found", "ok",
                                                                                                    404)
    assert missing.posts == []


def test_toutiao_404_without_the_platform_notice_is_not_not_found():
    # a misconfigured base URL or a proxy's 404 must not accuse the account of not existing
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler("Not Found", {}, page_status=404))
    assert (result.status["status"], result.status["outcome"]) == ("unknown", "http_error")


def test_toutiao_unrecognised_page_is_unknown():
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler("<html><title>登录</title></html>", {}))
    assert (result.status["status"], result.status["outcome"]) == ("unknown", "error") and result.posts == []


@pytest.mark.parametrize(
    ("answer", "outcome", "error"),
    [(httpx.Response(200, json={"message": "error", "data": "need a_bogus"}), "error", "message='error'"),
     (httpx.Response(200, text="<html>验证码</html>"), "error", "answer is not JSON"),
     (httpx.Response(200, json={"message": "success", "data": [{"item_id": "x", "publish_time": "soon"}]}),
      "error", "answer not understood"),
     (httpx.Response(429, text="slow down"), "rate_limited", "HTTP 429")],
)
def test_toutiao_feed_failures_are_recorded_not_raised(answer, outcome, error):
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, {}, feed=lambda cursor: answer))
    s = result.status
    assert (s["status"], s["outcome"]) == ("active", outcome)
    assert s["error"].startswith("feed max_behot_time=0: ") and error in s["error"]


def test_toutiao_second_page_failure_keeps_first_page_posts():
    def feed(cursor):
        if cursor == 0:
            return httpx.Response(200, json={"message": "success", "data": [article("a", ts(2024, 9, 1))],
                                             "has_more": True, "next": {"max_behot_time": 5}})
        return httpx.Response(429)

    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, {}, feed=feed))
    assert [p["post_id"] for p in result.posts] == ["a"]
    assert result.status["outcome"] == "rate_limited" and "max_behot_time=5" in result.status["error"]


def test_toutiao_status_page_rate_limited():
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler("", {}, page_status=429))
    assert (result.status["status"], result.status["outcome"]) == ("unknown", "rate_limited")


def test_toutiao_evidence_kept():
    pages = {0: ([article("a", ts(2024, 9, 1))], None)}
    result = run(ToutiaoConnector(TT), TT_ACCOUNT, toutiao_handler(TT_ACTIVE, pages))
    assert "甘孜发布的主页" in load_evidence(result.status["raw_sha256"]).decode()
    assert json.loads(load_evidence(result.posts[0]["raw_sha256"]))["data"][0]["item_id"] == "a"


# --- Douyin ----------------------------------------------------------------------------------------------------

DY = PlatformEndpoint("douyin", "http://dy.test", cookie="ttwid=1")
DY_ACCOUNT = {"account_id": "dy-1", "platform": "抖音短视频", "connector": "douyin", "platform_id": "MS4wLjABAAAA_dy",
              "account_name": "甘孜文旅"}


def dy_user(**extra) -> dict:
    return {"status_code": 0, "user": {"nickname": "甘孜文旅", "sec_uid": "MS4wLjABAAAA_dy", "aweme_count": 3,
                                       "enterprise_verify_reason": "甘孜藏族自治州文化广播电视和旅游局",
                                       "user_canceled": False, **extra}}


def aweme(aweme_id: str, when: int, top: int = 0) -> dict:
    return {"aweme_id": aweme_id, "desc": f"视频{aweme_id}", "create_time": when, "is_top": top}


def douyin_handler(profile, pages: dict[int, tuple[list[dict], int | None]], *, seen: list | None = None,
                   posts=None):
    """``pages``: max_cursor asked -> (awemes, next max_cursor or None for the last page)."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers.get("cookie") == "ttwid=1"
        q = request.url.params
        assert q["sec_user_id"] == "MS4wLjABAAAA_dy"
        if request.url.path == "/aweme/v1/web/user/profile/other/":
            return profile if isinstance(profile, httpx.Response) else httpx.Response(200, json=profile)
        assert request.url.path == "/aweme/v1/web/aweme/post/" and q["count"] == "18"
        cursor = int(q["max_cursor"])
        if seen is not None:
            seen.append(cursor)
        if posts is not None:
            return posts(cursor)
        items, nxt = pages[cursor]
        return httpx.Response(200, json={"status_code": 0, "aweme_list": items, "has_more": int(nxt is not None),
                                         "max_cursor": nxt or 0})

    return handler


def test_douyin_active_paged_pinned_and_window():
    seen: list[int] = []
    c1, c2 = ts(2024, 8, 1) * 1000, ts(2024, 5, 1) * 1000  # cursors in milliseconds
    pages = {
        0: ([aweme("top", ts(2023, 1, 1), top=1), aweme("a", ts(2024, 9, 9, 23, 30)), aweme("b", ts(2024, 8, 1))],
            c1),
        c1: ([aweme("c", ts(2024, 7, 1)), aweme("old", ts(2024, 5, 1))], c2),
        c2: ([aweme("never", ts(2024, 1, 1))], None),
    }
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(dy_user(), pages, seen=seen))
    s = result.status
    assert (s["status"], s["outcome"], s["display_name"], s["verified"]) == ("active", "ok", "甘孜文旅", True)
    assert seen == [0, c1]
    got = {p["post_id"]: p for p in result.posts}
    assert set(got) == {"a", "b", "c"}
    assert got["a"]["published_on"] == date(2024, 9, 9)
    assert got["a"]["url"] == "https://www.douyin.com/video/a" and got["a"]["title"] == "视频a"


def test_douyin_pinned_in_window_flagged_and_unverified():
    pages = {0: ([aweme("top", ts(2024, 9, 1), top=1), aweme("n", ts(2024, 8, 1))], None)}
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(dy_user(enterprise_verify_reason=""), pages))
    assert {p["post_id"]: p["pinned"] for p in result.posts} == {"top": True, "n": False}
    assert result.status["verified"] is False


def test_douyin_closed_with_empty_list():
    seen: list[int] = []
    profile = dy_user(nickname="账号已注销", user_canceled=True, aweme_count=0, enterprise_verify_reason="")
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(profile, {0: ([], None)}, seen=seen))
    s = result.status
    assert (s["status"], s["outcome"], s["error"], s["display_name"]) == ("closed", "ok", None, None)
    assert seen == [0] and result.posts == []  # the posts were asked for, and none is fine


def test_douyin_closed_with_history():
    profile = dy_user(nickname="账号已注销", user_canceled=True)
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(profile, {0: ([aweme("a", ts(2024, 7, 1))], None)}))
    assert result.status["status"] == "closed" and [p["post_id"] for p in result.posts] == ["a"]


@pytest.mark.parametrize(
    ("profile", "status", "outcome", "error"),
    [(dy_user(special_state_info={"title": "账号已被封禁", "content": "该账号因违反社区规定已被封禁"}), "blocked", "ok",
      "账号已被封禁"),
     ({"status_code": 2053, "status_msg": "用户不存在"}, "not_found", "ok", "用户不存在"),
     ({"status_code": 8, "status_msg": "参数不合法"}, "unknown", "error", "status_code=8 参数不合法"),
     (httpx.Response(200, text="<html>验证</html>"), "unknown", "error", "answer is not JSON"),
     (httpx.Response(429, text="slow down"), "unknown", "rate_limited", "HTTP 429")],
)
def test_douyin_account_states_without_posts(profile, status, outcome, error):
    seen: list[int] = []
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(profile, {}, seen=seen))
    s = result.status
    assert (s["status"], s["outcome"]) == (status, outcome) and error in s["error"]
    assert seen == [] and result.posts == []


@pytest.mark.parametrize(
    ("answer", "outcome", "error"),
    [(httpx.Response(200, json={"status_code": 5, "status_msg": "签名错误"}), "error", "status_code=5 签名错误"),
     (httpx.Response(200, text="{not json"), "error", "answer is not JSON"),
     (httpx.Response(200, json={"status_code": 0, "aweme_list": [{"aweme_id": "x", "create_time": "x"}]}), "error",
      "answer not understood"),
     (httpx.Response(429), "rate_limited", "HTTP 429")],
)
def test_douyin_post_failures_are_recorded_not_raised(answer, outcome, error):
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(dy_user(), {}, posts=lambda cursor: answer))
    s = result.status
    assert (s["status"], s["outcome"]) == ("active", outcome)
    assert s["error"].startswith("aweme/post max_cursor=0: ") and error in s["error"]


def test_douyin_evidence_kept():
    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(dy_user(), {0: ([aweme("a", ts(2024, 9, 1))], None)}))
    assert json.loads(load_evidence(result.status["raw_sha256"]))["user"]["nickname"] == "甘孜文旅"
    assert json.loads(load_evidence(result.posts[0]["raw_sha256"]))["aweme_list"][0]["aweme_id"] == "a"


def test_page_cap_is_noted():
    # an account that posts more than MAX_PAGES pages inside the window: collection stops and says so
    def posts(cursor):
        n = cursor or 10_000
        return httpx.Response(200, json={"status_code": 0, "aweme_list": [aweme(str(n), ts(2024, 9, 1))],
                                         "has_more": 1, "max_cursor": n - 1})

    result = run(DouyinConnector(DY), DY_ACCOUNT, douyin_handler(dy_user(), {}, posts=posts))
    from govinspect.platforms.douyin import MAX_PAGES

    assert len(result.posts) == MAX_PAGES and result.status["outcome"] == "ok"
    assert "posts may be incomplete" in result.status["error"]

"""Weibo and WeChat connectors against recorded answers of the real endpoint shapes (no network)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest

from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.platforms.base import PlatformEndpoint
from govinspect.platforms.registry import MissingEndpoint, endpoint_from_env
from govinspect.platforms.wechat import WechatConnector
from govinspect.platforms.weibo import WeiboConnector

CST = timezone(timedelta(hours=8))
UNTIL = date(2024, 9, 10)
SINCE = UNTIL - timedelta(days=100)


@pytest.fixture(autouse=True)
def _evidence_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))


def _weibo_time(d: datetime) -> str:
    return d.strftime("%a %b %d %H:%M:%S +0800 %Y")


def run(connector, account, handler):
    async def go():
        async with Fetcher(FetchPolicy(total_timeout=5), transport=httpx.MockTransport(handler)) as f:
            return await connector.collect(account, SINCE, UNTIL, f)

    return asyncio.run(go())


WB_ACCOUNT = {"account_id": "wb-1", "platform": "新浪微博", "connector": "weibo", "platform_id": "1001",
              "account_name": "微甘孜"}


def weibo_handler(posts_by_page: dict[int, list[dict]], profile: dict | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        assert request.url.path == "/api/container/getIndex" and q["type"] == "uid" and q["value"] == "1001"
        if "containerid" not in q:
            return httpx.Response(200, json=profile or {"ok": 1, "data": {
                "userInfo": {"id": 1001, "screen_name": "微甘孜", "verified": True},
                "tabsInfo": {"tabs": [{"tab_type": "profile"}, {"tab_type": "weibo", "containerid": "1076031001"}]}}})
        assert q["containerid"] == "1076031001"
        page = int(q["page"])
        cards = posts_by_page.get(page)
        if not cards:
            return httpx.Response(200, json={"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        nxt = page + 1 if page + 1 in posts_by_page else None
        return httpx.Response(200, json={"ok": 1, "data": {"cardlistInfo": {"page": nxt}, "cards": cards}})

    return handler


def card(mid: str, when: datetime, **extra) -> dict:
    return {"card_type": 9, "mblog": {"id": mid, "created_at": _weibo_time(when), "text": f"post {mid}", **extra}}


def test_weibo_active_pinned_repost_and_pagination():
    pages = {
        1: [card("p0", datetime(2023, 1, 1, 9, tzinfo=CST), isTop=1),
            card("a", datetime(2024, 9, 9, 23, 30, tzinfo=CST)),
            card("b", datetime(2024, 8, 1, 10, tzinfo=CST), retweeted_status={"id": "x"})],
        2: [card("c", datetime(2024, 7, 1, 10, tzinfo=CST)), card("old", datetime(2024, 4, 1, 10, tzinfo=CST))],
        3: [card("never", datetime(2024, 1, 1, tzinfo=CST))],  # older than the window: not fetched
    }
    result = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT, weibo_handler(pages))
    assert result.status["status"] == "active" and result.status["verified"] is True
    got = {p["post_id"]: p for p in result.posts}
    assert set(got) == {"a", "b", "c"}  # pinned 2023 post and out-of-window posts excluded
    assert got["a"]["published_on"] == date(2024, 9, 9)  # Beijing day, although 15:30 UTC
    assert got["b"]["is_repost"] and not got["a"]["is_repost"]
    assert result.status["raw_sha256"]


def test_weibo_pinned_post_inside_window_is_kept_and_flagged():
    pages = {1: [card("top", datetime(2024, 9, 1, tzinfo=CST), isTop=1), card("n", datetime(2024, 8, 1, tzinfo=CST))]}
    result = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT, weibo_handler(pages))
    assert {p["post_id"]: p["pinned"] for p in result.posts} == {"top": True, "n": False}


@pytest.mark.parametrize(
    ("answer", "status"),
    [({"ok": 0, "errno": "20003", "msg": "该账号已注销"}, "closed"),
     ({"ok": 0, "errno": "20003", "msg": "用户不存在"}, "not_found"),
     ({"ok": 0, "msg": "该账号因被投诉违反法律法规已被冻结"}, "blocked"),
     ({"ok": 0, "msg": "something else"}, "unknown")],
)
def test_weibo_account_states(answer, status):
    result = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT, weibo_handler({}, answer))
    assert result.status["status"] == status and result.status["outcome"] == "ok" and result.posts == []


def test_weibo_malformed_json_and_rate_limit_are_outcomes_not_crashes():
    r1 = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT,
             lambda req: httpx.Response(200, text="<html>login</html>"))
    assert (r1.status["status"], r1.status["outcome"]) == ("unknown", "error")
    r2 = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT,
             lambda req: httpx.Response(429, text="slow down"))
    assert r2.status["outcome"] == "rate_limited"


WX_ACCOUNT = {"account_id": "wx-1", "platform": "微信订阅号", "connector": "wechat",
              "platform_id": "MzA5NTQ2MDIxNg==", "account_name": "道孚公安"}


def wechat_handler(profile_html: str, messages: list[int], ret: int = 0):
    def handler(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        if request.url.path == "/mp/profile_ext":
            assert q["__biz"] == "MzA5NTQ2MDIxNg=="
            return httpx.Response(200, html=profile_html)
        assert request.url.path == "/cgi-bin/appmsg" and q["action"] == "list_ex" and q["type"] == "9"
        if q.get("token") != "T0K":
            return httpx.Response(200, json={"base_resp": {"ret": 200003, "err_msg": "invalid session"}})
        if ret:
            return httpx.Response(200, json={"base_resp": {"ret": ret, "err_msg": "freq control"}})
        begin, count = int(q["begin"]), int(q["count"])
        page = messages[begin:begin + count]
        return httpx.Response(200, json={"base_resp": {"ret": 0, "err_msg": "ok"}, "app_msg_cnt": len(messages),
                                         "app_msg_list": [{"aid": f"{t}_1", "appmsgid": t, "itemidx": 1, "title": f"t{t}",
                                                           "link": "https://mp.weixin.qq.com/s?__biz=x", "create_time": t,
                                                           "update_time": t} for t in page]})

    return handler


def _ts(y, m, d):
    return int(datetime(y, m, d, 12, tzinfo=CST).timestamp())


def test_wechat_posts_paged_newest_first():
    msgs = [_ts(2024, 9, 8 - i) for i in range(7)] + [_ts(2024, 5, 1), _ts(2024, 1, 1)]
    conn = WechatConnector(PlatformEndpoint("wechat", "http://wx.test", token="T0K"))
    result = run(conn, WX_ACCOUNT, wechat_handler("<html><title>道孚公安</title></html>", msgs))
    assert result.status["status"] == "active" and result.status["outcome"] == "ok"
    assert len(result.posts) == 7 and max(p["published_on"] for p in result.posts) == date(2024, 9, 8)


@pytest.mark.parametrize(("html", "status"), [("<p>该帐号已注销</p>", "closed"), ("<p>该公众号不存在</p>", "not_found"),
                                              ("<p>此帐号已被屏蔽, 内容无法查看</p>", "blocked")])
def test_wechat_profile_states(html, status):
    conn = WechatConnector(PlatformEndpoint("wechat", "http://wx.test", token="T0K"))
    assert run(conn, WX_ACCOUNT, wechat_handler(html, [])).status["status"] == status


def test_wechat_expired_token_and_rate_limit_are_recorded(monkeypatch):
    # no real waits (5, 20, 60 s) in a test: only the recorded outcome matters here (retries: test_connectors_limits)
    monkeypatch.setattr("govinspect.platforms.base.RATE_LIMIT_WAITS", (0.0, 0.0, 0.0))
    expired = run(WechatConnector(PlatformEndpoint("wechat", "http://wx.test", token="OLD")), WX_ACCOUNT,
                  wechat_handler("<html>道孚公安</html>", [_ts(2024, 9, 1)]))
    assert expired.status["outcome"] == "error" and "invalid session" in expired.status["error"]
    limited = run(WechatConnector(PlatformEndpoint("wechat", "http://wx.test", token="T0K")), WX_ACCOUNT,
                  wechat_handler("<html>道孚公安</html>", [_ts(2024, 9, 1)], ret=200013))
    assert limited.status["outcome"] == "rate_limited"


def test_wechat_without_token_is_not_collected_never_no_posts():
    result = run(WechatConnector(PlatformEndpoint("wechat", "http://wx.test")), WX_ACCOUNT,
                 wechat_handler("<html>道孚公安</html>", [_ts(2024, 9, 1)]))
    assert result.status["outcome"] == "not_collected" and "token" in result.status["error"]


def test_endpoint_from_env():
    ep = endpoint_from_env("wechat", {"GOVINSPECT_WECHAT_URL": "http://127.0.0.1:9", "GOVINSPECT_WECHAT_TOKEN": "t"})
    assert (ep.base_url, ep.token, ep.cookie) == ("http://127.0.0.1:9", "t", None)
    with pytest.raises(MissingEndpoint, match="govinspect_weibo"):
        endpoint_from_env("weibo", {})


def test_raw_answers_kept_as_evidence(tmp_path):
    from govinspect.landing import load_evidence

    pages = {1: [card("a", datetime(2024, 9, 9, tzinfo=CST))]}
    result = run(WeiboConnector(PlatformEndpoint("weibo", "http://wb.test")), WB_ACCOUNT, weibo_handler(pages))
    raw = json.loads(load_evidence(result.posts[0]["raw_sha256"]))
    assert raw["data"]["cards"][0]["mblog"]["id"] == "a"

"""Weibo (m.weibo.cn container API).

``GET /api/container/getIndex?type=uid&value=<uid>`` → profile (``data.userInfo``, ``data.tabsInfo.tabs``);
with ``&containerid=107603<uid>&page=N`` (from 1, 10 cards a page) → ``data.cards[].mblog``, pinned posts
(``isTop: 1``) first on page 1, ``data.cardlistInfo.page`` = next page or null. Past the end:
``{"ok":0,"msg":"这里还没有内容","data":{"cards":[]}}``. Closed account: ``{"ok":0,"errno":"20003",
"msg":"该账号已注销"}``; unknown or not found: same with ``"msg":"用户不存在"``. Always HTTP 200.

Search (finding a unit's accounts by name, filed or not):
``GET /api/container/getIndex?containerid=100103type%3D3%26q%3D<name>&page_type=searchall`` →
``{"ok":1,"data":{"cards":[{"card_type":11,"card_group":[{"card_type":10,"user":{"id","screen_name",
"verified","verified_type"}}]}]}}``: active accounts whose screen name contains the keyword or whose unit it is (extra,
unfiled accounts included), up to 20; no hit → ``{"ok":1,"data":{"cards":[]}}``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs

from govinspect.sandbox.content import AccountContent, PostContent, stable_int
from govinspect.sandbox.platforms.base import PlatformEmulator, int_arg, json_response, search_hits
from govinspect.sandbox.server import Request, Response

PER_PAGE = 10
WEIBO_TAB = "107603"
SEARCH_CONTAINER = "100103"
SEARCH_LIMIT = 20
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ORIGINAL_AUTHORS = ((2492465520, "四川发布"), (2656274875, "央视新闻"), (1974576991, "环球时报"))


def created_at(dt: datetime) -> str:
    """Weibo's format, independent of the process locale: ``Tue Sep 10 12:00:00 +0800 2024``."""
    off = dt.strftime("%z")
    return f"{_DAYS[dt.weekday()]} {_MONTHS[dt.month - 1]} {dt:%d %H:%M:%S} {off} {dt.year}"


def mid(post: PostContent) -> str:
    return str(4_000_000_000_000_000 + post.post_id)


class WeiboEmulator(PlatformEmulator):
    connector = "weibo"
    server_header = "openresty"

    def __call__(self, request: Request) -> Response:
        if request.path != "/api/container/getIndex":
            return json_response({"ok": 0, "msg": "请求的页面不存在"}, 404)
        if (request.arg("containerid") or "").startswith(SEARCH_CONTAINER):
            return json_response(self.search(request.arg("containerid") or ""))
        uid = request.arg("value") if request.arg("type") == "uid" else None
        if not uid:
            return json_response({"ok": 0, "msg": "参数错误"})
        acc = self.accounts.get(uid)
        if acc is None or acc.account.status == "not_found":
            return json_response({"ok": 0, "errno": "20003", "msg": "用户不存在"})
        if acc.account.status == "closed":
            return json_response({"ok": 0, "errno": "20003", "msg": "该账号已注销"})
        containerid = request.arg("containerid")
        if containerid is None:
            return json_response(self.profile(acc))
        if containerid != f"{WEIBO_TAB}{uid}":
            return json_response({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        return json_response(self.posts(acc, int_arg(request, "page", 1)))

    def user(self, acc: AccountContent) -> dict:
        return {"id": int(acc.account.platform_id), "screen_name": acc.account.account_name}

    def profile(self, acc: AccountContent) -> dict:
        a = acc.account
        uid = a.platform_id
        info = self.user(acc) | {
            "verified": a.verified,
            "verified_type": 7 if a.verified else -1,
            "statuses_count": len(acc.visible(self.now())),
            "description": f"{a.unit}官方微博",
            "followers_count": 1000 + stable_int(uid) % 200000,
            "follow_count": 50 + stable_int(uid, "f") % 300,
        }
        if a.verified:
            info["verified_reason"] = a.unit
        tabs = [
            {"id": 1, "tabKey": "profile", "tab_type": "profile", "title": "主页", "containerid": f"230283{uid}"},
            {"id": 2, "tabKey": "weibo", "tab_type": "weibo", "title": "微博", "containerid": f"{WEIBO_TAB}{uid}"},
        ]
        return {"ok": 1, "data": {"userInfo": info, "tabsInfo": {"selectedTab": 1, "tabs": tabs}}}

    def mblog(self, acc: AccountContent, post: PostContent) -> dict:
        blog = {
            "id": mid(post),
            "mid": mid(post),
            "created_at": created_at(post.published),
            "text": "转发微博" if post.repost else post.text,
            "source": "微博 weibo.com",
            "user": self.user(acc),
            "reposts_count": stable_int(post.post_id, "r") % 50,
            "comments_count": stable_int(post.post_id, "c") % 30,
            "attitudes_count": stable_int(post.post_id, "a") % 200,
        }
        if post.pinned:
            blog["isTop"] = 1
        if post.repost:
            author_id, author = _ORIGINAL_AUTHORS[stable_int(post.post_id) % len(_ORIGINAL_AUTHORS)]
            original = post.published - timedelta(hours=1 + stable_int(post.post_id, "h") % 20)
            blog["retweeted_status"] = {
                "id": str(int(mid(post)) - 7919),
                "mid": str(int(mid(post)) - 7919),
                "created_at": created_at(original),
                "text": post.text,
                "user": {"id": author_id, "screen_name": author},
            }
        return blog

    def posts(self, acc: AccountContent, page: int) -> dict:
        items = acc.visible(self.now())
        chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE] if page >= 1 else []
        if not chunk:
            return {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
        more = page * PER_PAGE < len(items)
        cards = [
            {"card_type": 9, "itemid": f"{WEIBO_TAB}{acc.account.platform_id}_-_{mid(p)}",
             "mblog": self.mblog(acc, p)}
            for p in chunk
        ]
        info = {"containerid": f"{WEIBO_TAB}{acc.account.platform_id}", "page": page + 1 if more else None,
                "total": len(items)}
        return {"ok": 1, "data": {"cardlistInfo": info, "cards": cards}}

    def search(self, containerid: str) -> dict:
        params = parse_qs(containerid[len(SEARCH_CONTAINER):])
        keyword = params.get("q", [""])[0] if params.get("type", [""])[0] == "3" else ""
        hits = search_hits(self.accounts, keyword)[:SEARCH_LIMIT]
        if not hits:
            return {"ok": 1, "data": {"cards": []}}
        group = [
            {"card_type": 10, "user": self.user(acc) | {
                "verified": acc.account.verified, "verified_type": 7 if acc.account.verified else -1,
                "description": f"{acc.account.unit}官方微博"}}
            for acc in hits
        ]
        return {"ok": 1, "data": {"cards": [{"card_type": 11, "card_group": group}]}}

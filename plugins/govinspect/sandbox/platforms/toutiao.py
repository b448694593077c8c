"""Toutiao (www.toutiao.com): an account is its user token (``MS4wLjABAAAA…``, the scenario's platform_id).

- ``GET /c/user/token/<token>/`` → HTML. Active: HTTP 200, ``<title>{name}的主页 - 今日头条(www.toutiao.com)</title>``
  and the name in the page (plus ``认证：{unit}`` when verified); closed: HTTP 200 page containing
  ``该账号已注销``; blocked: HTTP 200 page containing ``该账号已被封禁``; unknown or not found: HTTP 404 page
  containing ``页面不存在``.
- ``GET /api/pc/list/feed?category=profile_all&token=<token>&max_behot_time=<unix s, 0 = newest>&aid=24`` →
  ``{"message":"success","data":[{"item_id","group_id","title","publish_time","behot_time","article_url",
  "is_stick":true (pinned only)}],"has_more":bool,"next":{"max_behot_time":<behot_time of the last item>}}``:
  10 items a page, newest first; pinned items on top of the first page only (``max_behot_time=0``) and
  never in the later pages, which hold the non-pinned items with ``behot_time < max_behot_time``.
  A **closed** account still serves its history here (Toutiao keeps published articles after 注销);
  an unknown, not-found or blocked token → ``{"message":"error","data":[],"has_more":false}``.
- ``GET /api/search/content/?keyword=<name>&pd=user&offset=0`` → ``{"message":"success","data":[{"user_id",
  "name","token","verified_content"}],"has_more":bool,"offset":<next>}`` (10 a page): active accounts
  whose name contains the keyword (or whose unit it is), extra (unfiled) accounts included.
- Rate limits (scenario ``rate_limits.toutiao`` / account ``rate_limit``): HTTP 429, ``Retry-After: 2``.
"""

from __future__ import annotations

from html import escape

from govinspect.sandbox.content import AccountContent, PostContent, stable_int
from govinspect.sandbox.platforms.base import (
    PlatformEmulator,
    feed_stamps,
    html_response,
    int_arg,
    json_response,
    search_hits,
    too_many_requests,
)
from govinspect.sandbox.server import Request, Response

PER_PAGE = 10
SEARCH_PAGE = 10
PROFILE_PREFIX = "/c/user/token/"
FEED_ERROR = {"message": "error", "data": [], "has_more": False}
ITEM_ID_BASE = 7_400_000_000_000_000_000


def user_id(acc: AccountContent) -> int:
    """The numeric user id shown next to the token (derived, stable)."""
    return 50_000_000_000 + stable_int("toutiao-uid", acc.account.platform_id) % 4_000_000_000_000


def item_id(acc: AccountContent, post: PostContent) -> str:
    return str(ITEM_ID_BASE + post.post_id * 1000 + stable_int(acc.account.platform_id, post.post_id) % 1000)


def _page(title: str, body: str, status: int = 200) -> Response:
    return html_response(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div id="root">{body}</div></body></html>', status)


class ToutiaoEmulator(PlatformEmulator):
    connector = "toutiao"
    server_header = "Tengine"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamps = {token: feed_stamps(list(acc.posts)) for token, acc in self.accounts.items()}

    def __call__(self, request: Request) -> Response:
        if request.path.startswith(PROFILE_PREFIX):
            token = request.path[len(PROFILE_PREFIX):].strip("/")
            if self.throttled(token):
                return too_many_requests({"message": "error", "reason": "请求过于频繁，请稍后再试"})
            return self.profile(token)
        if request.path == "/api/pc/list/feed":
            token = request.arg("token") or ""
            if self.throttled(token):
                return too_many_requests({"message": "error", "reason": "请求过于频繁，请稍后再试"})
            return self.feed(request, token)
        if request.path == "/api/search/content/":
            if self.throttled(None):
                return too_many_requests({"message": "error", "reason": "请求过于频繁，请稍后再试"})
            return self.search(request)
        return _page("404 - 今日头条", "<h1>页面不存在</h1>", 404)

    def profile(self, token: str) -> Response:
        acc = self.accounts.get(token)
        if acc is None or acc.account.status == "not_found":
            return _page("404 - 今日头条", '<div class="error-page"><h1>页面不存在</h1>'
                         "<p>你访问的页面不存在或已被删除</p></div>", 404)
        a = acc.account
        if a.status == "closed":
            return _page("今日头条", '<div class="user-status"><p class="tip">该账号已注销</p></div>')
        if a.status == "blocked":
            return _page("今日头条", '<div class="user-status"><p class="tip">该账号已被封禁</p></div>')
        name = escape(a.account_name)
        verify = (f'<div class="user-verify"><span class="verify-icon"></span>认证：{escape(a.unit)}官方账号</div>'
                  if a.verified else "")
        count = len(acc.visible(self.now()))
        return _page(
            f"{name}的主页 - 今日头条(www.toutiao.com)",
            f'<div class="profile-info"><h1 class="name">{name}</h1>{verify}'
            f'<p class="desc">{escape(a.unit)}</p><ul class="stats"><li>{count}<span>作品</span></li></ul>'
            f'<script>window.__USER__ = {{"user_id": "{user_id(acc)}", "token": "{escape(token)}"}};</script>'
            "</div>",
        )

    def item(self, acc: AccountContent, post: PostContent) -> dict:
        stamp = self.stamps[acc.account.platform_id][post.post_id]
        iid = item_id(acc, post)
        row = {
            "item_id": iid,
            "group_id": iid,
            "title": post.text,
            "abstract": post.text[:60],
            "publish_time": stamp,
            "behot_time": stamp,
            "article_url": f"https://www.toutiao.com/article/{iid}/",
            "source": acc.account.account_name,
            "comment_count": stable_int(post.post_id, "c") % 40,
            "read_count": 100 + stable_int(post.post_id, "r") % 20000,
        }
        if post.pinned:
            row["is_stick"] = True
        return row

    def feed(self, request: Request, token: str) -> Response:
        acc = self.accounts.get(token)
        if (request.arg("category") != "profile_all" or acc is None
                or acc.account.status in ("not_found", "blocked")):
            return json_response(FEED_ERROR)
        # closed accounts fall through: Toutiao keeps the articles published before 注销
        stamps = self.stamps[token]
        cursor = int_arg(request, "max_behot_time", 0)
        visible = acc.visible(self.now())
        stream = sorted((p for p in visible if not p.pinned), key=lambda p: stamps[p.post_id], reverse=True)
        if cursor > 0:
            stream = [p for p in stream if stamps[p.post_id] < cursor]
            page = stream[:PER_PAGE]
        else:
            pinned = [p for p in visible if p.pinned]
            page = pinned + stream[:max(PER_PAGE - len(pinned), 0)]
        shown_stream = [p for p in page if not p.pinned]
        has_more = len(shown_stream) < len(stream)
        last = shown_stream[-1] if shown_stream else (page[-1] if page else None)
        payload = {
            "message": "success",
            "data": [self.item(acc, p) for p in page],
            "has_more": has_more,
            "next": {"max_behot_time": stamps[last.post_id] if last else 0},
        }
        return json_response(payload)

    def search(self, request: Request) -> Response:
        if request.arg("pd") != "user":
            return json_response({"message": "success", "data": [], "has_more": False, "offset": 0})
        offset = max(int_arg(request, "offset", 0), 0)
        hits = search_hits(self.accounts, request.arg("keyword"))
        rows = [
            {
                "user_id": str(user_id(acc)),
                "name": acc.account.account_name,
                "token": acc.account.platform_id,
                "verified_content": f"{acc.account.unit}官方账号" if acc.account.verified else "",
                "description": acc.account.unit,
            }
            for acc in hits[offset:offset + SEARCH_PAGE]
        ]
        more = offset + SEARCH_PAGE < len(hits)
        return json_response({"message": "success", "data": rows, "has_more": more,
                              "offset": offset + len(rows)})

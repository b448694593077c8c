"""Douyin (www.douyin.com web API): an account is its ``sec_user_id`` (``MS4wLjABAAAA…``, the platform_id).

- ``GET /aweme/v1/web/user/profile/other/?sec_user_id=<sec>`` → HTTP 200 JSON. Active:
  ``{"status_code":0,"user":{"nickname","sec_uid","uid","unique_id","aweme_count":N,
  "enterprise_verify_reason":"<unit>" (verified) or "","user_canceled":false}}``; closed:
  ``{"status_code":0,"user":{"nickname":"账号已注销","sec_uid","user_canceled":true,"aweme_count":0}}``;
  blocked: ``{"status_code":0,"user":{…,"special_state_info":{"title":"该账号已被封禁"}}}``; unknown or
  not found: ``{"status_code":2053,"status_msg":"用户不存在"}``.
- ``GET /aweme/v1/web/aweme/post/?sec_user_id=<sec>&max_cursor=<ms, 0 = newest>&count=18`` →
  ``{"status_code":0,"aweme_list":[{"aweme_id","desc","create_time","is_top":1|0}],"has_more":1|0,
  "max_cursor":<create_time*1000 of the last item>}``: newest first, pinned (``is_top: 1``) on top of the
  first page only; later pages hold the non-pinned items with ``create_time*1000 < max_cursor``
  (``count`` 1–35, default 18). Closed, blocked, unknown: ``{"status_code":0,"aweme_list":[],"has_more":0,
  "max_cursor":0}`` (Douyin hides a closed account's videos).
- ``GET /aweme/v1/web/discover/search/?keyword=<name>&search_channel=aweme_user_web&offset=0&count=10`` →
  ``{"status_code":0,"user_list":[{"user_info":{"nickname","sec_uid","uid","enterprise_verify_reason"}}],
  "has_more":1|0,"cursor":<next offset>}``: active accounts whose nickname contains the keyword (or whose
  unit it is), extra (unfiled) accounts included.
- Rate limits (scenario ``rate_limits.douyin`` / account ``rate_limit``): HTTP 429, ``Retry-After: 2``.
"""

from __future__ import annotations

from govinspect.sandbox.content import AccountContent, PostContent, stable_int
from govinspect.sandbox.platforms.base import (
    PlatformEmulator,
    feed_stamps,
    int_arg,
    json_response,
    search_hits,
    too_many_requests,
)
from govinspect.sandbox.server import Request, Response

DEFAULT_COUNT = 18
MAX_COUNT = 35
SEARCH_COUNT = 10
NOT_FOUND = {"status_code": 2053, "status_msg": "用户不存在"}
EMPTY_POSTS = {"status_code": 0, "aweme_list": [], "has_more": 0, "max_cursor": 0}
THROTTLED = {"status_code": 429, "status_msg": "请求过于频繁，请稍后再试"}
AWEME_ID_BASE = 7_300_000_000_000_000_000


def uid(acc: AccountContent) -> str:
    return str(60_000_000_000 + stable_int("douyin-uid", acc.account.platform_id) % 3_000_000_000_000)


def aweme_id(acc: AccountContent, post: PostContent) -> str:
    return str(AWEME_ID_BASE + post.post_id * 1000 + stable_int(acc.account.platform_id, post.post_id) % 1000)


class DouyinEmulator(PlatformEmulator):
    connector = "douyin"
    server_header = "Tengine"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamps = {sec: feed_stamps(list(acc.posts)) for sec, acc in self.accounts.items()}

    def __call__(self, request: Request) -> Response:
        routes = {
            "/aweme/v1/web/user/profile/other/": self.profile,
            "/aweme/v1/web/aweme/post/": self.posts,
            "/aweme/v1/web/discover/search/": self.search,
        }
        handler = routes.get(request.path)
        if handler is None:
            return json_response({"status_code": 404, "status_msg": "not found"}, 404)
        about = None if handler == self.search else request.arg("sec_user_id")
        if self.throttled(about):
            return too_many_requests(THROTTLED)
        return handler(request)

    def user(self, acc: AccountContent, count: int) -> dict:
        a = acc.account
        return {
            "nickname": a.account_name,
            "sec_uid": a.platform_id,
            "uid": uid(acc),
            "unique_id": a.platform_alt_id or "",
            "signature": f"{a.unit}官方抖音号",
            "aweme_count": count,
            "follower_count": 500 + stable_int(a.platform_id, "fans") % 90000,
            "enterprise_verify_reason": a.unit if a.verified else "",
            "user_canceled": False,
        }

    def profile(self, request: Request) -> Response:
        acc = self.accounts.get(request.arg("sec_user_id") or "")
        if acc is None or acc.account.status == "not_found":
            return json_response(NOT_FOUND)
        a = acc.account
        if a.status == "closed":
            return json_response({"status_code": 0, "user": {
                "nickname": "账号已注销", "sec_uid": a.platform_id, "uid": uid(acc), "user_canceled": True,
                "aweme_count": 0, "enterprise_verify_reason": "", "signature": ""}})
        if a.status == "blocked":
            user = self.user(acc, 0) | {"special_state_info": {
                "title": "该账号已被封禁", "content": "因违反《抖音用户服务协议》和社区自律公约，该账号已被封禁"}}
            return json_response({"status_code": 0, "user": user})
        return json_response({"status_code": 0, "user": self.user(acc, len(acc.visible(self.now())))})

    def aweme(self, acc: AccountContent, post: PostContent) -> dict:
        return {
            "aweme_id": aweme_id(acc, post),
            "desc": post.text,
            "create_time": self.stamps[acc.account.platform_id][post.post_id],
            "is_top": 1 if post.pinned else 0,
            "author": {"nickname": acc.account.account_name, "sec_uid": acc.account.platform_id},
            "statistics": {"digg_count": stable_int(post.post_id, "d") % 3000,
                           "comment_count": stable_int(post.post_id, "c") % 200},
        }

    def posts(self, request: Request) -> Response:
        sec = request.arg("sec_user_id") or ""
        acc = self.accounts.get(sec)
        if acc is None or acc.account.status != "active":
            return json_response(EMPTY_POSTS)
        count = int_arg(request, "count", DEFAULT_COUNT)
        count = min(max(count, 1), MAX_COUNT)
        cursor = int_arg(request, "max_cursor", 0)
        stamps = self.stamps[sec]
        visible = acc.visible(self.now())
        stream = sorted((p for p in visible if not p.pinned), key=lambda p: stamps[p.post_id], reverse=True)
        if cursor > 0:
            stream = [p for p in stream if stamps[p.post_id] * 1000 < cursor]
            page = stream[:count]
        else:
            pinned = [p for p in visible if p.pinned]
            page = pinned + stream[:max(count - len(pinned), 0)]
        shown_stream = [p for p in page if not p.pinned]
        last = shown_stream[-1] if shown_stream else (page[-1] if page else None)
        return json_response({
            "status_code": 0,
            "aweme_list": [self.aweme(acc, p) for p in page],
            "has_more": 1 if len(shown_stream) < len(stream) else 0,
            "max_cursor": stamps[last.post_id] * 1000 if last else 0,
        })

    def search(self, request: Request) -> Response:
        offset = max(int_arg(request, "offset", 0), 0)
        count = min(max(int_arg(request, "count", SEARCH_COUNT), 1), MAX_COUNT)
        hits = search_hits(self.accounts, request.arg("keyword"))
        if request.arg("search_channel") != "aweme_user_web":
            hits = []
        rows = [
            {"user_info": {
                "nickname": acc.account.account_name,
                "sec_uid": acc.account.platform_id,
                "uid": uid(acc),
                "unique_id": acc.account.platform_alt_id or "",
                "enterprise_verify_reason": acc.account.unit if acc.account.verified else "",
            }}
            for acc in hits[offset:offset + count]
        ]
        return json_response({"status_code": 0, "user_list": rows,
                              "has_more": 1 if offset + count < len(hits) else 0,
                              "cursor": offset + len(rows)})

"""Douyin (抖音) through the web API: ``/aweme/v1/web/user/profile/other/`` and ``/aweme/v1/web/aweme/post/``.

The account's ``platform_id`` is its ``sec_user_id``. Posts are collected for closed accounts too (the list
is usually empty). In real use both calls need signing and cookies; the cookie comes from the endpoint
configuration.
"""

from __future__ import annotations

import logging
from datetime import date

from govinspect.collect.http import Fetcher, FetchResult
from govinspect.platforms.base import (
    AccountResult,
    EndpointConnector,
    Item,
    Page,
    PageFailure,
    collect_pages,
    from_unix,
    parse_json,
    status_row,
)

log = logging.getLogger(__name__)

MAX_PAGES = 60
PAGE_SIZE = 18
STATUS_OK, STATUS_NO_USER = 0, 2053
COLLECT_POSTS = ("active", "closed")


def status_from_profile(data: dict) -> tuple[str, str, dict]:
    """(status, outcome, other status-row fields) from a profile answer."""
    code = data.get("status_code")
    msg = str(data.get("status_msg") or "") or None
    if code == STATUS_NO_USER:
        return "not_found", "ok", {"error": msg}
    if code != STATUS_OK:
        return "unknown", "error", {"error": f"status_code={code} {msg or ''}".strip()}
    user = data.get("user")
    if not isinstance(user, dict):
        return "unknown", "error", {"error": "status_code=0 but no user in the answer"}
    special = str((user.get("special_state_info") or {}).get("title") or "")
    if user.get("user_canceled"):
        status = "closed"
    elif "封禁" in special:
        status = "blocked"
    else:
        status = "active"
    fields = {"display_name": user.get("nickname") if status != "closed" else None,  # closed: "账号已注销"
              "verified": bool(user.get("enterprise_verify_reason")),
              "error": special or None}
    return status, "ok", fields


def read_page(body: dict, max_cursor: int) -> Page | PageFailure:
    """A page of ``/aweme/v1/web/aweme/post/``: a non-zero ``status_code`` is an error."""
    code = body.get("status_code")
    if code != STATUS_OK:
        msg = str(body.get("status_msg") or "")
        throttled = code == 429 or "频繁" in msg  # a rate-limit answer in an HTTP 200: asked again
        return PageFailure(f"status_code={code} {msg}".strip(), outcome="rate_limited" if throttled else "error")
    items = [Item(
        post_id=str(aweme.get("aweme_id")), published_at=from_unix(aweme["create_time"]),
        title=(aweme.get("desc") or "")[:200], url=f"https://www.douyin.com/video/{aweme.get('aweme_id')}",
        pinned=bool(aweme.get("is_top")),
    ) for aweme in body.get("aweme_list") or [] if aweme.get("create_time")]
    nxt = body.get("max_cursor")
    return Page(items, nxt if body.get("has_more") and nxt else None)


class DouyinConnector(EndpointConnector):
    name = "douyin"

    async def collect(self, account: dict, since: date, until: date, fetcher: Fetcher) -> AccountResult:
        sec = account["platform_id"]
        profile = await fetcher.get(self.endpoint.url("/aweme/v1/web/user/profile/other/"),
                                    params={"sec_user_id": sec}, headers=self.headers)
        data = parse_json(profile) if profile.ok else None
        if data is None:
            result = AccountResult(status_row(account, profile, status="unknown",
                                              outcome=profile.outcome if not profile.ok else "error",
                                              error=profile.error or "answer is not JSON"))
        else:
            try:
                status, outcome, fields = status_from_profile(data)
            except (TypeError, ValueError, AttributeError) as exc:
                status, outcome, fields = "unknown", "error", {"error": f"profile not understood: {exc}"}
            result = AccountResult(status_row(account, profile, status=status, outcome=outcome, **fields))
        if result.status["status"] in COLLECT_POSTS:

            async def fetch(max_cursor: int) -> FetchResult:
                return await fetcher.get(self.endpoint.url("/aweme/v1/web/aweme/post/"), params={
                    "sec_user_id": sec, "max_cursor": max_cursor, "count": PAGE_SIZE,
                }, headers=self.headers)

            await collect_pages(result, account, since, until, first=0, fetch=fetch, read=read_page,
                                where=lambda cursor: f"aweme/post max_cursor={cursor}", max_pages=MAX_PAGES)
        log.info("douyin %s: %s, %d posts since %s", account["account_id"], result.status["status"],
                 len(result.posts), since)
        return result

"""Toutiao (今日头条) through the PC web: the user page ``/c/user/token/<token>/`` and ``/api/pc/list/feed``.

The account's ``platform_id`` is its user token. Toutiao keeps the published articles of a closed (注销)
account, so posts are collected for closed accounts too. In real use the feed needs an ``a_bogus`` signature
and cookies; the cookie comes from the endpoint configuration.
"""

from __future__ import annotations

import html
import logging
import re
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
    status_from_markers,
    status_row,
)

log = logging.getLogger(__name__)

MAX_PAGES = 60
AID = 24
_PAGE_STATUS = (("该账号已注销", "closed"), ("该账号已被封禁", "blocked"))
_NOT_FOUND = "页面不存在"
_TITLE = re.compile(r"<title>\s*(.*?)的主页\s*-\s*今日头条", re.S)
COLLECT_POSTS = ("active", "closed")


def status_from_page(result: FetchResult) -> tuple[str, str | None, str | None]:
    """(status, display name, error) from the user page; an unrecognised page is ``unknown``."""
    text = result.text
    status = status_from_markers(text, _PAGE_STATUS)
    if status is not None:
        return status, None, None
    match = _TITLE.search(text)
    if match:
        return "active", html.unescape(match.group(1)).strip() or None, None
    return "unknown", None, "user page not recognised (no 今日头条 title, no account notice)"


def read_page(body: dict, max_behot_time: int) -> Page | PageFailure:
    """A page of ``/api/pc/list/feed``: ``message`` other than ``success`` is an error."""
    if body.get("message") != "success":
        detail = body.get("data") if isinstance(body.get("data"), str) else body.get("reason") or ""
        throttled = "频繁" in str(detail)  # {"message":"error","reason":"请求过于频繁，请稍后再试"}: asked again
        return PageFailure(f"message={body.get('message')!r} {detail}".strip()[:300],
                           outcome="rate_limited" if throttled else "error")
    items = []
    for entry in body.get("data") or []:
        when = entry.get("publish_time") or entry.get("behot_time")
        if not when:
            continue
        items.append(Item(
            post_id=str(entry.get("item_id") or entry.get("group_id")), published_at=from_unix(when),
            title=(entry.get("title") or "")[:200], url=entry.get("article_url"), pinned=bool(entry.get("is_stick")),
        ))
    nxt = (body.get("next") or {}).get("max_behot_time")
    return Page(items, nxt if body.get("has_more") and nxt else None)


class ToutiaoConnector(EndpointConnector):
    name = "toutiao"

    async def collect(self, account: dict, since: date, until: date, fetcher: Fetcher) -> AccountResult:
        token = account["platform_id"]
        profile = await fetcher.get(self.endpoint.url(f"/c/user/token/{token}/"), headers=self.headers)
        if profile.status_code == 404 and _NOT_FOUND in profile.text:
            result = AccountResult(status_row(account, profile, status="not_found", outcome="ok"))
        elif not profile.ok:
            result = AccountResult(status_row(account, profile, status="unknown", outcome=profile.outcome,
                                              error=profile.error))
        else:
            status, name, error = status_from_page(profile)
            result = AccountResult(status_row(account, profile, status=status, display_name=name, error=error,
                                              outcome="ok" if error is None else "error"))
        if result.status["status"] in COLLECT_POSTS:

            async def fetch(max_behot_time: int) -> FetchResult:
                return await fetcher.get(self.endpoint.url("/api/pc/list/feed"), params={
                    "category": "profile_all", "token": token, "max_behot_time": max_behot_time, "aid": AID,
                }, headers=self.headers)

            await collect_pages(result, account, since, until, first=0, fetch=fetch, read=read_page,
                                where=lambda cursor: f"feed max_behot_time={cursor}", max_pages=MAX_PAGES)
        log.info("toutiao %s: %s, %d posts since %s", account["account_id"], result.status["status"],
                 len(result.posts), since)
        return result

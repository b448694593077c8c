"""Weibo through the mobile web API: ``/api/container/getIndex`` (profile, then the posts container)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from govinspect.collect.http import Fetcher, FetchResult
from govinspect.platforms.base import (
    AccountResult,
    EndpointConnector,
    Item,
    Page,
    PageFailure,
    collect_pages,
    parse_json,
    status_row,
)

log = logging.getLogger(__name__)

MAX_PAGES = 60
_CLOSED = ("注销",)
_NOT_FOUND = ("不存在",)
_BLOCKED = ("封", "屏蔽", "冻结", "违反")
_THROTTLED = ("频繁", "稍后再试")  # {"ok":0,"msg":"请求过于频繁，请稍后再试"}, also with HTTP 200


def is_throttled(msg: str) -> bool:
    return any(w in msg for w in _THROTTLED)


def status_from_message(msg: str) -> str:
    if any(w in msg for w in _CLOSED):
        return "closed"
    if any(w in msg for w in _NOT_FOUND):
        return "not_found"
    if any(w in msg for w in _BLOCKED):
        return "blocked"
    return "unknown"


def parse_created_at(value: str) -> datetime:
    return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")


def read_page(body: dict, page: int) -> Page | PageFailure:
    """A page of the posts container; ``ok != 1`` or no cards is the end of the list, except a rate-limit
    message (then the page is asked for again, see :func:`.base.collect_pages`)."""
    cards = (body.get("data") or {}).get("cards") or []
    if body.get("ok") != 1 and is_throttled(str(body.get("msg") or "")):
        return PageFailure(f"ok={body.get('ok')} {body.get('msg')}", outcome="rate_limited")
    if body.get("ok") != 1 or not cards:
        return Page([])
    items = []
    for card in cards:
        mblog = card.get("mblog")
        if not mblog:
            continue
        items.append(Item(
            post_id=str(mblog.get("id") or mblog.get("mid")), published_at=parse_created_at(mblog["created_at"]),
            title=(mblog.get("text") or "")[:200], url=f"https://m.weibo.cn/detail/{mblog.get('id')}",
            pinned=bool(mblog.get("isTop")) or str(card.get("profile_type_id", "")).startswith("proweibotop"),
            is_repost="retweeted_status" in mblog,
        ))
    next_page = ((body.get("data") or {}).get("cardlistInfo") or {}).get("page")
    return Page(items, None if next_page in (None, 0) else next_page)


class WeiboConnector(EndpointConnector):
    name = "weibo"

    async def collect(self, account: dict, since: date, until: date, fetcher: Fetcher) -> AccountResult:
        uid = account["platform_id"]
        url = self.endpoint.url("/api/container/getIndex")
        profile = await fetcher.get(url, params={"type": "uid", "value": uid}, headers=self.headers)
        data = parse_json(profile) if profile.ok else None
        if data is None:
            outcome = profile.outcome if not profile.ok else "error"
            return AccountResult(status_row(account, profile, status="unknown", outcome=outcome,
                                            error=profile.error or "answer is not JSON"))
        if data.get("ok") != 1:
            msg = str(data.get("msg") or "")
            if is_throttled(msg):
                return AccountResult(status_row(account, profile, status="unknown", outcome="rate_limited",
                                                error=msg))
            return AccountResult(status_row(account, profile, status=status_from_message(msg), outcome="ok",
                                            error=msg or None))
        info = (data.get("data") or {}).get("userInfo") or {}
        tabs = ((data.get("data") or {}).get("tabsInfo") or {}).get("tabs") or []
        containerid = next((t.get("containerid") for t in tabs if t.get("tab_type") == "weibo"), f"107603{uid}")
        result = AccountResult(status_row(account, profile, status="active", outcome="ok",
                                          display_name=info.get("screen_name"), verified=info.get("verified")))

        async def fetch(page: int) -> FetchResult:
            return await fetcher.get(url, params={"type": "uid", "value": uid, "containerid": containerid,
                                                  "page": page}, headers=self.headers)

        await collect_pages(result, account, since, until, first=1, fetch=fetch, read=read_page,
                            where=lambda page: f"posts page {page}", max_pages=MAX_PAGES)
        log.info("weibo %s: active, %d posts since %s", account["account_id"], len(result.posts), since)
        return result

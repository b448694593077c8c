"""WeChat official accounts through a logged-in MP back-end (``/cgi-bin/appmsg``) and the profile page."""

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
    status_from_markers,
    status_row,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_PAGES = 80
RET_OK, RET_INVALID_ARGS, RET_INVALID_SESSION, RET_FREQ_CONTROL = 0, 200002, 200003, 200013
EXPIRED_LOGIN = "the MP back-end login has expired: renew token and cookie in connection govinspect_wechat"
_PROFILE_STATUS = (("已注销", "closed"), ("不存在", "not_found"), ("屏蔽", "blocked"), ("封禁", "blocked"),
                   ("违规", "blocked"))


def status_from_profile(html: str) -> str | None:
    return status_from_markers(html, _PROFILE_STATUS)


def read_page(body: dict, begin: int) -> Page | PageFailure:
    """A page of ``appmsg list_ex``: ``base_resp.ret`` non-zero is an error (200013: rate limited)."""
    resp = body.get("base_resp") or {}
    ret = resp.get("ret")
    if ret == RET_INVALID_SESSION:
        return PageFailure(f"ret={ret} {resp.get('err_msg') or 'invalid session'}: {EXPIRED_LOGIN}")
    if ret != RET_OK:
        return PageFailure(f"ret={ret} {resp.get('err_msg') or ''}".strip(),
                           outcome="rate_limited" if ret == RET_FREQ_CONTROL else "error",
                           status="unknown" if ret == RET_INVALID_ARGS else None)
    items = [Item(
        post_id=str(msg.get("aid") or f"{msg.get('appmsgid')}_{msg.get('itemidx')}"),
        published_at=from_unix(msg.get("create_time") or msg.get("update_time")), title=msg.get("title"),
        url=msg.get("link"), pinned=bool(msg.get("is_pinned") or msg.get("is_top")),
    ) for msg in body.get("app_msg_list") or []]
    total = int(body.get("app_msg_cnt") or 0)
    return Page(items, begin + PAGE_SIZE if begin + PAGE_SIZE < total else None)


class WechatConnector(EndpointConnector):
    name = "wechat"

    async def collect(self, account: dict, since: date, until: date, fetcher: Fetcher) -> AccountResult:
        fakeid = account["platform_id"]
        profile = await fetcher.get(self.endpoint.url("/mp/profile_ext"),
                                    params={"action": "home", "__biz": fakeid, "scene": "124"}, headers=self.headers)
        if not profile.ok:
            return AccountResult(status_row(account, profile, status="unknown", outcome=profile.outcome,
                                            error=profile.error))
        page_status = status_from_profile(profile.text)
        if page_status is not None:
            return AccountResult(status_row(account, profile, status=page_status, outcome="ok"))
        if not self.endpoint.token:
            return AccountResult(status_row(account, profile, status="active", outcome="not_collected",
                                            error="no MP back-end token configured: posts not collected"))
        result = AccountResult(status_row(account, profile, status="active", outcome="ok",
                                          display_name=account.get("account_name")))

        async def fetch(begin: int) -> FetchResult:
            return await fetcher.get(self.endpoint.url("/cgi-bin/appmsg"), params={
                "action": "list_ex", "begin": begin, "count": PAGE_SIZE, "fakeid": fakeid, "type": 9,
                "query": "", "token": self.endpoint.token, "lang": "zh_CN", "f": "json", "ajax": 1,
            }, headers=self.headers)

        await collect_pages(result, account, since, until, first=0, fetch=fetch, read=read_page,
                            where=lambda begin: f"appmsg begin={begin}", max_pages=MAX_PAGES)
        log.info("wechat %s: %s, %d posts since %s", account["account_id"], result.status["status"],
                 len(result.posts), since)
        return result

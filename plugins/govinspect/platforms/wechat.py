"""WeChat official accounts through a logged-in MP back-end (``/cgi-bin/appmsg``) and the profile page."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from govinspect.collect.http import Fetcher
from govinspect.platforms.base import AccountResult, PlatformEndpoint, keep_raw, parse_json, post_row, status_row

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_PAGES = 80
RET_OK, RET_INVALID_ARGS, RET_INVALID_SESSION, RET_FREQ_CONTROL = 0, 200002, 200003, 200013
_PROFILE_STATUS = (("已注销", "closed"), ("不存在", "not_found"), ("屏蔽", "blocked"), ("封禁", "blocked"),
                   ("违规", "blocked"))


def status_from_profile(html: str) -> str | None:
    for marker, status in _PROFILE_STATUS:
        if marker in html:
            return status
    return None


class WechatConnector:
    name = "wechat"

    def __init__(self, endpoint: PlatformEndpoint):
        self.endpoint = endpoint
        self.headers = {"Cookie": endpoint.cookie} if endpoint.cookie else None

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
        for page in range(MAX_PAGES):
            answer = await fetcher.get(self.endpoint.url("/cgi-bin/appmsg"), params={
                "action": "list_ex", "begin": page * PAGE_SIZE, "count": PAGE_SIZE, "fakeid": fakeid, "type": 9,
                "query": "", "token": self.endpoint.token, "lang": "zh_CN", "f": "json", "ajax": 1,
            }, headers=self.headers)
            body = parse_json(answer) if answer.ok else None
            ret = ((body or {}).get("base_resp") or {}).get("ret")
            if body is None or ret != RET_OK:
                result.status["outcome"] = {RET_FREQ_CONTROL: "rate_limited"}.get(ret, answer.outcome if not answer.ok
                                                                                   else "error")
                err = ((body or {}).get("base_resp") or {}).get("err_msg") or answer.error or "answer is not JSON"
                result.status["error"] = f"appmsg begin={page * PAGE_SIZE}: ret={ret} {err}"
                if ret == RET_INVALID_ARGS:
                    result.status["status"] = "unknown"
                break
            raw = keep_raw(answer)
            messages = body.get("app_msg_list") or []
            oldest = None
            for msg in messages:
                published = datetime.fromtimestamp(int(msg.get("create_time") or msg.get("update_time")), UTC)
                oldest = published
                if not since <= published.date() <= until:
                    continue
                result.posts.append(post_row(
                    account, post_id=str(msg.get("aid") or f"{msg.get('appmsgid')}_{msg.get('itemidx')}"),
                    published_at=published, title=msg.get("title"), url=msg.get("link"),
                    pinned=bool(msg.get("is_pinned") or msg.get("is_top")), is_repost=False, raw_sha256=raw,
                ))
            total = int(body.get("app_msg_cnt") or 0)
            if not messages or (page + 1) * PAGE_SIZE >= total or (oldest and oldest.date() < since):
                break
        log.info("wechat %s: %s, %d posts since %s", account["account_id"], result.status["status"],
                 len(result.posts), since)
        return result

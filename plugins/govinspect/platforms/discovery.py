"""Discovery of unfiled accounts (私自开设): search each platform for each unit's name, keep every hit.

Every account a platform's user search returns for a unit's name becomes a *candidate* (landing type
``account_candidates``) with its evidence: the request URL, the raw answer's sha256 (the answer itself is kept
as evidence), the time, the verified flag and name when the platform gives them. Filed and unfiled accounts
alike: whether a candidate is in the inventory or the roster is decided downstream (dbt), and an operator
confirms a 私自开设 finding. The endpoints are the platforms' own (see each emulator's docstring and
``shared/reference/sources-in-the-wild.md``):

- Weibo: ``/api/container/getIndex?containerid=100103type=3&q=<name>&page_type=searchall`` (cards of users);
- WeChat: ``/cgi-bin/searchbiz?action=search_biz&query=<name>&begin=&count=5&token=…`` (MP back-end login);
- Toutiao: ``/api/search/content/?keyword=<name>&pd=user&offset=``;
- Douyin: ``/aweme/v1/web/discover/search/?keyword=<name>&search_channel=aweme_user_web&offset=&count=``.

A failed search (unreachable, rate limited after the waits of :data:`.base.RATE_LIMIT_WAITS`, expired login,
budget spent) is logged and reported in the outcome counts; the candidates found so far are kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from govinspect.collect.http import FetchResult
from govinspect.platforms import base
from govinspect.platforms.base import PlatformEndpoint, keep_raw, parse_json
from govinspect.platforms.wechat import EXPIRED_LOGIN, RET_INVALID_SESSION

log = logging.getLogger(__name__)

MAX_PAGES = 3  # result pages read per query: a unit's own accounts come first
WECHAT_PAGE = 5
DOUYIN_PAGE = 10


@dataclass
class Hit:
    platform: str
    platform_id: str
    account_name: str | None
    verified: bool | None = None
    verified_name: str | None = None
    url: str | None = None


@dataclass
class SearchPage:
    hits: list[Hit]
    next: Any = None  # cursor of the next page, None on the last one


@dataclass
class SearchFailure:
    message: str
    outcome: str = "error"


@dataclass
class Discovery:
    """What one discovery task found: candidate rows, and the outcome of each query."""

    candidates: list[dict] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    failures: list[dict] = field(default_factory=list)


# --- the four platforms' search answers ----------------------------------------------------------------
def read_weibo(body: dict, cursor: Any) -> SearchPage | SearchFailure:
    if body.get("ok") != 1:
        msg = str(body.get("msg") or "")
        return SearchFailure(f"ok={body.get('ok')} {msg}".strip(),
                             "rate_limited" if "频繁" in msg else "error")
    hits = []
    for card in (body.get("data") or {}).get("cards") or []:
        for entry in card.get("card_group") or []:
            user = entry.get("user") if entry.get("card_type") == 10 else None
            if isinstance(user, dict) and user.get("id"):
                hits.append(Hit("新浪微博", str(user["id"]), user.get("screen_name"), bool(user.get("verified")),
                                user.get("verified_reason") or None, f"https://m.weibo.cn/u/{user['id']}"))
    return SearchPage(hits)


def read_wechat(body: dict, begin: int) -> SearchPage | SearchFailure:
    resp = body.get("base_resp") or {}
    ret = resp.get("ret")
    if ret == RET_INVALID_SESSION:
        return SearchFailure(f"ret={ret} {resp.get('err_msg') or 'invalid session'}: {EXPIRED_LOGIN}")
    if ret != 0:
        return SearchFailure(f"ret={ret} {resp.get('err_msg') or ''}".strip(),
                             "rate_limited" if ret == 200013 else "error")
    hits = [Hit("微信服务号" if item.get("service_type") == 2 else "微信订阅号", str(item["fakeid"]),
                item.get("nickname"), None, None,
                f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={item['fakeid']}")
            for item in body.get("list") or [] if item.get("fakeid")]
    total = int(body.get("total") or 0)
    return SearchPage(hits, begin + WECHAT_PAGE if hits and begin + WECHAT_PAGE < total else None)


def read_toutiao(body: dict, offset: int) -> SearchPage | SearchFailure:
    if body.get("message") != "success":
        return SearchFailure(f"message={body.get('message')!r} {body.get('reason') or ''}".strip())
    hits = [Hit("今日头条", str(item["token"]), item.get("name"), bool(item.get("verified_content")),
                item.get("verified_content") or None, f"https://www.toutiao.com/c/user/token/{item['token']}/")
            for item in body.get("data") or [] if item.get("token")]
    nxt = body.get("offset")
    return SearchPage(hits, nxt if body.get("has_more") and hits and nxt and nxt != offset else None)


def read_douyin(body: dict, offset: int) -> SearchPage | SearchFailure:
    code = body.get("status_code")
    if code != 0:
        return SearchFailure(f"status_code={code} {body.get('status_msg') or ''}".strip(),
                             "rate_limited" if code == 429 else "error")
    hits = []
    for entry in body.get("user_list") or []:
        info = entry.get("user_info") or {}
        if info.get("sec_uid"):
            reason = info.get("enterprise_verify_reason") or None
            hits.append(Hit("抖音短视频", str(info["sec_uid"]), info.get("nickname"), bool(reason), reason,
                            f"https://www.douyin.com/user/{info['sec_uid']}"))
    nxt = body.get("cursor")
    return SearchPage(hits, nxt if body.get("has_more") and hits and nxt and nxt != offset else None)


Request = Callable[[str, Any], tuple[str, dict]]


def _requests(endpoint: PlatformEndpoint) -> tuple[Request, Callable[[dict, Any], SearchPage | SearchFailure], Any]:
    """(query, cursor) -> (url, params); the reader of an answer; the first cursor."""
    url = endpoint.url
    match endpoint.connector:
        case "weibo":
            return (lambda q, _c: (url("/api/container/getIndex"),
                                   {"containerid": f"100103type=3&q={q}", "page_type": "searchall"}), read_weibo, 1)
        case "wechat":
            return (lambda q, c: (url("/cgi-bin/searchbiz"), {
                "action": "search_biz", "begin": c, "count": WECHAT_PAGE, "query": q, "token": endpoint.token,
                "lang": "zh_CN", "f": "json", "ajax": 1}), read_wechat, 0)
        case "toutiao":
            return (lambda q, c: (url("/api/search/content/"), {"keyword": q, "pd": "user", "offset": c}),
                    read_toutiao, 0)
        case "douyin":
            return (lambda q, c: (url("/aweme/v1/web/discover/search/"), {
                "keyword": q, "search_channel": "aweme_user_web", "offset": c, "count": DOUYIN_PAGE}),
                    read_douyin, 0)
    raise ValueError(f"platform '{endpoint.connector}' has no search")


class Getter(Protocol):
    """A :class:`~govinspect.collect.http.Fetcher` or a :class:`.budget.BudgetedFetcher`."""

    async def get(self, url: str, *, params: dict | None = None, headers: dict | None = None) -> FetchResult: ...


async def search_unit(endpoint: PlatformEndpoint, unit: str, fetcher: Getter, out: Discovery) -> None:
    """Search one platform for one unit's name; append its candidates (one per account) to ``out``."""
    if endpoint.connector == "wechat" and not endpoint.token:
        out.outcomes["not_collected"] += 1
        out.failures.append({"query": unit, "outcome": "not_collected",
                             "error": "no MP back-end token configured: searchbiz needs a login"})
        return
    make, read, cursor = _requests(endpoint)
    headers = {"Cookie": endpoint.cookie} if endpoint.cookie else None
    seen = {(c["platform_id"], c["unit"]) for c in out.candidates}
    found = 0
    for _ in range(MAX_PAGES):
        target, params = make(unit, cursor)
        for wait in (*base.RATE_LIMIT_WAITS, None):
            answer = await fetcher.get(target, params=params, headers=headers)
            body = parse_json(answer) if answer.ok else None
            if body is None:
                page: SearchPage | SearchFailure = SearchFailure(answer.error or "answer is not JSON",
                                                                 answer.outcome if not answer.ok else "error")
            else:
                try:
                    page = read(body, cursor)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    page = SearchFailure(f"answer not understood: {type(exc).__name__}: {exc}")
            if not (isinstance(page, SearchFailure) and page.outcome == "rate_limited") or wait is None:
                break
            log.info("%s search %r: %s; asking again in %.0f s", endpoint.connector, unit, page.message, wait)
            await asyncio.sleep(wait)
        if isinstance(page, SearchFailure):
            log.warning("%s search %r failed: %s (%s); %d candidates kept", endpoint.connector, unit,
                        page.message, page.outcome, found)
            out.outcomes[page.outcome] += 1
            out.failures.append({"query": unit, "outcome": page.outcome, "error": page.message,
                                 "request_url": answer.url})
            return
        raw = keep_raw(answer)
        for hit in page.hits:
            if (hit.platform_id, unit) in seen:
                continue
            seen.add((hit.platform_id, unit))
            found += 1
            out.candidates.append({
                "platform": hit.platform, "connector": endpoint.connector, "query": unit, "unit": unit,
                "platform_id": hit.platform_id, "account_name": hit.account_name, "verified": hit.verified,
                "verified_name": hit.verified_name, "url": hit.url, "fetched_at": answer.fetched_at,
                "request_url": answer.final_url or answer.url, "raw_sha256": raw,
            })
        if page.next is None:
            break
        cursor = page.next
    out.outcomes["ok"] += 1
    log.info("%s search %r: %d candidates", endpoint.connector, unit, found)


async def discover(endpoint: PlatformEndpoint, units: list[str], fetcher: Getter) -> Discovery:
    """Search one platform for every unit (one after the other: searches are what platforms limit most)."""
    out = Discovery()
    for unit in units:
        await search_unit(endpoint, unit, fetcher, out)
    return out

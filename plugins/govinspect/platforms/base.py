"""The connector interface and the records every connector returns."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from govinspect.collect.http import Fetcher, FetchResult
from govinspect.landing import store_evidence

TZ = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlatformEndpoint:
    """Where a platform answers and with which credentials (never from code or committed files)."""

    connector: str
    base_url: str
    token: str | None = None
    cookie: str | None = None
    budget: int | None = None  # requests per run for account collection, split over batches (None: no limit)
    search_budget: int | None = None  # requests per run for the discovery search (None: no limit)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


@dataclass
class AccountResult:
    """What one account's collection produced: its status row and its posts (landing rows)."""

    status: dict
    posts: list[dict] = field(default_factory=list)


class Connector(Protocol):
    name: str

    async def collect(self, account: dict, since: date, until: date, fetcher: Fetcher) -> AccountResult: ...


class EndpointConnector:
    """What every connector holds: its endpoint, and the configured cookie as a request header."""

    name = ""

    def __init__(self, endpoint: PlatformEndpoint):
        self.endpoint = endpoint
        self.headers = {"Cookie": endpoint.cookie} if endpoint.cookie else None


def keep_raw(result: FetchResult) -> str | None:
    """Keep a platform answer as evidence; return its sha256."""
    return store_evidence(result.body) if result.body else None


def parse_json(result: FetchResult) -> dict | None:
    try:
        data = json.loads(result.text)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def status_row(account: dict, result: FetchResult | None, *, status: str, outcome: str,
               display_name: str | None = None, verified: bool | None = None, error: str | None = None) -> dict:
    return {
        "account_id": account["account_id"], "platform": account["platform"], "connector": account["connector"],
        "fetched_at": result.fetched_at if result else datetime.now(UTC),
        "request_url": result.url if result else None,
        "http_status": result.status_code if result else None, "outcome": outcome, "status": status,
        "display_name": display_name, "verified": verified,
        "raw_sha256": keep_raw(result) if result else None, "error": error,
    }


def post_row(account: dict, *, post_id: str, published_at: datetime, title: str | None, url: str | None,
             pinned: bool, is_repost: bool, raw_sha256: str | None, source: str = "connector") -> dict:
    published_at = published_at.astimezone(UTC)
    return {
        "account_id": account["account_id"], "platform": account["platform"], "post_id": post_id,
        "published_at": published_at, "published_on": published_at.astimezone(TZ).date(),
        "title": title, "url": url, "pinned": pinned, "is_repost": is_repost, "source": source,
        "raw_sha256": raw_sha256,
    }


def stable_id(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def from_unix(value: object) -> datetime:
    """A platform timestamp in unix seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(int(value), UTC)


def in_window(published: datetime, since: date, until: date) -> bool:
    """Whether a post falls in the window, counted in Beijing days (as the notice counts them)."""
    return since <= published.astimezone(TZ).date() <= until


def status_from_markers(text: str, markers: tuple[tuple[str, str], ...]) -> str | None:
    """The account status of the first (marker, status) whose marker occurs in ``text``; None when none does."""
    return next((status for marker, status in markers if marker in text), None)


def record_failure(result: AccountResult, answer: FetchResult, message: str, *, outcome: str | None = None,
                   status: str | None = None) -> None:
    """Note on the status row that a later call failed: the outcome of the fetch (or ``outcome``), and why."""
    result.status["outcome"] = outcome or (answer.outcome if not answer.ok else "error")
    result.status["error"] = message
    if status is not None:
        result.status["status"] = status


@dataclass
class Item:
    """One post as a connector read it from a page, before the window is applied."""

    post_id: str
    published_at: datetime
    title: str | None
    url: str | None
    pinned: bool = False
    is_repost: bool = False


@dataclass
class Page:
    """One page of posts, newest first; ``next`` is the cursor of the following page, None on the last one."""

    items: list[Item]
    next: Any = None


# Waits (seconds) before asking again for a page the platform refused with its own rate-limit answer (WeChat
# ``base_resp.ret`` 200013, Weibo "请求过于频繁" with HTTP 200): HTTP 429 is retried by the fetcher already.
RATE_LIMIT_WAITS: tuple[float, ...] = (5.0, 20.0, 60.0)


@dataclass
class PageFailure:
    """A page the platform answered with an error: recorded on the status row, never raised."""

    message: str
    outcome: str = "error"
    status: str | None = None  # when the error says something about the account itself


async def collect_pages(result: AccountResult, account: dict, since: date, until: date, *, first: Any,
                        fetch: Callable[[Any], Awaitable[FetchResult]],
                        read: Callable[[dict, Any], Page | PageFailure],
                        where: Callable[[Any], str], max_pages: int) -> None:
    """Page through an account's posts, newest first, from cursor ``first`` into ``result.posts``.

    ``fetch(cursor)`` asks for a page; ``read(body, cursor)`` reads its JSON answer into a :class:`Page` (or a
    :class:`PageFailure`); ``where(cursor)`` names the page in error messages.

    Stops on the last page, when the oldest non-pinned post of a page is older than ``since`` (pinned posts
    are old and sit on top), when the cursor does not move, or after ``max_pages`` (noted in ``error``). A
    failed fetch, an answer that is not JSON, a :class:`PageFailure` or an answer ``read`` cannot make sense of
    (it raised) ends the paging and is recorded on the status row; the posts of the pages read so far are
    kept. Each page's answer is kept as evidence. A page refused with the platform's own rate-limit answer
    (``PageFailure(outcome="rate_limited")``) is asked for again after each wait of :data:`RATE_LIMIT_WAITS`
    before that counts as a failure.
    """
    cursor = first
    for _ in range(max_pages):
        for wait in (*RATE_LIMIT_WAITS, None):
            answer = await fetch(cursor)
            body = parse_json(answer) if answer.ok else None
            if body is None:
                record_failure(result, answer, f"{where(cursor)}: {answer.error or 'answer is not JSON'}")
                return
            try:
                page = read(body, cursor)
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                page = PageFailure(f"answer not understood: {type(exc).__name__}: {exc}")
            if not (isinstance(page, PageFailure) and page.outcome == "rate_limited") or wait is None:
                break
            log.info("%s %s: %s; asking again in %.0f s", account["account_id"], where(cursor), page.message, wait)
            await asyncio.sleep(wait)
        if isinstance(page, PageFailure):
            record_failure(result, answer, f"{where(cursor)}: {page.message}", outcome=page.outcome,
                           status=page.status)
            return
        raw = keep_raw(answer) if page.items else None
        oldest = None
        for item in page.items:
            if not item.pinned and (oldest is None or item.published_at < oldest):
                oldest = item.published_at
            if in_window(item.published_at, since, until):
                result.posts.append(post_row(
                    account, post_id=item.post_id, published_at=item.published_at, title=item.title,
                    url=item.url, pinned=item.pinned, is_repost=item.is_repost, raw_sha256=raw,
                ))
        if (not page.items or page.next is None or page.next == cursor
                or (oldest is not None and oldest.astimezone(TZ).date() < since)):
            return
        cursor = page.next
    if result.status.get("error") is None:
        result.status["error"] = f"stopped after {max_pages} pages before reaching {since}: posts may be incomplete"

"""Shared pieces of the platform emulators."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from govinspect.sandbox.content import AccountContent, PostContent, build_account
from govinspect.sandbox.scenario import Account
from govinspect.sandbox.server import Request, Response


def json_response(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8")


RETRY_AFTER = "2"


def too_many_requests(payload: object) -> Response:
    response = json_response(payload, 429)
    response.headers.append(("Retry-After", RETRY_AFTER))
    return response


def feed_stamps(posts: list[PostContent]) -> dict[int, int]:
    """post_id -> unix seconds, strictly decreasing along the non-pinned newest-first stream.

    Cursor paging (toutiao ``max_behot_time``, douyin ``max_cursor``) asks for items strictly older than
    the last one seen, so two posts in the same second would lose one at a page boundary. A few seconds
    of jitter (posts are published 08:00–18:59, so the day never changes) keep every stamp distinct.
    """
    out: dict[int, int] = {}
    previous: int | None = None
    for post in sorted(posts, key=lambda p: (p.published, p.post_id), reverse=True):
        stamp = int(post.published.timestamp()) + post.post_id % 37
        if post.pinned:
            out[post.post_id] = stamp
            continue
        if previous is not None and stamp >= previous:
            stamp = previous - 1
        out[post.post_id] = previous = stamp
    return out


def search_match(account: Account, keyword: str) -> bool:
    """Whether a platform's user search finds ``account`` for ``keyword``: its name contains the keyword, or
    the keyword is the account's unit, exactly — the platforms index the profile's 认证/简介 text, which
    names the unit ("甘孜藏族自治州市场监督管理局官方抖音号"), so searching a unit's full name finds its
    accounts whatever their short names ("甘孜市场监管")."""
    return bool(keyword) and (keyword in account.account_name or keyword == account.unit)


def search_hits(accounts: dict[str, AccountContent], keyword: str | None) -> list[AccountContent]:
    """Active accounts :func:`search_match` finds (closed, blocked and missing ones are not found)."""
    keyword = (keyword or "").strip()
    return [a for a in accounts.values() if a.account.status == "active" and search_match(a.account, keyword)]


def int_arg(request: Request, name: str, default: int) -> int:
    try:
        return int(request.arg(name) or default)
    except ValueError:
        return default


class PlatformEmulator:
    """One platform host. Subclasses answer the platform's endpoints for the scenario's accounts."""

    connector = ""
    server_header = "nginx"

    def __init__(self, accounts: list[Account], monitoring_point: date, now: Callable[[], datetime],
                 token: str | None = None, rate_limit: int = 0):
        self.now = now
        self.token = token
        self.accounts: dict[str, AccountContent] = {
            a.platform_id: build_account(a, monitoring_point) for a in accounts if a.connector == self.connector
        }
        # rate limiting (toutiao, douyin): the first `rate_limit` requests to the host, then the first
        # `account.rate_limit` requests about an account, are answered HTTP 429 with Retry-After: 2.
        # Handlers run on the server's single event-loop thread, so plain counters are enough.
        self.rate_limit = rate_limit
        self.limited_host = 0
        self.limited_accounts: dict[str, int] = {}

    def throttled(self, platform_id: str | None) -> bool:
        """Count this request against the platform's and the account's rate limit; True = answer 429."""
        if self.limited_host < self.rate_limit:
            self.limited_host += 1
            return True
        acc = self.accounts.get(platform_id or "")
        if acc is not None and acc.account.rate_limit:
            done = self.limited_accounts.get(platform_id, 0)
            if done < acc.account.rate_limit:
                self.limited_accounts[platform_id] = done + 1
                return True
        return False

    def __call__(self, request: Request) -> Response:
        raise NotImplementedError

    def settings(self) -> dict[str, str]:
        """What a client needs besides the base URL (printed by the CLI, put in the Airflow connection)."""
        return {"token": self.token} if self.token else {}

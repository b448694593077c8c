"""The connector interface and the records every connector returns."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from govinspect.collect.http import Fetcher, FetchResult
from govinspect.landing import store_evidence

TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class PlatformEndpoint:
    """Where a platform answers and with which credentials (never from code or committed files)."""

    connector: str
    base_url: str
    token: str | None = None
    cookie: str | None = None

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

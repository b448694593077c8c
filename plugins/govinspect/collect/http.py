"""Fetch a URL and say what happened, as data: never raise for a network or HTTP failure.

Every answer becomes a :class:`FetchResult` whose ``outcome`` is one of ``vocab.FETCH_OUTCOMES``. A fetch is
complete only when the whole body arrived within ``policy.total_timeout`` seconds (connect, redirects and
body together), which is the 19号 rule for availability ("not opened after 15 s is a failure").
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from govinspect.collect.decode import decode_body

log = logging.getLogger(__name__)

_CHALLENGE_MARKERS = (
    "__jsl_clearance", "_waf_", "acw_sc__v2", "滑动验证", "安全验证", "请开启JavaScript", "challenge-platform",
)
_ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class FetchPolicy:
    total_timeout: float = 15.0
    connect_timeout: float = 10.0
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    global_limit: int = 16
    user_agent: str = "Mozilla/5.0 (compatible; govinspect/0.1; +government website inspection)"
    verify_tls: bool = True


@dataclass
class FetchResult:
    url: str
    final_url: str | None
    fetched_at: datetime
    outcome: str
    status_code: int | None = None
    elapsed_ms: float = 0.0
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None
    _text: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body else None

    def decoded(self) -> tuple[str, str]:
        """(text, encoding), decoded from the bytes (see :mod:`govinspect.collect.decode`)."""
        if self._text is None:
            self._text = decode_body(self.body, self.content_type)
        return self._text

    @property
    def text(self) -> str:
        return self.decoded()[0]


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """Map a transport exception to (outcome, message)."""
    message = f"{type(exc).__name__}: {exc}".strip()
    chain = [exc]
    while chain[-1].__cause__ is not None or chain[-1].__context__ is not None:
        nxt = chain[-1].__cause__ or chain[-1].__context__
        if nxt in chain:
            break
        chain.append(nxt)
    text = " ".join(str(e) for e in chain).lower()
    if isinstance(exc, httpx.TimeoutException | TimeoutError | asyncio.TimeoutError):
        return "timeout", message
    if any(isinstance(e, ssl.SSLError) for e in chain) or "certificate" in text or "ssl" in text:
        return "tls", message
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text:
        return "refused", message
    if isinstance(exc, httpx.TooManyRedirects):
        return "error", message
    if (
        any(isinstance(e, ConnectionResetError) for e in chain)
        or "reset" in text
        or "peer closed connection" in text
        or "incomplete" in text
        or isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError)
    ):
        return "reset", message
    return "error", message


def looks_challenged(status: int, body: bytes) -> bool:
    if status == 412:
        return True
    if len(body) > 20_000:
        return False
    head = body.decode("utf-8", "ignore")
    return any(marker in head for marker in _CHALLENGE_MARKERS)


class Fetcher:
    """An httpx client with bounded concurrency per host and overall. Use as an async context manager."""

    def __init__(self, policy: FetchPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self.policy = policy or FetchPolicy()
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(self.policy.global_limit)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self.policy.per_host))

    async def __aenter__(self) -> Fetcher:
        p = self.policy
        self._client = httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=p.max_redirects,
            timeout=httpx.Timeout(p.total_timeout, connect=p.connect_timeout),
            headers={"User-Agent": p.user_agent, "Accept": _ACCEPT, "Accept-Language": "zh-CN,zh;q=0.9"},
            verify=p.verify_tls,
            transport=self._transport,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def get(self, url: str, *, params: dict | None = None, headers: dict | None = None) -> FetchResult:
        assert self._client is not None, "use 'async with Fetcher() as f'"
        host = urlsplit(url).netloc
        fetched_at = datetime.now(UTC)
        start = time.perf_counter()
        async with self._global, self._hosts[host]:
            try:
                async with asyncio.timeout(self.policy.total_timeout):
                    result = await self._get(url, params, headers, fetched_at)
            except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome
                outcome, message = classify_exception(exc)
                result = FetchResult(url, None, fetched_at, outcome, error=message)
        result.elapsed_ms = round((time.perf_counter() - start) * 1000, 1)
        log.debug("GET %s -> %s %s (%.0f ms)", url, result.outcome, result.status_code, result.elapsed_ms)
        return result

    async def _get(self, url: str, params: dict | None, headers: dict | None, fetched_at: datetime) -> FetchResult:
        assert self._client is not None
        async with self._client.stream("GET", url, params=params, headers=headers) as response:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():  # decompressed; the limit bounds memory
                size += len(chunk)
                if size > self.policy.max_bytes:
                    return FetchResult(url, str(response.url), fetched_at, "too_large", response.status_code,
                                       content_type=response.headers.get("content-type"),
                                       error=f"body larger than {self.policy.max_bytes} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
        status = response.status_code
        if looks_challenged(status, body):
            outcome = "challenged"
        elif 200 <= status < 300:
            outcome = "ok"
        elif status == 429:
            outcome = "rate_limited"
        else:
            outcome = "http_error"
        return FetchResult(url, str(response.url), fetched_at, outcome, status, body=body,
                           content_type=response.headers.get("content-type"),
                           error=None if outcome == "ok" else f"HTTP {status}")

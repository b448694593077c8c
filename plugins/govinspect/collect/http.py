"""Fetch a URL and say what happened, as data: never raise for a network or HTTP failure.

Politeness (per-host concurrency and spacing), bounded retries of transient failures (timeout, reset, 5xx,
429; never TLS, challenges, other 4xx or oversized bodies) with jitter and ``Retry-After``, and the SSRF
guard (:mod:`govinspect.collect.netguard`: refused URLs are outcome ``blocked_by_policy``) all live here.

Every answer becomes a :class:`FetchResult` whose ``outcome`` is one of ``vocab.FETCH_OUTCOMES``. A fetch is
complete only when the whole body arrived within ``policy.total_timeout`` seconds (connect, redirects and
body together), which is the 19号 rule for availability ("not opened after 15 s is a failure").
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import ssl
import time
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from govinspect.collect.decode import decode_body
from govinspect.collect.netguard import BlockedByPolicy, NetGuard, Resolver, default_resolver

log = logging.getLogger(__name__)

_CHALLENGE_MARKERS = (
    "__jsl_clearance", "_waf_", "acw_sc__v2", "滑动验证", "安全验证", "请开启JavaScript", "challenge-platform",
)
_ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class FetchPolicy:
    """How to fetch. Timeouts and intervals in seconds.

    ``total_timeout`` bounds one attempt (connect, redirects, whole body); ``max_attempts`` bounds attempts of
    transient failures (timeout, reset, 5xx, 429), so one :meth:`Fetcher.get` takes at most about
    ``max_attempts * total_timeout`` plus the waits in between (each at most ``max(backoff_max,
    retry_after_cap)``). A ``Retry-After`` longer than ``retry_after_cap`` is not waited for: the answer is
    kept. ``min_interval`` spaces the starts of requests to one host; ``per_host`` bounds how many run at
    once. ``allowed_networks``: CIDRs the SSRF guard lets through (:mod:`govinspect.collect.netguard`).
    ``insecure_fallback``: after a certificate failure, fetch again without verification and mark the
    result ``verified_tls=False`` (off by default). ``max_host_pools``: how many hosts keep their idle
    connections open (least recently used hosts' pools are closed beyond it; see :class:`HostPools`).
    """

    total_timeout: float = 15.0
    connect_timeout: float = 10.0
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    global_limit: int = 16
    user_agent: str = "Mozilla/5.0 (compatible; govinspect/0.1; +government website inspection)"
    verify_tls: bool = True
    min_interval: float = 0.0
    max_attempts: int = 3
    backoff_base: float = 0.3
    backoff_max: float = 10.0
    retry_after_cap: float = 30.0
    insecure_fallback: bool = False
    allowed_networks: tuple[str, ...] = ()
    max_host_pools: int = 512


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
    attempts: int = 1  # requests made for this answer (retries and the insecure fallback included)
    verified_tls: bool = True  # False: the certificate failed and the body came from the insecure fallback
    retry_after: float | None = field(default=None, repr=False)  # seconds the server asked to wait (429/503)
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


_TRANSIENT = frozenset({"timeout", "reset"})
_RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or None if unreadable.

    ``now`` is the server's ``Date`` when it sent one (its clock may differ from ours), else our clock.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _server_now(headers: httpx.Headers) -> datetime | None:
    try:
        when = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that tells its pool when it is closed (the pool is in use until then)."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]):
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class HostPools(httpx.AsyncBaseTransport):
    """One small connection pool per (scheme, host, port), kept alive between requests to that host.

    httpx's single shared pool keeps 20 idle connections for all hosts: a crawl over hundreds of hosts, each
    asked again only after its politeness interval, finds its connection gone and opens a new TCP (and TLS)
    connection for nearly every request; a bigger shared pool costs more, since httpcore scans the whole pool
    on every request. Here each host keeps up to ``keepalive`` idle connections (the Fetcher's ``per_host``),
    all pools share one SSL context (building one loads the CA bundle: ~30 ms), and at most ``max_pools``
    hosts' pools are kept: beyond that the least recently used pools that have no request in flight are
    closed, so a run over thousands of sites does not hold thousands of pools.
    """

    def __init__(self, *, verify: bool = True, keepalive: int = 2, max_pools: int = 512):
        self._ssl = httpx.create_ssl_context(verify=verify)
        self._limits = httpx.Limits(max_connections=None, max_keepalive_connections=max(1, keepalive))
        self.max_pools = max(1, max_pools)
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: dict[tuple[bytes, bytes, int | None], int] = defaultdict(int)

    @property
    def pool_count(self) -> int:
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=self._limits)
            await self._evict()
        else:
            self._pools.move_to_end(key)
        self._busy[key] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._busy[key] -= 1
                if not self._busy[key]:
                    del self._busy[key]

        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=_ReleasingStream(response.stream, release), extensions=response.extensions)

    async def _evict(self) -> None:
        """Close the least recently used idle pools beyond ``max_pools`` (busy ones stay until released)."""
        excess = len(self._pools) - self.max_pools
        if excess <= 0:
            return
        idle = [k for k in self._pools if not self._busy.get(k)][:excess]
        pools = [self._pools.pop(k) for k in idle]  # out of the map before awaiting: a new request opens afresh
        for pool in pools:
            await pool.aclose()

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.aclose()


class Fetcher:
    """An httpx client with politeness (concurrency and spacing per host, bounded overall), bounded retries
    with backoff and jitter, and the SSRF guard on every request and redirect hop. Use as an async context
    manager. Never raises for a network or HTTP failure: every answer is a :class:`FetchResult`.

    Test seams: ``transport`` (e.g. ``httpx.MockTransport``), ``resolver`` (``(host, port) -> [addresses]``;
    with an injected transport and no resolver the guard checks schemes and literal addresses only),
    ``sleep``/``clock`` (an async sleep and a monotonic clock, to run backoff and spacing on fake time) and
    ``rng`` (jitter).
    """

    def __init__(self, policy: FetchPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None, *,
                 resolver: Resolver | None = None, sleep: Callable[[float], Awaitable[object]] | None = None,
                 clock: Callable[[], float] | None = None, rng: random.Random | None = None):
        self.policy = policy or FetchPolicy()
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._insecure: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(self.policy.global_limit)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self.policy.per_host))
        self._next_slot: dict[str, float] = defaultdict(float)  # host -> earliest start of its next request
        self._sleep = sleep or asyncio.sleep
        self._clock = clock or time.monotonic
        self._rng = rng or random.Random()
        if resolver is None and transport is None:
            resolver = default_resolver
        self.guard = NetGuard(self.policy.allowed_networks, resolver)

    def _make_client(self, verify: bool) -> httpx.AsyncClient:
        p = self.policy
        # Without an injected transport: per-host kept-alive pools (one set per TLS mode: the unverified
        # fallback never shares a connection with verified requests).
        transport = self._transport or HostPools(verify=verify, keepalive=p.per_host, max_pools=p.max_host_pools)
        return httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=p.max_redirects,
            timeout=httpx.Timeout(p.total_timeout, connect=p.connect_timeout),
            headers={"User-Agent": p.user_agent, "Accept": _ACCEPT, "Accept-Language": "zh-CN,zh;q=0.9"},
            transport=transport,
            trust_env=False,
            event_hooks={"request": [self._check_request]},  # every hop, redirects included
        )

    async def _check_request(self, request: httpx.Request) -> None:
        await self.guard.check(request.url.scheme, request.url.raw_host.decode("ascii", "replace"), request.url.port)

    async def __aenter__(self) -> Fetcher:
        self._client = self._make_client(self.policy.verify_tls)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in (self._client, self._insecure):
            if client is not None:
                await client.aclose()

    async def get(self, url: str, *, params: dict | None = None, headers: dict | None = None) -> FetchResult:
        return await self.request("GET", url, params=params, headers=headers)

    async def head(self, url: str, *, headers: dict | None = None) -> FetchResult:
        """A HEAD request with the same politeness, retries and guard as :meth:`get` (empty body)."""
        return await self.request("HEAD", url, headers=headers)

    async def request(self, method: str, url: str, *, params: dict | None = None,
                      headers: dict | None = None) -> FetchResult:
        """``GET`` or ``HEAD`` one URL; see :meth:`get`."""
        assert self._client is not None, "use 'async with Fetcher() as f'"
        p = self.policy
        parts = urlsplit(url)
        host = (parts.hostname or parts.netloc).lower()
        fetched_at = datetime.now(UTC)
        start = time.perf_counter()
        attempts = transient = 0
        insecure, tls_error = False, None
        while True:
            attempts += 1
            result = await self._attempt(url, params, headers, fetched_at, host, insecure=insecure, method=method)
            if result.outcome == "tls" and p.insecure_fallback and not insecure:
                log.warning("%s %s: certificate not verified (%s); fetching again without verification",
                            method, url, result.error)
                insecure, tls_error = True, result.error
                continue
            transient += 1
            delay = self._retry_delay(result, transient, host)
            if delay is None:
                break
            log.info("%s %s -> %s %s (attempt %d of %d); retrying in %.1f s", method, url, result.outcome,
                     result.status_code or "", transient, p.max_attempts, delay)
            if delay > 0:  # a Retry-After wait happens in _pace, for every request to the host
                await self._sleep(delay)
        result.attempts = attempts
        if insecure:
            result.verified_tls = False
            note = f"TLS not verified (insecure fallback): {tls_error}"
            result.error = note if result.error is None else f"{result.error}; {note}"
        result.elapsed_ms = round((time.perf_counter() - start) * 1000, 1)
        log.debug("%s %s -> %s %s (%.0f ms, %d attempts)", method, url, result.outcome, result.status_code,
                  result.elapsed_ms, attempts)
        return result

    def _retry_delay(self, result: FetchResult, attempt: int, host: str) -> float | None:
        """Seconds to wait before the next attempt, or None when this answer is final."""
        p = self.policy
        status = result.status_code or 0
        retryable = result.outcome in _TRANSIENT or (
            result.outcome in ("http_error", "rate_limited") and (status >= 500 or status == 429))
        if not retryable or attempt >= p.max_attempts:
            return None
        backoff = min(p.backoff_max, p.backoff_base * 2 ** (attempt - 1))
        delay = backoff / 2 + self._rng.uniform(0, backoff / 2)  # "equal jitter": never 0, never in lockstep
        if status in _RETRY_AFTER_STATUSES and result.retry_after is not None:
            if result.retry_after > p.retry_after_cap:
                log.info("%s asks to wait %.0f s (over the %.0f s cap): not retrying", host, result.retry_after,
                         p.retry_after_cap)
                return None
            # The host said when: every request to it waits, not only this one.
            self._next_slot[host] = max(self._next_slot[host], self._clock() + result.retry_after)
            return 0.0
        return delay

    async def _pace(self, host: str) -> None:
        """Wait for this host's next free slot (``min_interval`` apart, and after any ``Retry-After``)."""
        now = self._clock()
        slot = max(now, self._next_slot[host])
        self._next_slot[host] = slot + self.policy.min_interval  # reserved before awaiting: no race in asyncio
        if slot > now:
            await self._sleep(slot - now)

    async def _attempt(self, url: str, params: dict | None, headers: dict | None, fetched_at: datetime, host: str,
                       *, insecure: bool, method: str = "GET") -> FetchResult:
        async with self._hosts[host]:
            await self._pace(host)
            async with self._global:
                try:
                    async with asyncio.timeout(self.policy.total_timeout):
                        return await self._send(url, params, headers, fetched_at, insecure=insecure, method=method)
                except BlockedByPolicy as exc:
                    log.warning("%s %s refused by policy: %s", method, url, exc)
                    return FetchResult(url, None, fetched_at, "blocked_by_policy", error=str(exc))
                except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome
                    outcome, message = classify_exception(exc)
                    return FetchResult(url, None, fetched_at, outcome, error=message)

    async def _send(self, url: str, params: dict | None, headers: dict | None, fetched_at: datetime, *,
                   insecure: bool = False, method: str = "GET") -> FetchResult:
        assert self._client is not None
        if insecure and self._insecure is None:
            self._insecure = self._make_client(verify=False)
        client = self._insecure if insecure else self._client
        async with client.stream(method, url, params=params, headers=headers) as response:
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
        result = FetchResult(url, str(response.url), fetched_at, outcome, status, body=body,
                             content_type=response.headers.get("content-type"),
                             error=None if outcome == "ok" else f"HTTP {status}")
        if status in _RETRY_AFTER_STATUSES:
            result.retry_after = parse_retry_after(response.headers.get("retry-after"),
                                                   _server_now(response.headers))
        return result

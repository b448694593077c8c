"""The HTTP client (``govinspect.collect.http``): retries, Retry-After, politeness and the SSRF guard.

Fast: ``httpx.MockTransport`` and a fake clock/sleep injected into the Fetcher (no real waiting), plus one
tiny local server for the probe's single GET.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from govinspect.collect.http import Fetcher, FetchPolicy, parse_retry_after
from govinspect.collect.netguard import (
    ALLOWED_NETWORKS_ENV,
    allowed_networks_from_env,
    parse_networks,
    refusal,
)
from govinspect.collect.probe import PROBE_POLICY, probe_policy, probe_sites
from govinspect.vocab import FETCH_OUTCOMES


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorder:
    """A MockTransport handler answering from a list (the last answer repeats), recording each request."""

    def __init__(self, *answers, clock: FakeTime | None = None):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []
        self.clock = clock

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.clock:
            self.times.append(self.clock.now)
        answer = self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer


def fetch(handler, urls, policy: FetchPolicy | None = None, fake: FakeTime | None = None, resolver=None):
    fake = fake or FakeTime()

    async def go():
        async with Fetcher(policy or FetchPolicy(), transport=httpx.MockTransport(handler), resolver=resolver,
                           sleep=fake.sleep, clock=fake.clock, rng=random.Random(7)) as f:
            return [await f.get(u) for u in ([urls] if isinstance(urls, str) else urls)]

    results = asyncio.run(go())
    return results[0] if isinstance(urls, str) else results


PAGE = httpx.Response(200, html="<html><body>ok</body></html>")


# --- retries ---------------------------------------------------------------------------------------------

def test_5xx_then_ok_is_retried_with_jittered_backoff_and_counted():
    fake = FakeTime()
    handler = Recorder(httpx.Response(502), httpx.Response(503), PAGE)
    r = fetch(handler, "http://site.example/", FetchPolicy(max_attempts=3, backoff_base=1.0), fake)
    assert (r.outcome, r.status_code, r.attempts, len(handler.requests)) == ("ok", 200, 3, 3)
    assert len(fake.sleeps) == 2
    assert 0.5 <= fake.sleeps[0] <= 1.0 and 1.0 <= fake.sleeps[1] <= 2.0  # equal jitter: [b/2, b], b doubling


def test_retries_are_bounded_and_the_last_answer_kept():
    fake = FakeTime()
    handler = Recorder(httpx.Response(500, text="nginx"))
    r = fetch(handler, "http://site.example/", FetchPolicy(max_attempts=4, backoff_base=1.0, backoff_max=2.5), fake)
    assert (r.outcome, r.status_code, r.attempts, len(handler.requests)) == ("http_error", 500, 4, 4)
    assert len(fake.sleeps) == 3 and max(fake.sleeps) <= 2.5


def test_jitter_differs_between_fetchers():
    delays = set()
    for seed in range(5):
        fake = FakeTime()

        async def go(fake=fake, seed=seed):
            async with Fetcher(FetchPolicy(max_attempts=2, backoff_base=1.0),
                               transport=httpx.MockTransport(Recorder(httpx.Response(503), PAGE)),
                               sleep=fake.sleep, clock=fake.clock, rng=random.Random(seed)) as f:
                return await f.get("http://site.example/")

        asyncio.run(go())
        delays.add(round(fake.sleeps[0], 6))
    assert len(delays) > 1


@pytest.mark.parametrize(("exc", "outcome"), [
    (httpx.ReadTimeout("timed out"), "timeout"),
    (httpx.RemoteProtocolError("peer closed connection without sending complete message body"), "reset"),
    (httpx.ReadError("[Errno 104] Connection reset by peer"), "reset"),
])
def test_transient_transport_failures_are_retried(exc, outcome):
    handler = Recorder(exc)
    r = fetch(handler, "http://site.example/", FetchPolicy(max_attempts=3))
    assert (r.outcome, r.attempts, len(handler.requests)) == (outcome, 3, 3)
    ok = fetch(Recorder(exc, PAGE), "http://site.example/", FetchPolicy(max_attempts=3))
    assert (ok.outcome, ok.attempts) == ("ok", 2)


@pytest.mark.parametrize(("answer", "outcome"), [
    (httpx.Response(404, text="not found"), "http_error"),
    (httpx.Response(403, text="forbidden"), "http_error"),
    (httpx.Response(412, html="<script>$_ts=window['$_ts'];</script>"), "challenged"),
    (httpx.Response(200, html="<script>var arg1='3A5F';document.cookie='acw_sc__v2='+x</script>"), "challenged"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"),
     "tls"),
    (httpx.Response(200, content=b"x" * 5000), "too_large"),
    (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
])
def test_no_retry_for_4xx_challenges_tls_and_oversized(answer, outcome):
    fake = FakeTime()
    handler = Recorder(answer, PAGE)
    r = fetch(handler, "http://site.example/", FetchPolicy(max_attempts=3, max_bytes=1000), fake)
    assert (r.outcome, r.attempts, len(handler.requests), fake.sleeps) == (outcome, 1, 1, [])


def test_insecure_fallback_is_off_by_default_and_marks_the_result():
    cert = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired")
    strict = fetch(Recorder(cert, PAGE), "https://site.example/")
    assert (strict.outcome, strict.verified_tls, strict.attempts) == ("tls", True, 1)
    loose = fetch(Recorder(cert, PAGE), "https://site.example/", FetchPolicy(insecure_fallback=True))
    assert (loose.outcome, loose.verified_tls, loose.attempts) == ("ok", False, 2)
    assert "TLS not verified" in loose.error and "expired" in loose.error


# --- Retry-After -----------------------------------------------------------------------------------------

def test_429_retry_after_seconds_is_honoured():
    fake = FakeTime()
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), PAGE, clock=fake)
    r = fetch(handler, "http://api.example/feed", FetchPolicy(max_attempts=3), fake)
    assert (r.outcome, r.attempts) == ("ok", 2)
    assert handler.times == [0.0, 7.0] and fake.sleeps == [7.0]


def test_503_retry_after_http_date_is_read_against_the_servers_date():
    fake = FakeTime()
    server_now = datetime(2024, 9, 10, 12, 0, tzinfo=UTC)  # the server's clock, not ours
    headers = {"Date": format_datetime(server_now, usegmt=True),
               "Retry-After": format_datetime(server_now + timedelta(seconds=12), usegmt=True)}
    handler = Recorder(httpx.Response(503, headers=headers), PAGE, clock=fake)
    r = fetch(handler, "http://site.example/", FetchPolicy(), fake)
    assert (r.outcome, r.attempts, handler.times) == ("ok", 2, [0.0, 12.0])


def test_retry_after_over_the_cap_is_not_waited_for():
    fake = FakeTime()
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}), PAGE)
    r = fetch(handler, "http://api.example/", FetchPolicy(retry_after_cap=30), fake)
    assert (r.outcome, r.status_code, r.attempts, fake.sleeps) == ("rate_limited", 429, 1, [])
    exhausted = fetch(Recorder(httpx.Response(429, headers={"Retry-After": "2"})), "http://api.example/",
                      FetchPolicy(max_attempts=3))
    assert (exhausted.outcome, exhausted.attempts) == ("rate_limited", 3)


def test_retry_after_holds_back_every_request_to_that_host():
    fake = FakeTime()
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "5"}), PAGE, clock=fake)
    r1, r2 = fetch(handler, ["http://api.example/a", "http://api.example/b"], FetchPolicy(min_interval=0), fake)
    assert (r1.outcome, r2.outcome) == ("ok", "ok")
    assert handler.times == [0.0, 5.0, 5.0]


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 0 ", 0.0), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0), ("soon", None), ("", None)])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, datetime(2015, 10, 21, 7, 28, tzinfo=UTC)) == seconds


# --- politeness -------------------------------------------------------------------------------------------

def test_minimum_interval_between_requests_to_the_same_host():
    fake = FakeTime()
    handler = Recorder(PAGE, clock=fake)
    fetch(handler, ["http://a.example/1", "http://a.example/2", "http://b.example/1", "http://a.example/3"],
          FetchPolicy(min_interval=1.5), fake)
    starts = [(r.url.host, t) for r, t in zip(handler.requests, handler.times, strict=True)]
    assert starts == [("a.example", 0.0), ("a.example", 1.5), ("b.example", 1.5), ("a.example", 3.0)]


def test_per_host_concurrency_is_bounded():
    active = {"now": 0, "max": 0}

    async def go():
        async def handler(request):
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
            await asyncio.sleep(0.01)
            active["now"] -= 1
            return httpx.Response(200, text="ok")

        async with Fetcher(FetchPolicy(per_host=2), transport=httpx.MockTransport(handler)) as f:
            return await asyncio.gather(*(f.get(f"http://a.example/{i}") for i in range(6)))

    assert all(r.ok for r in asyncio.run(go())) and active["max"] == 2


# --- SSRF guard -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost.127.0.0.1.nip/",  # second: resolver says loopback
    "http://10.1.2.3/admin", "http://192.168.1.1/", "http://172.16.0.9/", "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://224.0.0.1/",
    "http://240.0.0.1/", "http://internal.example/",
    "file:///etc/passwd", "ftp://ftp.example/pub", "gopher://site.example/",
])
def test_ssrf_refusals(url):
    handler = Recorder(PAGE)
    resolve = {"localhost.127.0.0.1.nip": ["127.0.0.1"], "internal.example": ["93.184.216.34", "10.0.0.7"]}

    async def resolver(host, port):
        return resolve.get(host, ["93.184.216.34"])

    r = fetch(handler, url, resolver=resolver)
    assert r.outcome == "blocked_by_policy" and r.error and r.attempts == 1
    assert handler.requests == []  # nothing was sent


def test_public_addresses_pass_and_redirect_to_private_is_refused():
    async def resolver(host, port):
        return {"site.example": ["93.184.216.34"], "evil.example": ["192.168.0.10"]}[host]

    handler = Recorder(lambda req: {
        "/": httpx.Response(200, text="public"),
        "/to-private": httpx.Response(302, headers={"Location": "http://10.0.0.5/admin"}),
        "/to-evil": httpx.Response(302, headers={"Location": "http://evil.example/"}),
        "/to-file": httpx.Response(302, headers={"Location": "file:///etc/passwd"}),
    }[req.url.path])
    ok, private, evil, file = fetch(handler, ["http://site.example/", "http://site.example/to-private",
                                              "http://site.example/to-evil", "http://site.example/to-file"],
                                    resolver=resolver)
    assert ok.outcome == "ok"
    assert [r.outcome for r in (private, evil, file)] == ["blocked_by_policy"] * 3
    assert "10.0.0.5" in private.error and "192.168.0.10" in evil.error and "scheme" in file.error
    assert {r.url.host for r in handler.requests} == {"site.example"}


def test_allowed_networks_let_the_listed_blocks_through_only():
    handler = Recorder(PAGE)
    policy = FetchPolicy(allowed_networks=("127.61.0.0/16", "169.254.0.0/16"))
    ok, other, metadata = fetch(handler, ["http://127.61.0.1:8061/", "http://127.62.0.1/",
                                          "http://169.254.169.254/"], policy)
    assert [r.outcome for r in (ok, other, metadata)] == ["ok", "blocked_by_policy", "blocked_by_policy"]
    exact = fetch(Recorder(PAGE), "http://169.254.169.254/", FetchPolicy(allowed_networks=("169.254.169.254/32",)))
    assert exact.outcome == "ok"  # a metadata address only when allowed by itself


def test_real_resolution_refuses_localhost_without_blocking():
    async def go():
        async with Fetcher(FetchPolicy(total_timeout=5)) as f:  # the real transport and loop.getaddrinfo
            return await f.get("http://localhost:9/")

    r = asyncio.run(go())
    assert r.outcome == "blocked_by_policy" and "loopback" in r.error


def test_refusal_and_configuration_helpers():
    assert refusal("8.8.8.8") is None and refusal("2001:4860:4860::8888") is None
    assert "loopback" in refusal("127.0.0.1") and "private" in refusal("10.0.0.1")
    assert "link-local" in refusal("169.254.1.1") and "metadata" in refusal("169.254.169.254")
    assert allowed_networks_from_env({ALLOWED_NETWORKS_ENV: " 127.61.0.0/16, 10.8.0.0/24 "}) == (
        "127.61.0.0/16", "10.8.0.0/24")
    assert allowed_networks_from_env({}) == ()
    with pytest.raises(ValueError, match="not a network"):
        parse_networks("127.61.0.0/16,intranet")
    assert "blocked_by_policy" in FETCH_OUTCOMES


# --- the availability probe: one GET, no retries ----------------------------------------------------------

def test_probe_makes_exactly_one_get_even_on_503(monkeypatch):
    assert PROBE_POLICY.max_attempts == 1 and PROBE_POLICY.total_timeout == 15.0
    monkeypatch.setenv(ALLOWED_NETWORKS_ENV, "127.0.0.1/32")
    assert probe_policy().allowed_networks == ("127.0.0.1/32",)
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                     b"Connection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def go():
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            rows = await probe_sites([{"site_id": "x", "home_url": f"http://127.0.0.1:{port}/"},
                                      {"site_id": "y", "home_url": f"http://127.0.0.2:{port}/"}])
        return rows

    rows = asyncio.run(go())
    assert [(r["site_id"], r["outcome"], r["status_code"]) for r in rows] == [
        ("x", "http_error", 503), ("y", "blocked_by_policy", None)]
    assert len(seen) == 1


def test_policy_objects_stay_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROBE_POLICY.max_attempts = 3  # type: ignore[misc]

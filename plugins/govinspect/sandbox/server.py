"""Server core: many loopback hosts, one asyncio event loop in one background thread.

Each simulated host (a website or a platform) is an ``asyncio.start_server`` listener on its own
address in 127.0.0.0/8. Requests are parsed by a small HTTP/1.1 parser (GET and HEAD; anything else
gets 405), handed to the host's handler, and answered with ``Connection: close``. Owning the socket
writes is deliberate: a host may carry a :class:`~govinspect.sandbox.faults.HostFaults` (outage windows,
faults) and a TLS context. Per connection: an outage active at accept time (simulated clock) resets or
hangs the connection or answers 503; otherwise the request is read, a *response* fault may replace or
rewrite the handler's answer, and a *delivery* fault may change how its bytes go out (hang, reset, slow
drip, truncated body). See the "Faults" section of :mod:`govinspect.sandbox`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from govinspect.sandbox.faults import HostFaults

log = logging.getLogger(__name__)

READ_TIMEOUT = 15.0  # seconds to receive a complete request head
TLS_HANDSHAKE_TIMEOUT = 10.0
MAX_LINE = 8192
MAX_HEADERS = 100
MAX_BODY = 1 << 20  # request bodies are read and discarded up to this size


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # as sent: path and query
    path: str  # percent-decoded
    query: dict[str, str]  # first value of each parameter; blank values kept
    headers: dict[str, str]  # lower-case names
    version: str
    local: tuple[str, int]  # the address the client connected to (which host)

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


Handler = Callable[[Request], Response]


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError as exc:
        raise BadRequest(431, "line too long") from exc
    if len(line) > MAX_LINE:
        raise BadRequest(431, "line too long")
    return line.rstrip(b"\r\n")


async def read_request(reader: asyncio.StreamReader, local: tuple[str, int]) -> Request:
    """Read and parse one request head (tolerates bare LF line ends and leading blank lines)."""
    line = await _read_line(reader)
    for _ in range(4):
        if line:
            break
        line = await _read_line(reader)
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequest(400, "malformed request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        raw = await _read_line(reader)
        if not raw:
            break
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(400, "malformed header line")
        headers[name.lower()] = value.strip()
    else:
        raise BadRequest(431, "too many header lines")
    length = headers.get("content-length")
    if length:
        if not length.isdigit() or int(length) > MAX_BODY:
            raise BadRequest(400 if not length.isdigit() else 413, "bad or too large body")
        await reader.readexactly(int(length))
    try:
        split = urlsplit(target)
    except ValueError as exc:
        raise BadRequest(400, "malformed target") from exc
    query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    return Request(method.upper(), target, unquote(split.path) or "/", query, headers, version, local)


def serialize(response: Response, *, head_only: bool, date: datetime, server: str) -> bytes:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [
        f"HTTP/1.1 {response.status} {reason}",
        f"Date: {format_datetime(date.astimezone(UTC), usegmt=True)}",
        f"Server: {server}",
    ]
    if response.content_type:
        lines.append(f"Content-Type: {response.content_type}")
    lines += [f"{k}: {v}" for k, v in response.headers]
    lines += [f"Content-Length: {len(response.body)}", "Connection: close", "", ""]
    head = "\r\n".join(lines).encode("latin-1")
    return head if head_only else head + response.body


@dataclass
class Host:
    """One listener: an address, a handler and the Server header it answers with."""

    name: str
    address: str
    port: int
    handler: Handler
    server_header: str = "nginx"
    listener: asyncio.Server | None = None
    faults: HostFaults | None = None  # outages and faults (None: always healthy)
    ssl_context: ssl.SSLContext | None = None  # serve HTTPS with this context

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context is not None else "http"


class ServerCore:
    """One background thread running one event loop that serves every host."""

    def __init__(self, now: Callable[[], datetime], thread_name: str = "govinspect-sandbox"):
        self._now = now
        self._thread_name = thread_name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._clients: set[asyncio.Task] = set()
        self.hosts: list[Host] = []

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name=self._thread_name, daemon=True)
        self._thread.start()
        ready.wait(10)

    def add_host(self, name: str, address: str, port: int, handler: Handler, server_header: str = "nginx", *,
                 faults: HostFaults | None = None, ssl_context: ssl.SSLContext | None = None) -> Host:
        """Bind ``address:port`` (port 0 = ephemeral) and serve ``handler`` there; returns the bound host.

        ``faults``: the host's outages and faults; ``ssl_context``: serve HTTPS instead of HTTP.
        """
        assert self._loop is not None, "start() first"
        host = Host(name, address, port, handler, server_header, faults=faults, ssl_context=ssl_context)
        tls = {"ssl": ssl_context, "ssl_handshake_timeout": TLS_HANDSHAKE_TIMEOUT} if ssl_context else {}

        async def bind() -> asyncio.Server:
            return await asyncio.start_server(
                lambda r, w: self._client(host, r, w), address, port, limit=MAX_LINE * 2, reuse_address=True,
                **tls,
            )

        host.listener = asyncio.run_coroutine_threadsafe(bind(), self._loop).result(10)
        host.port = host.listener.sockets[0].getsockname()[1]
        self.hosts.append(host)
        return host

    async def _client(self, host: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)
        try:
            await self._exchange(host, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away or never finished its request
        except Exception:
            log.exception("sandbox host %s: unexpected error", host.name)
        finally:
            self._clients.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _exchange(self, host: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        plan = host.faults
        outage = plan.outage_at(self._now()) if plan is not None else None
        if plan is not None and outage is not None and outage.kind != "http_503":
            await plan.outage_connection(outage, reader, writer)
            return
        head_only = False
        delivery = None
        try:
            request = await asyncio.wait_for(read_request(reader, (host.address, host.port)), READ_TIMEOUT)
            head_only = request.method == "HEAD"
            if request.method not in ("GET", "HEAD"):
                response = Response(405, b"method not allowed\n", "text/plain", [("Allow", "GET, HEAD")])
            elif plan is not None and outage is not None:
                response = plan.outage_response(outage)
            else:
                try:
                    fault = None
                    if plan is not None:
                        fault, delivery = plan.select(request, self._now())
                    response = plan.respond(fault, request, host.handler) if plan and fault else host.handler(request)
                except Exception:
                    log.exception("sandbox host %s: handler failed for %s", host.name, request.target)
                    response = Response(500, b"internal server error\n", "text/plain")
        except BadRequest as exc:
            response = Response(exc.status, f"{exc}\n".encode(), "text/plain")
        data = serialize(response, head_only=head_only, date=self._now(), server=host.server_header)
        if plan is not None and delivery is not None:
            await plan.deliver(delivery, data, len(data) - (0 if head_only else len(response.body)), reader, writer)
            return
        writer.write(data)
        await writer.drain()

    def stop(self) -> None:
        """Close every listener and connection, stop the loop and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            for host in self.hosts:
                if host.listener is not None:
                    host.listener.close()
            for task in list(self._clients):
                task.cancel()
            await asyncio.gather(*self._clients, return_exceptions=True)
            for host in self.hosts:
                if host.listener is not None:
                    await host.listener.wait_closed()

        if thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
        loop.close()
        self._loop = self._thread = None
        self.hosts = []
        self._clients = set()

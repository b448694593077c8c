"""A farm of simulated TRS-like government sites for the crawl benchmark, on loopback only.

Site ``i`` is its own host, ``127.62.<i // 250>.<i % 250 + 1>``, all on one port. Each site has ``columns``
columns of ``pages`` list pages in the TRS WCM shape (``/col<c>/index.html``, ``index_1.html``, …): a
navigation menu, a ``<ul class="list">`` of items (link with the full title in ``title`` when the text is
shortened, date in a ``<span>``), and the pager as TRS writes it — ``createPageHTML(total, current, "index",
"html")`` plus plain 下一页/尾页 links. Every answer is delayed by a seeded latency drawn from
``latency_ms`` (the same URL always gets the same delay and the same page), so runs are comparable.

The server is a plain ``asyncio.Protocol`` (HTTP/1.1, keep-alive, GET/HEAD only), started in one or more
processes that share the listening sockets with ``SO_REUSEPORT``. Run it alone with
``python benchmarks/_farm.py --sites 3 --columns 2 --pages 2`` (prints the port, serves until killed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from urllib.parse import urljoin

FARM_NETWORK = "127.62.0.0/16"
SITES_PER_OCTET = 250
MAX_SITES = 250 * 256

_WORDS = (
    "甘孜州", "人民政府", "召开", "专题会议", "部署", "安全生产", "乡村振兴", "重点工作", "关于印发", "实施方案",
    "的通知", "公示", "政务公开", "工作要点", "调研", "督导", "民生实事", "推进会", "生态保护", "文旅融合",
    "高原", "牧区", "教育", "医疗", "就业", "项目建设", "招商引资", "森林草原防灭火", "防汛", "疫情防控",
)
_COLUMN_NAMES = ("要闻动态", "部门动态", "县市动态", "通知公告", "政策文件", "政策解读", "人事信息", "规划计划",
                 "财政信息", "应急管理", "民生保障", "专题专栏")
_PAGER = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")


@dataclass(frozen=True)
class FarmSpec:
    sites: int = 500
    columns: int = 10
    pages: int = 3
    items: int = 20
    latency_ms: tuple[int, int] = (20, 150)
    seed: int = 2024
    as_of: str = "2024-09-30"

    def __post_init__(self) -> None:
        if not 1 <= self.sites <= MAX_SITES:
            raise ValueError(f"sites must be 1..{MAX_SITES}, not {self.sites}")
        if self.columns < 1 or self.pages < 1 or self.items < 1:
            raise ValueError("columns, pages and items must be at least 1")
        low, high = self.latency_ms
        if not 0 <= low <= high:
            raise ValueError(f"latency range {low}-{high} ms is not a range")

    @property
    def total_pages(self) -> int:
        return self.sites * self.columns * self.pages

    @property
    def total_items(self) -> int:
        return self.total_pages * self.items

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> FarmSpec:
        data = json.loads(text)
        data["latency_ms"] = tuple(data["latency_ms"])
        return cls(**data)


def site_host(index: int) -> str:
    return f"127.62.{index // SITES_PER_OCTET}.{index % SITES_PER_OCTET + 1}"


def _site_index(host: str) -> int | None:
    parts = host.split(".")
    if len(parts) != 4 or parts[:2] != ["127", "62"]:
        return None
    try:
        return int(parts[2]) * SITES_PER_OCTET + int(parts[3]) - 1
    except ValueError:
        return None


def page_name(page: int) -> str:
    return "index.html" if page == 0 else f"index_{page}.html"


def start_urls(spec: FarmSpec, port: int) -> list[str]:
    """The first list page of every column: what an inventory lists (``columns.csv``)."""
    return [f"http://{site_host(s)}:{port}/col{c}/index.html" for s in range(spec.sites) for c in range(spec.columns)]


def all_urls(spec: FarmSpec, port: int) -> list[str]:
    """Every list page, interleaved across hosts (what the raw capacity client fetches)."""
    return [f"http://{site_host(s)}:{port}/col{c}/{page_name(p)}"
            for p in range(spec.pages) for c in range(spec.columns) for s in range(spec.sites)]


def next_page_url(text: str, url: str) -> str | None:
    """The next list page by TRS's pager script ``createPageHTML(total, current, "index", "html")``, if any.

    The same rule for every crawler in the benchmark, so each follows exactly the same pages.
    """
    m = _PAGER.search(text)
    if not m:
        return None
    total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    if current + 1 >= total:
        return None
    return urljoin(url, f"{stem}_{current + 1}.{ext}")


# --- pages -----------------------------------------------------------------------------------------------------


def _rng(spec: FarmSpec, *key: object) -> random.Random:
    return random.Random(zlib.crc32(repr((spec.seed, *key)).encode()))


def _title(rng: random.Random) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9)))


def render_list(spec: FarmSpec, site: int, column: int, page: int) -> bytes:
    """One TRS-like list page: newest items first, dates going back from the monitoring point."""
    rng = _rng(spec, site, column, page)
    as_of = date.fromisoformat(spec.as_of)
    name = _COLUMN_NAMES[column % len(_COLUMN_NAMES)]
    day = as_of - timedelta(days=page * spec.items * 3 + rng.randint(0, 5))
    nav = "".join(f'<li><a href="../col{c}/index.html">{_COLUMN_NAMES[c % len(_COLUMN_NAMES)]}</a></li>'
                  for c in range(min(spec.columns, 12)))
    rows = []
    for n in range(spec.items):
        day -= timedelta(days=rng.randint(0, 5))
        title = _title(rng)
        shown = title if len(title) <= 18 else title[:16] + "…"
        href = f"./{day:%Y%m}/t{day:%Y%m%d}_{site * 100000 + column * 1000 + page * 100 + n}.html"
        rows.append(f'<li><a href="{href}" title="{title}" target="_blank">{shown}</a>'
                    f'<span class="date">{day:%Y-%m-%d}</span></li>')
    pager = [f'<script type="text/javascript">createPageHTML({spec.pages}, {page}, "index", "html");</script>']
    if page + 1 < spec.pages:
        pager.append(f'<a href="{page_name(page + 1)}" class="next">下一页</a>')
        pager.append(f'<a href="{page_name(spec.pages - 1)}">尾页</a>')
    body = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{name}_甘孜模拟站点{site}</title>"
        '<link rel="stylesheet" href="/images/style.css"></head><body>'
        f'<div class="header"><div class="logo">模拟政府网站 {site}</div><ul class="nav">'
        f'<li><a href="/">首页</a></li>{nav}</ul></div>'
        f'<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div>'
        f'<div class="list-box"><ul class="list">{"".join(rows)}</ul>'
        f'<div class="page">{"".join(pager)}</div></div></div>'
        '<div class="footer">主办：模拟单位 · 网站标识码 5133000000 · 蜀ICP备00000000号</div></body></html>'
    )
    return body.encode("utf-8")


def render_home(spec: FarmSpec, site: int) -> bytes:
    links = "".join(f'<li><a href="/col{c}/index.html">{_COLUMN_NAMES[c % len(_COLUMN_NAMES)]}</a></li>'
                    for c in range(spec.columns))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>甘孜模拟站点{site}</title></head>'
            f'<body><ul class="nav">{links}</ul></body></html>').encode()


_PATH = re.compile(r"^/col(\d+)/index(?:_(\d+))?\.html$")


def route(spec: FarmSpec, host: str, path: str) -> bytes | None:
    site = _site_index(host.split(":")[0])
    if site is None or site >= spec.sites:
        return None
    if path in ("/", "/index.html"):
        return render_home(spec, site)
    m = _PATH.match(path.split("?")[0])
    if not m:
        return None
    column, page = int(m.group(1)), int(m.group(2) or 0)
    if column >= spec.columns or page >= spec.pages:
        return None
    return render_list(spec, site, column, page)


def latency(spec: FarmSpec, host: str, path: str) -> float:
    low, high = spec.latency_ms
    return (low + zlib.crc32(f"{spec.seed}|{host}|{path}".encode()) % (high - low + 1)) / 1000


# --- server ----------------------------------------------------------------------------------------------------


class _HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; answers in request order, each after its seeded latency."""

    def __init__(self, spec: FarmSpec, stats: dict[str, int]):
        self.spec, self.stats = spec, stats
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.ready_at = 0.0  # answers leave in order: never before the previous one

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4:]
            self._answer(head)

    def _answer(self, head: str) -> None:
        lines = head.split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self._send(self._response(400, b"bad request", close=True), 0.0, close=True)
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        host = headers.get("host", "").split(":")[0]
        path = target if target.startswith("/") else "/" + target.split("/", 3)[-1]
        close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
        body = route(self.spec, host, path) if method in ("GET", "HEAD") else None
        status = 200 if body is not None else 404
        payload = body if body is not None else b"<html><body>404 Not Found</body></html>"
        self.stats["requests"] += 1
        self._send(self._response(status, b"" if method == "HEAD" else payload, close, len(payload)),
                   latency(self.spec, host, path), close)

    @staticmethod
    def _response(status: int, body: bytes, close: bool, length: int | None = None) -> bytes:
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
        return (f"HTTP/1.1 {status} {reason}\r\nServer: TRS-farm\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body) if length is None else length}\r\n"
                f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n").encode() + body

    def _send(self, response: bytes, delay: float, close: bool) -> None:
        loop = asyncio.get_running_loop()
        at = max(loop.time() + delay, self.ready_at)
        self.ready_at = at
        loop.call_at(at, self._write, response, close)

    def _write(self, response: bytes, close: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(response)
        if close:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _serve(spec: FarmSpec, port: int, ready_fd: int | None) -> None:
    loop = asyncio.get_running_loop()
    stats = {"requests": 0}
    servers = []
    for s in range(spec.sites):
        servers.append(await loop.create_server(lambda: _HttpProtocol(spec, stats), site_host(s), port,
                                                reuse_port=True, backlog=1024))
    if ready_fd is not None:
        os.write(ready_fd, b"ready\n")
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if ready_fd is not None:  # started by Farm: never outlive the benchmark (killed or crashed)
        parent = os.getppid()

        def orphaned() -> None:
            if os.getppid() != parent:
                stop.set()
            else:
                loop.call_later(1.0, orphaned)

        loop.call_later(1.0, orphaned)
    await stop.wait()
    for server in servers:
        server.close()


def free_port() -> int:
    """A port free on the farm's first address (every site listens on the same port)."""
    with socket.socket() as sock:
        sock.bind((site_host(0), 0))
        return sock.getsockname()[1]


class Farm:
    """The farm's server processes, as a context manager: ``with Farm(spec, processes=2) as port: …``."""

    def __init__(self, spec: FarmSpec, processes: int = 1, port: int | None = None):
        self.spec, self.processes, self.port = spec, processes, port or free_port()
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> int:
        for _ in range(self.processes):
            read_fd, write_fd = os.pipe()
            proc = subprocess.Popen([sys.executable, __file__, "--spec", self.spec.to_json(), "--port",
                                     str(self.port), "--ready-fd", str(write_fd)], pass_fds=(write_fd,))
            os.close(write_fd)
            self._procs.append(proc)
            with os.fdopen(read_fd, "rb") as ready:
                if ready.readline() != b"ready\n":
                    self.__exit__()
                    raise RuntimeError(f"farm process {proc.pid} did not start (port {self.port})")
        return self.port

    def __exit__(self, *exc: object) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs.clear()

    def pids(self) -> Iterator[int]:
        return (p.pid for p in self._procs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the benchmark's farm of TRS-like sites on 127.62.x.y")
    parser.add_argument("--spec", help="FarmSpec as JSON (internal)")
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--columns", type=int, default=2)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    spec = FarmSpec.from_json(args.spec) if args.spec else FarmSpec(args.sites, args.columns, args.pages)
    port = args.port or free_port()
    if args.ready_fd is None:
        print(f"farm: {spec.sites} sites on http://{site_host(0)}:{port}/ … "
              f"http://{site_host(spec.sites - 1)}:{port}/", flush=True)
    asyncio.run(_serve(spec, port, args.ready_fd))


if __name__ == "__main__":
    main()

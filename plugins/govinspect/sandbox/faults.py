"""Faults and outage windows of the simulated hosts: what real sites and platforms do to a collector.

The scenario format (``faults:`` and ``outages:`` on a site, or under ``platforms: {<connector>: …}``) and
every kind with its options are documented in :mod:`govinspect.sandbox` ("Faults"). This module holds:

- the scenario models (:class:`Fault`, :class:`Outage`, :class:`PlatformOptions`), validated with the rest of
  the scenario;
- :class:`HostFaults`, the per-host runtime the server core (:mod:`.server`) consults for every
  connection: outage at accept time, then at most one *response* fault (changes what is answered) and at
  most one *delivery* fault (changes how the bytes go out) per request;
- :func:`probe_schedule`, instants for a replay driver (see :meth:`govinspect.sandbox.Sandbox.replay`).

Everything runs in the server's event-loop thread except :meth:`HostFaults.reset`.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import fnmatch
import hashlib
import math
import re
import socket
import ssl
import struct
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from http import HTTPStatus
from typing import Annotated
from urllib.parse import urlencode

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from govinspect.sandbox.clock import CST
from govinspect.sandbox.server import Request, Response
from govinspect.sandbox.tls import TLS_KINDS, SandboxTLS

# --- vocabulary -------------------------------------------------------------------------------------------
RESPONSE_KINDS = ("http_5xx", "redirect_loop", "challenge_412", "challenge_js", "large_page",
                  "endless_pagination", "wrong_charset", "rate_limit")
DELIVERY_KINDS = ("hang", "reset", "slow_drip", "truncated")
FAULT_KINDS: tuple[str, ...] = (*RESPONSE_KINDS, *DELIVERY_KINDS, *TLS_KINDS)
OUTAGE_KINDS: tuple[str, ...] = ("refused", "hang", "http_503")
CHALLENGE_VENDORS: tuple[str, ...] = ("ruishu", "jsl", "acw")

SCOPE_FIELDS = ("paths", "window", "first", "every", "burst")
KIND_OPTIONS: dict[str, tuple[str, ...]] = {
    "http_5xx": ("status", "retry_after"),
    "hang": ("seconds",),
    "reset": ("after_bytes",),
    "slow_drip": ("rate", "duration", "interval"),
    "redirect_loop": ("status", "location"),
    "challenge_412": ("vendor",),
    "challenge_js": ("vendor",),
    "tls_self_signed": (),
    "tls_expired": (),
    "truncated": ("fraction",),
    "large_page": ("size",),
    "endless_pagination": (),
    "wrong_charset": ("header", "meta", "body"),
    "rate_limit": ("status", "retry_after", "limit", "per"),
}
DEFAULT_LARGE_PAGE = 20 * 1024 * 1024
DEFAULT_DRIP_DURATION = 30.0  # seconds a complete slow_drip body takes (W1 gives a visit 15 s)
DEFAULT_RETRY_AFTER = 60


def china_time(value: datetime) -> datetime:
    """Naive instants are China time; aware ones are converted to it."""
    return value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)


# --- scenario models --------------------------------------------------------------------------------------
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Model):
    """A span of scenario time, ``start`` included, ``end`` excluded (naive = China time)."""

    start: datetime
    end: datetime

    @field_validator("start", "end")
    @classmethod
    def _china(cls, v: datetime) -> datetime:
        return china_time(v)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%Y-%m-%dT%H:%M} is not after start {self.start:%Y-%m-%dT%H:%M}")
        return self

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


class Outage(Window):
    """The host is down from ``start`` to ``end`` in scenario time."""

    kind: str = "refused"

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in OUTAGE_KINDS:
            raise ValueError(f"unknown outage kind '{v}' (allowed: {' / '.join(OUTAGE_KINDS)})")
        return v


def _charset(value: str, what: str, extra: tuple[str, ...]) -> str:
    if value in extra:
        return value
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"{what}: unknown charset '{value}'") from None
    return value


class Fault(_Model):
    """One fault of a host: a kind, an optional scope and the kind's options (see the package docs)."""

    kind: str
    # scope
    paths: list[str] | None = None
    window: Window | None = None
    first: int | None = Field(default=None, ge=1)
    every: int | None = Field(default=None, ge=1)
    burst: int | None = Field(default=None, ge=1)
    # options (which apply depends on the kind: KIND_OPTIONS)
    status: int | list[int] | None = None
    retry_after: int | None = Field(default=None, ge=0)
    seconds: float | None = Field(default=None, gt=0)
    after_bytes: int | None = Field(default=None, ge=0)
    rate: float | None = Field(default=None, gt=0)
    duration: float | None = Field(default=None, gt=0)
    interval: float | None = Field(default=None, gt=0, le=60)
    location: str | None = None
    vendor: str | None = None
    fraction: float | None = Field(default=None, ge=0, lt=1)
    size: int | None = Field(default=None, ge=1024, le=512 * 1024 * 1024)
    header: str | None = None
    meta: str | None = None
    body: str | None = None
    limit: int | None = Field(default=None, ge=1)
    per: float | None = Field(default=None, gt=0)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind '{v}' (allowed: {' / '.join(FAULT_KINDS)})")
        return v

    @field_validator("paths")
    @classmethod
    def _paths(cls, v: list[str] | None) -> list[str] | None:
        for p in v or []:
            if not p.startswith("/"):
                raise ValueError(f"path glob '{p}' must start with '/'")
        return v

    @model_validator(mode="after")
    def _options(self) -> Fault:
        given = self.model_fields_set - {"kind"}
        allowed = KIND_OPTIONS[self.kind]
        extra = sorted(given - set(SCOPE_FIELDS) - set(allowed))
        if extra:
            raise ValueError(f"option '{extra[0]}' does not apply to kind '{self.kind}' "
                             f"(its options: {', '.join(allowed) or 'none'})")
        if self.kind in TLS_KINDS and given & set(SCOPE_FIELDS):
            raise ValueError(f"'{self.kind}' applies to the whole host: no paths/window/first/every/burst")
        if self.burst is not None and (self.every is None or self.burst > self.every):
            raise ValueError("'burst' needs 'every' and cannot exceed it")
        statuses = self.statuses
        if self.kind == "http_5xx" and not all(500 <= s <= 599 for s in statuses):
            raise ValueError(f"http_5xx status must be 5xx (got {statuses})")
        if self.kind == "redirect_loop" and not all(s in (301, 302, 303, 307, 308) for s in statuses):
            raise ValueError(f"redirect_loop status must be 301/302/303/307/308 (got {statuses})")
        if self.kind == "rate_limit" and not all(400 <= s <= 599 for s in statuses):
            raise ValueError(f"rate_limit status must be 4xx/5xx (got {statuses})")
        if self.location is not None and not self.location.startswith(("/", "http://", "https://")):
            raise ValueError(f"location '{self.location}' must be a path or an absolute URL")
        if self.vendor is not None and self.vendor not in CHALLENGE_VENDORS:
            raise ValueError(f"unknown vendor '{self.vendor}' (allowed: {' / '.join(CHALLENGE_VENDORS)})")
        if self.rate is not None and self.duration is not None:
            raise ValueError("give 'rate' or 'duration', not both")
        if (self.limit is None) != (self.per is None):
            raise ValueError("'limit' and 'per' go together (at most <limit> requests per <per> seconds)")
        if self.header is not None:
            _charset(self.header, "header", ("none",))
        if self.meta is not None:
            _charset(self.meta, "meta", ("keep", "none"))
        if self.body is not None:
            _charset(self.body, "body", ())
        return self

    @property
    def statuses(self) -> list[int]:
        if self.status is None:
            return {"http_5xx": [503], "redirect_loop": [302], "rate_limit": [429]}.get(self.kind, [])
        return [self.status] if isinstance(self.status, int) else list(self.status)


def _one_tls(faults: list[Fault]) -> list[Fault]:
    if sum(f.kind in TLS_KINDS for f in faults) > 1:
        raise ValueError("at most one tls_* fault per host")
    return faults


def _no_tls(faults: list[Fault]) -> list[Fault]:
    if any(f.kind in TLS_KINDS for f in faults):
        raise ValueError("tls_* faults apply to sites only (platform connections are configured as http)")
    return faults


FaultList = Annotated[list[Fault], AfterValidator(_one_tls)]


class PlatformOptions(_Model):
    """Per-platform options under the scenario's top-level ``platforms:`` block."""

    faults: Annotated[list[Fault], AfterValidator(_no_tls)] = Field(default_factory=list)
    outages: list[Outage] = Field(default_factory=list)


# --- canned pages -----------------------------------------------------------------------------------------
def nginx_error(status: int, server: str = "nginx") -> Response:
    try:
        phrase = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = str(status)
    body = (f"<html>\r\n<head><title>{phrase}</title></head>\r\n<body>\r\n<center><h1>{phrase}</h1></center>\r\n"
            f"<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n")
    return Response(status, body.encode("ascii"), "text/html")


def _token(seed: str, n: int) -> str:
    out = ""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}|{i}".encode()).hexdigest()
        i += 1
    return out[:n]


def challenge_page(vendor: str, status: int, seed: str) -> Response:
    """A WAF's JavaScript challenge: the page only sets a clearance cookie by script and reloads."""
    t = _token(seed, 64)
    if vendor == "ruishu":  # 瑞数 (Riversecurity): HTTP 412, obfuscated $_ts bootstrap, cookie pair <x>O / <x>P
        name = "FSSBBIl1UgzbN7N"
        html = (
            '<!DOCTYPE html>\n<html><head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<meta id="{t[:22]}" content="{t * 3}" r=\'m\'>\n'
            f"<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=84478;"
            f'$_ts.cd="{t}qEcrrpAlqGWcDGAl";$_ts.lcd=function(){{document.cookie="{name}P="+$_ts.cd.slice(0,32)'
            "+\";path=/\";location.reload();};</script>\n"
            f'<script type="text/javascript" charset="utf-8" src="/{t[:12]}/c.{t[12:20]}.dfe1675.js" r=\'m\'>'
            "</script>\n</head>\n<body></body></html>\n"
        )
        cookie = f"{name}O={t[:40]}; Path=/; expires=Wed, 01 Jan 2031 00:00:00 GMT; HttpOnly"
    elif vendor == "jsl":  # 加速乐 (Jiasule): the clearance cookie is assembled by script
        pieces = "+".join(f"('{t[i:i + 4]}')" for i in range(0, 32, 4))
        html = (
            "<html><body><script>document.cookie=('__jsl_clearance_s=')+('1725930000.211|0|')+"
            f"{pieces}+(';max-age=3600;path=/');location.href=location.pathname+location.search</script>"
            "</body></html>\n"
        )
        cookie = f"__jsluid_s={t[:32]}; max-age=31536000; path=/; HttpOnly"
    else:  # acw: Alibaba Cloud WAF, arg1 is unscrambled by script into acw_sc__v2
        html = (
            "<html><script>\nvar arg1='" + t[:40].upper() + "';\n"
            "var _0x4818=['\\x63\\x73\\x4b\\x48\\x77\\x71\\x4d\\x49','\\x6a\\x73\\x4b\\x61'];"
            "(function(_0x4c97f0,_0x1742fd){var _0x4db1c=function(_0x48181e){while(--_0x48181e){"
            "_0x4c97f0['push'](_0x4c97f0['shift']());}};_0x4db1c(++_0x1742fd);}(_0x4818,0x15b));\n"
            "var x=arg1.split('').reverse().join('');\n"
            'document.cookie="acw_sc__v2="+x+"; expires=Wed, 01 Jan 2031 00:00:00 GMT; max-age=3600; path=/";'
            "document.location.reload();\n</script></html>\n"
        )
        cookie = f"acw_tc={t[:32]}; path=/; HttpOnly; Max-Age=1800"
    headers = [("Set-Cookie", cookie), ("Cache-Control", "no-cache, no-store")]
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8", headers)


# --- body rewriting helpers -------------------------------------------------------------------------------
_TRS_LIST = re.compile(r"^(?P<folder>.*/)(?:index(?:_(?P<n>\d+))?\.html)?$")
_CREATE_PAGE = re.compile(rb"createPageHTML\(\s*(\d+)\s*,\s*(\d+)")
_TOTALPAGE = re.compile(rb"<totalpage>(\d+)</totalpage>")
_EMPTY_NEXTGROUP = re.compile(rb"<nextgroup><!\[CDATA\[\]\]></nextgroup>")
_NEXTGROUP = re.compile(rb"<nextgroup><!\[CDATA\[.*?\]\]></nextgroup>", re.S)
_AJAX = re.compile(rb"ajaxParam:\s*\{columnid:\s*(\d+),\s*unitid:\s*(\d+),\s*webid:\s*(\d+)\}")
_META_CHARSET = re.compile(rb"""<meta\s+charset=["']?[\w.:-]+["']?\s*/?>""", re.I)
_META_HTTP_EQUIV = re.compile(rb"""(<meta\s+http-equiv=["']?content-type["']?\s+content=["'][^"']*?charset=)"""
                              rb"""([\w.:-]+)(["'][^>]*>)""", re.I)
_XML_DECL = re.compile(rb"""(<\?xml[^>]*?encoding=["'])([\w.:-]+)(["'])""", re.I)
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def _is_markup(response: Response) -> bool:
    ctype = (response.content_type or "").lower()
    return ctype.startswith(("text/html", "text/xml", "application/xml"))


# --- runtime ----------------------------------------------------------------------------------------------
class HostFaults:
    """The faults and outages of one host, with their request counters (see the package docs)."""

    def __init__(self, faults: list[Fault] | tuple[Fault, ...] = (), outages: list[Outage] | tuple[Outage, ...] = (),
                 *, name: str = "", encoding: str = "utf-8", family: str = "", connector: str = "",
                 tls: SandboxTLS | None = None):
        self.name = name
        self.faults = [f for f in faults if f.kind not in TLS_KINDS]
        self.outages = list(outages)
        self.tls_mode = next((TLS_KINDS[f.kind] for f in faults if f.kind in TLS_KINDS), None)
        self.encoding = encoding
        self.family = family
        self.connector = connector
        self._tls = tls
        self.reset()

    @property
    def active(self) -> bool:
        return bool(self.faults or self.outages or self.tls_mode)

    @property
    def scheme(self) -> str:
        return "https" if self.tls_mode else "http"

    def reset(self) -> None:
        """Forget what was counted (first/every/burst counters, rate-limit windows)."""
        self._counts = [0] * len(self.faults)  # requests in paths/window scope
        self._hits = [0] * len(self.faults)  # requests the fault acted on
        self._served: list[deque[float]] = [deque() for _ in self.faults]

    def ssl_context(self, address: str) -> ssl.SSLContext | None:
        if self.tls_mode is None:
            return None
        return (self._tls or SandboxTLS()).server_context(self.tls_mode, address)

    # --- selection ----------------------------------------------------------------------------------------
    def outage_at(self, instant: datetime) -> Outage | None:
        instant = china_time(instant)
        return next((o for o in self.outages if o.contains(instant)), None)

    def _in_scope(self, fault: Fault, request: Request, now: datetime) -> bool:
        if fault.paths is not None and not any(fnmatch.fnmatchcase(request.path, p) for p in fault.paths):
            return False
        return fault.window is None or fault.window.contains(china_time(now))

    def select(self, request: Request, now: datetime) -> tuple[Fault | None, Fault | None]:
        """The response fault and the delivery fault that apply to this request (first match of each)."""
        response_fault = delivery_fault = None
        for i, fault in enumerate(self.faults):
            if not self._in_scope(fault, request, now):
                continue
            self._counts[i] += 1
            n = self._counts[i]
            if fault.first is not None and n > fault.first:
                continue
            if fault.every is not None and (n - 1) % fault.every < fault.every - (fault.burst or 1):
                continue
            if fault.kind == "rate_limit" and fault.limit is not None and self._admit(i, fault):
                continue
            if fault.kind in DELIVERY_KINDS and delivery_fault is None:
                delivery_fault = fault
                self._hits[i] += 1
            elif fault.kind not in DELIVERY_KINDS and response_fault is None:
                response_fault = fault
                self._hits[i] += 1
        return response_fault, delivery_fault

    def _admit(self, i: int, fault: Fault) -> bool:
        """Rate limiter (real time): True = under the limit, the request is served and counted."""
        assert fault.limit is not None and fault.per is not None
        served, clock = self._served[i], time.monotonic()
        while served and served[0] <= clock - fault.per:
            served.popleft()
        if len(served) < fault.limit:
            served.append(clock)
            return True
        return False

    def _index(self, fault: Fault) -> int:
        return next(i for i, f in enumerate(self.faults) if f is fault)

    def _retry_after(self, fault: Fault) -> int:
        if fault.retry_after is not None:
            return fault.retry_after
        if fault.limit is not None and fault.per is not None:
            served = self._served[self._index(fault)]
            if served:
                return max(1, math.ceil(served[0] + fault.per - time.monotonic()))
            return max(1, math.ceil(fault.per))
        return DEFAULT_RETRY_AFTER

    # --- responses ----------------------------------------------------------------------------------------
    def outage_response(self, outage: Outage) -> Response:
        return nginx_error(503)

    def respond(self, fault: Fault, request: Request, handler: Callable[[Request], Response]) -> Response:
        kind = fault.kind
        if kind == "http_5xx":
            statuses = fault.statuses
            hits = self._hits[self._index(fault)]
            response = nginx_error(statuses[(hits - 1) % len(statuses)])
            if fault.retry_after is not None:
                response.headers.append(("Retry-After", str(fault.retry_after)))
            return response
        if kind == "redirect_loop":
            location = fault.location or request.target
            cookie = f"wzws_cid={_token(self.name + request.target, 32)}; path=/; HttpOnly"
            return Response(fault.statuses[0], b"", "text/html", [("Location", location), ("Set-Cookie", cookie)])
        if kind in ("challenge_412", "challenge_js"):
            vendor = fault.vendor or ("ruishu" if kind == "challenge_412" else "acw")
            return challenge_page(vendor, 412 if kind == "challenge_412" else 200, f"{self.name}|{request.target}")
        if kind == "rate_limit":
            return self._rate_limited(fault)
        if kind == "large_page":
            return self._large(handler(request), fault.size or DEFAULT_LARGE_PAGE)
        if kind == "endless_pagination":
            return self._endless(request, handler)
        if kind == "wrong_charset":
            return self._wrong_charset(handler(request), fault)
        raise AssertionError(kind)

    def _rate_limited(self, fault: Fault) -> Response:
        status = fault.statuses[0]
        if self.connector == "wechat":
            body, ctype = b'{"base_resp":{"ret":200013,"err_msg":"freq control"}}', "application/json; charset=utf-8"
        elif self.connector:
            body = '{"ok":0,"msg":"请求过于频繁，请稍后再试"}'.encode()
            ctype = "application/json; charset=utf-8"
        else:
            response = nginx_error(status)
            body, ctype = response.body, response.content_type
        return Response(status, body, ctype, [("Retry-After", str(self._retry_after(fault)))])

    @staticmethod
    def _large(response: Response, size: int) -> Response:
        """Pad an HTML page to ``size`` bytes with an inline base64 image (as pasted by CMS editors)."""
        if not (response.content_type or "").lower().startswith("text/html"):
            return response
        body = response.body
        cut = body.rfind(b"</body>")
        cut = len(body) if cut < 0 else cut
        opening, closing = b'<p class="img"><img alt="" src="data:image/png;base64,iVBORw0KGgo', b'"></p>\n'
        room = max(0, size - len(body) - len(opening) - len(closing))
        filler = opening + (b"QUFB" * (room // 4 + 1))[:room] + closing
        return replace(response, body=body[:cut] + filler + body[cut:])

    def _endless(self, request: Request, handler: Callable[[Request], Response]) -> Response:
        if self.family == "trs":
            return self._endless_trs(request, handler)
        if self.family == "hanweb":
            return self._endless_hanweb(request, handler)
        return handler(request)

    @staticmethod
    def _rewrite(request: Request, path: str, query: dict[str, str] | None = None) -> Request:
        q = request.query if query is None else query
        target = path + ("?" + urlencode(q) if q else "")
        return replace(request, path=path, target=target, query=q)

    def _endless_trs(self, request: Request, handler: Callable[[Request], Response]) -> Response:
        """TRS: every ``index_N.html`` exists (cycling through the real pages) and announces N+2 pages."""
        m = _TRS_LIST.match(request.path)
        response = handler(request)
        if m is None:
            return response
        current = int(m.group("n") or 0)
        if response.status == 404 and current > 0:
            first = handler(self._rewrite(request, m.group("folder") + "index.html"))
            real = _CREATE_PAGE.search(first.body) if first.status == 200 else None
            if real is None:
                return response
            pages = max(1, int(real.group(1)))
            k = current % pages
            response = first if k == 0 else handler(self._rewrite(request, f"{m.group('folder')}index_{k}.html"))
        found = _CREATE_PAGE.search(response.body) if response.status == 200 else None
        if found is None:
            return response
        total = max(int(found.group(1)), current + 2)
        body = _CREATE_PAGE.sub(f"createPageHTML({total}, {current}".encode(), response.body, count=1)
        return replace(response, body=body)

    def _endless_hanweb(self, request: Request, handler: Callable[[Request], Response]) -> Response:
        """Hanweb: every dataproxy page has records and a next group; ``totalpage`` keeps growing."""
        if request.path != DATAPROXY:
            response = handler(request)
            ajax = _AJAX.search(response.body) if response.status == 200 else None
            if ajax is None:
                return response
            col, unit, web = (g.decode() for g in ajax.groups())
            link = (f'<a href="{DATAPROXY}?page=2&appid=1&webid={web}&path=/&columnid={col}&unitid={unit}'
                    '&permissiontype=0"></a>')  # raw "&" inside CDATA, as jcms writes it
            body = _EMPTY_NEXTGROUP.sub(f"<nextgroup><![CDATA[{link}]]></nextgroup>".encode(), response.body,
                                        count=1)
            return replace(response, body=body)
        try:
            page = max(1, int(request.arg("page") or 1))
        except ValueError:
            page = 1
        response = handler(request)
        found = _TOTALPAGE.search(response.body)
        pages = int(found.group(1)) if found else 0
        if found is None or pages == 0:
            return response
        if page > pages:
            query = dict(request.query, page=str((page - 1) % pages + 1))
            response = handler(self._rewrite(request, request.path, query))
        next_query = urlencode(dict(request.query, page=str(page + 1)))
        nextgroup = f'<nextgroup><![CDATA[<a href="{DATAPROXY}?{next_query}"></a>]]></nextgroup>'.encode()
        body = _NEXTGROUP.sub(lambda _: nextgroup, response.body, count=1)
        body = _TOTALPAGE.sub(f"<totalpage>{max(pages, page + 1)}</totalpage>".encode(), body, count=1)
        return replace(response, body=body)

    def _wrong_charset(self, response: Response, fault: Fault) -> Response:
        """Re-encode a page: HTTP header, <meta>/XML declaration and body bytes disagree."""
        if not _is_markup(response):
            return response
        header, meta, target = fault.header or "utf-8", fault.meta or "keep", fault.body or "gbk"
        text_bytes = response.body
        if meta != "keep":
            if meta == "none":
                text_bytes = _META_CHARSET.sub(b"", text_bytes)
                text_bytes = _META_HTTP_EQUIV.sub(b"", text_bytes)
            else:
                label = meta.encode("ascii")
                text_bytes = _META_CHARSET.sub(b'<meta charset="' + label + b'">', text_bytes)
                text_bytes = _META_HTTP_EQUIV.sub(lambda m: m.group(1) + label + m.group(3), text_bytes)
                text_bytes = _XML_DECL.sub(lambda m: m.group(1) + label + m.group(3), text_bytes)
        source = "gb18030" if self.encoding == "gbk" else self.encoding
        body = text_bytes.decode(source, errors="replace").encode(target, errors="xmlcharrefreplace")
        mime = (response.content_type or "text/html").split(";")[0].strip()
        ctype = mime if header == "none" else f"{mime}; charset={header}"
        return replace(response, body=body, content_type=ctype)

    # --- connection-level behaviour -------------------------------------------------------------------------
    async def outage_connection(self, outage: Outage, reader: asyncio.StreamReader,
                                writer: asyncio.StreamWriter) -> None:
        """``refused``: reset the accepted connection at once; ``hang``: accept and never answer."""
        if outage.kind == "refused":
            abort_with_rst(writer)
        else:
            await hang(reader, None)

    async def deliver(self, fault: Fault, data: bytes, head_len: int, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        """Send a serialized answer (head + body) the way ``fault`` says."""
        head, body = data[:head_len], data[head_len:]
        if fault.kind == "hang":
            await hang(reader, fault.seconds)
        elif fault.kind == "reset":
            cut = fault.after_bytes if fault.after_bytes is not None else head_len + len(body) // 2
            writer.write(data[:cut])
            await writer.drain()
            await asyncio.sleep(0.05)  # let the bytes reach the peer before the RST discards the send queue
            abort_with_rst(writer)
        elif fault.kind == "truncated":
            # Content-Length announces the whole body; a part is sent, then an orderly close (FIN)
            writer.write(head + body[: int(len(body) * (fault.fraction if fault.fraction is not None else 0.5))])
            await writer.drain()
        elif fault.kind == "slow_drip":
            interval = fault.interval or 1.0
            if fault.rate is not None:
                step = max(1, int(fault.rate * interval))
            else:
                ticks = max(1.0, (fault.duration or DEFAULT_DRIP_DURATION) / interval)
                step = max(1, math.ceil(len(body) / ticks))
            writer.write(head)
            await writer.drain()
            for start in range(0, len(body), step):
                await asyncio.sleep(interval)
                if writer.is_closing():
                    return
                writer.write(body[start:start + step])
                await writer.drain()
        else:
            raise AssertionError(fault.kind)


def abort_with_rst(writer: asyncio.StreamWriter) -> None:
    """Close the connection with a TCP RST (SO_LINGER on, timeout 0), not an orderly FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def hang(reader: asyncio.StreamReader, seconds: float | None) -> None:
    """Say nothing until the client gives up (EOF) or, with ``seconds``, until then (then close)."""
    with contextlib.suppress(TimeoutError, ConnectionError):
        await asyncio.wait_for(reader.read(), seconds)


# --- building the plans of a scenario ------------------------------------------------------------------
def site_faults(site, tls: SandboxTLS | None = None) -> HostFaults:
    """The runtime faults of a scenario site (:class:`govinspect.sandbox.scenario.Site`)."""
    return HostFaults(site.faults, site.outages, name=site.site_id, encoding=site.encoding, family=site.cms,
                      tls=tls)


def platform_faults(code: str, options: PlatformOptions | None) -> HostFaults:
    options = options or PlatformOptions()
    return HostFaults(options.faults, options.outages, name=code, connector=code)


def probe_schedule(first_day: date, days: int = 7, per_day: int = 24, *, offset_minutes: int = 7) -> list[datetime]:
    """Evenly spaced probe instants (China time): ``per_day`` a day for ``days`` days from ``first_day``.

    ``offset_minutes`` shifts the grid off the full hour (outages rarely start exactly at a probe).
    """
    step = timedelta(days=1) / per_day
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=CST) + timedelta(minutes=offset_minutes)
    return [start + d * timedelta(days=1) + i * step for d in range(days) for i in range(per_day)]


def iter_replay(set_clock: Callable[[datetime], None], instants) -> Iterator[datetime]:
    for instant in instants:
        instant = china_time(instant)
        set_clock(instant)
        yield instant

"""The home page: the dated items it links to (首页更新) and the columns it links to that the inventory lacks.

A link is *column-like* when its URL has a column list shape (Hanweb ``/col/colNNN/``, the Sichuan platform's
``/cNNN/list.shtml``, a folder's ``index.html``/``index.shtml``/``list.shtml``, a bare folder ``/xxgk/``), or
when it is a "more" link (更多), or when it sits in the navigation bar; article URLs (dated paths, TRS
``tYYYYMMDD_`` files, ``art_``/``content_`` pages) never are. Only links on the site's own host count.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from govinspect.collect.dates import date_in_url

_COLUMN_SHAPES = (
    ("hanweb_column", re.compile(r"/col/col\d+/(?:index\.html?)?$")),
    ("sichuan_column", re.compile(r"/c\d+/(?:list\.shtml)?$")),
    ("list_page", re.compile(r"/[^/]+/(?:index|list|default)\.(?:s?html?|jsp|aspx?)$")),
    ("folder", re.compile(r"^/(?:[\w-]+/)+$")),
)
_ARTICLE = re.compile(r"/t\d{8}_|/art_|/content_|/art/\d{4}/|\d{4}/\d{1,2}/\d{1,2}/|/\d{6}/[^/]+\.s?html?$", re.I)
_DEFAULT_DOCS = re.compile(r"(?:index|list|default)\.(?:s?html?|jsp|aspx?)$", re.I)
_NAV_HINT = re.compile(r"nav|menu|daohang|lanmu", re.I)
_HOME_PATHS = ("", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp")


def column_key(url: str) -> str:
    """A URL as a column identity: host and path, without the folder's default document."""
    parts = urlsplit(url)
    path = _DEFAULT_DOCS.sub("", parts.path or "/")
    return f"{(parts.hostname or '').lower()}:{parts.port or ''}{path}?{parts.query}"


def _in_nav(a: html.HtmlElement) -> bool:
    node = a.getparent()
    while node is not None:
        if _NAV_HINT.search((node.get("class") or "") + " " + (node.get("id") or "")) or node.tag == "nav":
            return True
        node = node.getparent()
    return False


def discover_columns(page: str, page_url: str, known_urls: list[str]) -> list[dict]:
    """Column-like links of the home page whose URL is not one of ``known_urls`` (the inventory's columns),
    as ``discovered_columns`` fields (``found_on``, ``title``, ``url``, ``reason``); one row per URL."""
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    host = (urlsplit(page_url).hostname or "").lower()
    known = {column_key(u) for u in known_urls}
    out: dict[str, dict] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(page_url, href).split("#")[0]
        parts = urlsplit(url)
        if (parts.hostname or "").lower() != host or parts.path in _HOME_PATHS:
            continue
        if column_key(url) in known or url in out or _ARTICLE.search(parts.path) or date_in_url(url):
            continue
        text = " ".join((a.text_content() or "").split())
        reason = next((name for name, shape in _COLUMN_SHAPES if shape.search(parts.path)), None)
        if reason is None and "更多" in text:
            reason = "more_link"
        if reason is None and _in_nav(a):
            reason = "navigation"
        if reason is None:
            continue
        title = " ".join((a.get("title") or text).split()) or None
        out[url] = {"found_on": page_url, "title": title, "url": url, "reason": reason}
    return list(out.values())

"""The next page of a column list, as the CMS families write their pagers.

- TRS WCM: ``createPageHTML(<pages>, <current, 0-based>, "index", "html")`` → ``index_<n>.html``;
- Sichuan platform: ``createPageHTML('page_div', <pages>, <current, 1-based>, 'list', 'shtml', <total>)`` →
  ``list_<n>.shtml``;
- Hanweb jcms: ``<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=N&…">]]></nextgroup>``
  (in the column page and in every ``dataproxy.jsp`` answer; ``<totalpage>`` bounds it);
- JSON list APIs: ``pageCount``/``totalPage`` and ``pageNo`` → the same URL with ``page=<n+1>``;
- anything else: a link named 下一页 / 下页 / 后页, or a ``?page=<n+1>`` link.

:func:`next_page` only reads the page; how far to follow is the caller's decision (:func:`worth_following`).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from govinspect.collect.listpage import ListItem

_CREATE_PAGE = re.compile(
    r"""createPageHTML\(\s*(?:(['"])[^'"]*\1\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w-]+)['"]\s*,\s*['"](\w+)['"]""")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_NEXT_TEXT = ("下一页", "下页", "后页", "下一頁")
_PAGE_PARAM = re.compile(r"(?:^|[?&])(page|pageNo|pageIndex|currentPage|pageNum)=(\d+)", re.I)


def _createpage(text: str, page_url: str) -> str | None:
    m = _CREATE_PAGE.search(text)
    if not m:
        return None
    named_target = m.group(1) is not None  # Sichuan: ('page_div', pages, current 1-based, ...)
    pages, current, stem, ext = int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)
    if named_target:  # 1-based; page 1 is list.shtml, then list_2.shtml
        nxt = current + 1
        return urljoin(page_url, f"{stem}_{nxt}.{ext}") if nxt <= pages else ""
    nxt = current + 1  # TRS: 0-based; page 0 is index.html, then index_1.html
    return urljoin(page_url, f"{stem}_{nxt}.{ext}") if nxt < pages else ""


def _nextgroup(text: str, page_url: str) -> str | None:
    m = _NEXTGROUP.search(text)
    if not m:
        return None
    href = _HREF.search(m.group(1))
    return urljoin(page_url, html_lib.unescape(href.group(1))) if href else ""


def _json_next(text: str, page_url: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    stack, meta = [data], None
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(k in node for k in ("pageCount", "totalPage", "totalPages", "pages")):
                meta = node
                break
            stack.extend(v for v in node.values() if isinstance(v, dict))
    if meta is None:
        return None
    try:
        pages = int(next(meta[k] for k in ("pageCount", "totalPage", "totalPages", "pages") if k in meta))
        current = int(next((meta[k] for k in ("pageNo", "pageNum", "page", "currentPage") if k in meta), 0)) or \
            _current_from_url(page_url)
    except (TypeError, ValueError):
        return None
    return with_page(page_url, current + 1) if current + 1 <= pages else ""


def _current_from_url(url: str) -> int:
    m = _PAGE_PARAM.search(urlsplit(url).query)
    return int(m.group(2)) if m else 1


def with_page(url: str, page: int, name: str | None = None) -> str:
    """``url`` with its page parameter (``page`` unless the URL already names another) set to ``page``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if name is None:
        m = _PAGE_PARAM.search(parts.query)
        name = m.group(1) if m else "page"
    query = [(k, v) for k, v in query if k != name] + [(name, str(page))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _links(text: str, page_url: str) -> str | None:
    try:
        root = html.fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    current = _current_from_url(page_url)
    by_number = None
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        label = " ".join(a.text_content().split())
        if any(t in label for t in _NEXT_TEXT):
            target = urljoin(page_url, href)
            return "" if target == page_url else target
        m = _PAGE_PARAM.search(urlsplit(href).query)
        if m and int(m.group(2)) == current + 1:
            by_number = urljoin(page_url, href)
    return by_number


def next_page(text: str, page_url: str) -> str | None:
    """The URL of the page after ``page_url``: ``None`` if the page shows no pager at all, ``""`` if it is
    the last page, else the absolute URL."""
    for reader in (_nextgroup, _createpage, _json_next, _links):
        found = reader(text, page_url)
        if found is not None:
            return found
    return None


def worth_following(items: list[ListItem], as_of: date, horizon_days: int) -> bool:
    """Whether a list page's successor may still hold items of the rule windows: not when every item on
    the page is dated before ``as_of - horizon_days`` (lists are newest first; pinned items are skipped, they
    keep old dates at the top), nor when the page had no items."""
    horizon = as_of - timedelta(days=horizon_days)
    regular = [i for i in items if not i.pinned] or items
    if not regular:
        return False
    return not all(i.date is not None and i.date < horizon for i in regular)

"""Extract the items (title, URL, date, pinned) of a column list page.

Works on the shapes of the CMS families in ``shared/reference/sources-in-the-wild.md`` and on generic
``ul/li`` and table lists: Hanweb's ``<datastore>`` CDATA records and ``dataproxy.jsp`` XML are unwrapped
first; then the list container with the most dated entries is taken as the column's list (navigation
menus have links but no dates).

Rules that matter for the indicators:
- the full title comes from the ``title`` attribute when the link text is truncated;
- a date comes from the item's own text, then the title text, then the article URL; an item with no date
  stays undated (``date=None``), which the indicators count as "not updated";
- pinned (置顶) items are flagged; the newest date of a column is the maximum over its items
  (:func:`newest_date`), never the first item.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urljoin, urlparse, urlunparse, uses_netloc, uses_relative

from lxml import etree, html

from govinspect.collect.dates import FoundDate, date_in_text, date_in_url, full_dates

_CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_PINNED_HINT = re.compile(r"置顶|\btop\b|\bzd\b|istop|is-top|sticky", re.I)
_TRUNCATED = ("…", "...", "..")
_MIN_TITLE = 2
# A list rendered client-side names its JSON source in a data- attribute or a script call.
_JSON_SOURCE = re.compile(r"""(?:data-(?:url|src|api)\s*=\s*|\(\s*)["']([^"'\s]+\.json[^"'\s]*)["']""", re.I)
_TITLE_KEYS = ("title", "name", "docTitle", "articleTitle", "subject")
_URL_KEYS = ("url", "link", "href", "docUrl", "articleUrl", "path")
_DATE_KEYS = ("publishTime", "pubDate", "publishDate", "docPubTime", "date", "time", "releaseTime", "createTime")
_PIN_KEYS = ("isTop", "top", "is_top", "stick")


@dataclass(frozen=True)
class ListItem:
    title: str
    url: str
    date: date | None
    date_text: str | None
    date_source: str | None
    pinned: bool

    def as_json(self) -> dict:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        return d


def _records_html(text: str) -> str | None:
    """Hanweb jcms: the list lives in CDATA records (inline ``<datastore>`` or ``dataproxy.jsp`` XML)."""
    records = _CDATA_RECORD.findall(text)
    if not records:
        return None
    # A record is one entry: an <li>, or (older templates) a one-row <table>, which gets an <li> around it so
    # that all records stay entries of one list.
    return "<ul class=\"datastore\">" + "".join(
        r if r.lstrip().lower().startswith("<li") else f"<li>{r}</li>" for r in records) + "</ul>"


def _title_of(a: html.HtmlElement) -> str:
    text = " ".join(a.text_content().split())
    attr = " ".join((a.get("title") or "").split())
    if attr and (not text or text.endswith(_TRUNCATED) or len(attr) > len(text)):
        return attr
    if attr and text.startswith(attr) and full_dates(text[len(attr):]):
        return attr  # "标题（2024-12-04）": the title attribute is the title, the rest is its date
    return text or attr


def _pinned(el: html.HtmlElement) -> bool:
    hints = " ".join(
        [el.get("class") or "", el.get("id") or ""]
        + [(x.get("class") or "") + " " + (x.get("alt") or "") for x in el.iter() if isinstance(x.tag, str)]
    )
    text = el.text_content()
    return bool(_PINNED_HINT.search(hints)) or "[置顶]" in text or "【置顶】" in text or text.strip().startswith("置顶")


def _text_outside(el: html.HtmlElement, a: html.HtmlElement) -> str:
    """The entry's text without the link's own text (the link's tail is outside it), in document order."""
    if el is a:
        return ""
    parts: list[str] = []
    _texts(el, a, parts)
    return " ".join(parts)


def _texts(node: html.HtmlElement, a: html.HtmlElement, parts: list[str]) -> None:
    """Append the text of ``node`` and its descendants (tails included, ``node``'s own tail not), except the
    text inside ``a``; comments contribute their tails only."""
    if isinstance(node.tag, str) and node.text:
        parts.append(node.text)
    for child in node:
        if child is not a:
            if len(child):
                _texts(child, a, parts)
            elif isinstance(child.tag, str) and child.text:
                parts.append(child.text)
        if child.tail:
            parts.append(child.tail)


def _item_date(el: html.HtmlElement, a: html.HtmlElement, title: str, url: str, as_of: date | None) -> FoundDate | None:
    # 1. the entry's own text outside the link: <span>2024-09-12</span>, <td>[2024-09-12]</td>
    if found := date_in_text(_text_outside(el, a), as_of):
        if not full_dates(found.text) and (in_url := date_in_url(url)) and in_url.source == "url" \
                and (in_url.value.month, in_url.value.day) == (found.value.month, found.value.day):
            # "09-12" with its year inferred, and the article URL says t20240912: the URL knows the year
            return FoundDate(in_url.value, found.text, "text")
        return found
    # 2. the link text: "标题（2024-12-04）"
    if found := date_in_text(" ".join(a.text_content().split()) + " " + title, None):
        return FoundDate(found.value, found.text, "title")
    # 3. the article URL
    return date_in_url(url)


_CHROME_TOKENS = frozenset({"nav", "navbar", "menu", "header", "footer", "breadcrumb", "crumb", "position", "links",
                            "friendlink", "yqlj", "daohang", "dh", "top-nav", "topnav", "mainnav", "subnav"})
_TOKEN_SPLIT = re.compile(r"[\s_]+")


def _is_chrome(el: html.HtmlElement) -> bool:
    """Page furniture (navigation, header, footer, breadcrumb, link boxes): never a column's list."""
    node: html.HtmlElement | None = el
    while node is not None:
        if node.tag in ("nav", "header", "footer"):
            return True
        tokens = _TOKEN_SPLIT.split(f"{node.get('class') or ''} {node.get('id') or ''}".lower())
        if any(t in _CHROME_TOKENS or t.split("-")[0] in ("nav", "menu", "footer", "header") for t in tokens if t):
            return True
        node = node.getparent()
    return False


def _entries(root: html.HtmlElement) -> list[tuple[html.HtmlElement, list[html.HtmlElement]]]:
    """Candidate list containers and their entries (li children, or table rows); page furniture is skipped."""
    groups = []
    for container in root.iter("ul", "ol", "tbody", "table", "dl", "div"):
        if _is_chrome(container):
            continue
        if container.tag in ("ul", "ol"):
            entries = [c for c in container if c.tag == "li"]
        elif container.tag in ("tbody", "table"):
            entries = [c for c in container if c.tag == "tr"]
        elif container.tag == "dl":
            entries = [c for c in container if c.tag == "dd"]
        else:  # div lists: direct child divs/ps each holding one link
            entries = [c for c in container if c.tag in ("div", "p") and len(c.findall(".//a")) == 1]
        entries = [e for e in entries if e.find(".//a[@href]") is not None]
        if entries:
            groups.append((container, entries))
    return groups


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/%-]+\Z")


class _Joiner:
    """``urljoin(base_url, href)`` for many hrefs of one page: the base is parsed once, answers are memoised.

    The steps are those of :func:`urllib.parse.urljoin` (CPython 3.11) with the base's parse hoisted out, so
    every answer is the same as ``urljoin``'s (``tests/test_collect_parsing.py`` compares them).
    """

    def __init__(self, base: str):
        self.base = base
        self._parts = urlparse(base, "") if base else None
        self._memo: dict[str, str] = {}

    def __call__(self, url: str) -> str:
        if (joined := self._memo.get(url)) is None:
            joined = self._memo[url] = self._join(url)
        return joined

    def _join(self, url: str) -> str:
        if self._parts is None or not url or not isinstance(url, str):
            return urljoin(self.base, url)
        bscheme, bnetloc, bpath, bparams, bquery, _bfragment = self._parts
        if _PLAIN_PATH.match(url) and not url.startswith("//"):
            # no scheme, netloc, params, query or fragment: what urlparse(url, bscheme) would say, unparsed
            scheme, netloc, path, params, query, fragment = bscheme, "", url, "", "", ""
        else:
            scheme, netloc, path, params, query, fragment = urlparse(url, bscheme)
        if scheme != bscheme or scheme not in uses_relative:
            return url
        if scheme in uses_netloc:
            if netloc:
                return urlunparse((scheme, netloc, path, params, query, fragment))
            netloc = bnetloc
        if not path and not params:
            return urlunparse((scheme, netloc, bpath, bparams, query or bquery, fragment))
        base_parts = bpath.split("/")
        if base_parts[-1] != "":
            del base_parts[-1]
        if path[:1] == "/":
            segments = path.split("/")
        else:
            segments = base_parts + path.split("/")
            segments[1:-1] = filter(None, segments[1:-1])
        resolved: list[str] = []
        for seg in segments:
            if seg == "..":
                if resolved:
                    resolved.pop()
            elif seg != ".":
                resolved.append(seg)
        if segments[-1] in (".", ".."):
            resolved.append("")
        return urlunparse((scheme, netloc, "/".join(resolved) or "/", params, query, fragment))


_Entry = tuple[str, str, FoundDate | None, bool]  # title, url, date as found (before the as_of filter), pinned


class _Reader:
    """The entries of one page read once each (a ``table``'s rows are also its ``tbody``'s), links' titles
    computed once, URLs joined against a base parsed once."""

    def __init__(self, base_url: str, as_of: date | None):
        self.as_of = as_of
        self.join = _Joiner(base_url)
        self._titles: dict[html.HtmlElement, str] = {}
        self._entries: dict[html.HtmlElement, _Entry | None] = {}

    def title(self, a: html.HtmlElement) -> str:
        if (title := self._titles.get(a)) is None:
            title = self._titles[a] = _title_of(a)
        return title

    def entry(self, el: html.HtmlElement) -> _Entry | None:
        """(title, url, date, pinned) of a list entry, or None when its link is no item link."""
        if el in self._entries:
            return self._entries[el]
        links = el.findall(".//a[@href]")
        a = links[0] if len(links) == 1 else max(links, key=lambda x: len(self.title(x)))
        href = (a.get("href") or "").strip()
        title = self.title(a)
        entry: _Entry | None = None
        if href and not href.startswith(("javascript:", "#", "mailto:")) and len(title) >= _MIN_TITLE:
            url = self.join(href)
            entry = (title, url, _item_date(el, a, title, url, self.as_of), _pinned(el))
        self._entries[el] = entry
        return entry


def extract_items(page: str, base_url: str, as_of: date | None = None) -> list[ListItem]:
    """Items of one list page. ``as_of`` (the monitoring point) lets year-less dates be read.

    The list is the candidate container with the most dated items (then the most items; the first in the
    document on a tie). Containers are read largest first, and one whose entry count cannot beat the best
    found so far is not read at all.
    """
    source = _records_html(page) or page
    try:
        root = html.fromstring(source)
    except (etree.ParserError, ValueError):
        return []
    reader = _Reader(base_url, as_of)
    groups = _entries(root)
    best: list[ListItem] = []
    best_key, best_index = (0, 0), len(groups)
    for index in sorted(range(len(groups)), key=lambda i: -len(groups[i][1])):
        entries = groups[index][1]
        if (len(entries), len(entries)) < best_key:
            break  # every container left has at most this many entries: none can win
        items: list[ListItem] = []
        for el in entries:
            if (entry := reader.entry(el)) is None:
                continue
            title, url, found, pinned = entry
            if found and as_of and found.value > as_of and found.source == "url_month":
                found = None
            items.append(ListItem(title, url, found.value if found else None, found.text if found else None,
                                  found.source if found else None, pinned))
        key = (sum(1 for i in items if i.date), len(items))
        if key > best_key or (key == best_key and key > (0, 0) and index < best_index):
            best, best_key, best_index = items, key, index
    return best


def extract_all_items(page: str, base_url: str, as_of: date | None = None) -> list[ListItem]:
    """Every list entry of a page, from all its lists (a home page has one box per column), one per URL.

    Entries with no date are kept (undated); navigation entries come out undated too, so callers that want
    "dated items linked from the page" filter on ``date``.
    """
    try:
        root = html.fromstring(_records_html(page) or page)
    except (etree.ParserError, ValueError):
        return []
    seen: dict[str, ListItem] = {}
    reader = _Reader(base_url, as_of)
    for _container, entries in _entries(root):
        for el in entries:
            if any(child.tag in ("ul", "ol", "table") for child in el.iter() if child is not el):
                continue  # an entry holding a whole list: its own entries are read instead
            if (entry := reader.entry(el)) is None:
                continue
            title, url, found, pinned = entry
            if found and as_of and found.value > as_of:
                found = None
            item = ListItem(title, url, found.value if found else None, found.text if found else None,
                            found.source if found else None, pinned)
            if url not in seen or (item.date and not seen[url].date):
                seen[url] = item
    return list(seen.values())


def newest_date(items: list[ListItem], as_of: date | None = None) -> date | None:
    """The newest item date (pinned items included: their date is real), ignoring dates after ``as_of``."""
    dates = [i.date for i in items if i.date and (as_of is None or i.date <= as_of)]
    return max(dates) if dates else None


def json_list_source(page: str, base_url: str) -> str | None:
    """The URL of the JSON API a client-side rendered list page loads its items from, if any."""
    m = _JSON_SOURCE.search(page)
    return urljoin(base_url, m.group(1)) if m else None


def _records(data: object) -> list[dict]:
    """The largest list of objects in a JSON document that look like list items (title and URL)."""
    best: list[dict] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            rows = [r for r in node if isinstance(r, dict)]
            if rows and any(k in rows[0] for k in _TITLE_KEYS) and any(k in rows[0] for k in _URL_KEYS) \
                    and len(rows) > len(best):
                best = rows
            stack.extend(node)
    return best


def extract_json_items(text: str, base_url: str, as_of: date | None = None) -> list[ListItem]:
    """Items of a JSON list API answer (title, URL, date fields under their usual names)."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    items = []
    for row in _records(data):
        title = " ".join(str(next((row[k] for k in _TITLE_KEYS if row.get(k)), "")).split())
        href = str(next((row[k] for k in _URL_KEYS if row.get(k)), ""))
        if len(title) < _MIN_TITLE or not href:
            continue
        url = urljoin(base_url, href)
        raw_date = next((str(row[k]) for k in _DATE_KEYS if row.get(k)), "")
        found = date_in_text(raw_date, as_of) or date_in_url(url)
        pinned = any(str(row.get(k)).lower() in ("1", "true") for k in _PIN_KEYS)
        items.append(ListItem(title, url, found.value if found else None, found.text if found else None,
                              ("json" if found and found.source == "text" else found.source) if found else None,
                              pinned))
    return items

"""Link check (错链死链): every distinct link found on the home page and the crawled list pages.

- links are gathered per page (:func:`page_links`) and deduplicated by URL (fragment dropped); the first
  page a link was found on is kept;
- a link the crawl already fetched is not requested again: its recorded outcome is reused (``method`` GET);
- otherwise ``HEAD``, then ``GET`` when the HEAD answer is not a success (405/501 and other servers that
  mishandle HEAD), except when the HEAD was refused by policy or the connection failed outright (a GET
  would fail the same way: ``refused``, ``tls``, ``timeout``);
- off-site links are checked too (a wrong link to another site is what 错链 is about); the SSRF guard still
  applies (``blocked_by_policy``);
- at most ``max_links`` requests per site; links beyond the budget are recorded as ``not_collected``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from lxml import etree, html

from govinspect.collect.http import Fetcher, FetchResult

log = logging.getLogger(__name__)

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:", "about:")
_NO_GET_FALLBACK = frozenset({"ok", "blocked_by_policy", "refused", "tls", "timeout"})


@dataclass(frozen=True)
class LinkRef:
    url: str
    found_on: str
    text: str


def page_links(page: str, page_url: str) -> list[LinkRef]:
    """The ``<a href>`` links of a page (absolute, no fragment), in page order; the pager's script links
    and ``javascript:`` pseudo-links are not links."""
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(page_url, href))[0]
        if url.startswith(("http://", "https://")):
            out.append(LinkRef(url, page_url, " ".join((a.text_content() or a.get("title") or "").split())[:200]))
    return out


def _row(ref: LinkRef, result: FetchResult, method: str) -> dict:
    return {"found_on": ref.found_on, "link_text": ref.text, "url": ref.url, "checked_at": result.fetched_at,
            "method": method, "status_code": result.status_code, "outcome": result.outcome,
            "elapsed_ms": result.elapsed_ms, "error": result.error}


async def check_one(ref: LinkRef, fetcher: Fetcher) -> dict:
    head = await fetcher.head(ref.url)
    if head.outcome in _NO_GET_FALLBACK:
        return _row(ref, head, "HEAD")
    get = await fetcher.get(ref.url)
    row = _row(ref, get, "GET")
    if get.outcome != head.outcome:
        note = f"HEAD gave {head.outcome} {head.status_code or ''}".strip()
        row["error"] = note if not get.error else f"{get.error}; {note}"
    return row


async def check_links(refs: list[LinkRef], fetcher: Fetcher, *, fetched: dict[str, FetchResult],
                      max_links: int) -> list[dict]:
    """One row per distinct URL of ``refs`` (``links`` fields without site/run), in first-found order."""
    distinct: dict[str, LinkRef] = {}
    for ref in refs:
        distinct.setdefault(ref.url, ref)
    rows: dict[str, dict] = {}
    todo: list[LinkRef] = []
    for url, ref in distinct.items():
        known = fetched.get(url)
        if known is not None:
            rows[url] = _row(ref, known, "GET")
        elif len(todo) < max_links:
            todo.append(ref)
        else:
            rows[url] = {"found_on": ref.found_on, "link_text": ref.text, "url": url, "checked_at": None,
                         "method": None, "status_code": None, "outcome": "not_collected", "elapsed_ms": None,
                         "error": f"link check budget of {max_links} requests per site spent"}
    for ref, row in zip(todo, await asyncio.gather(*(check_one(r, fetcher) for r in todo)), strict=True):
        rows[ref.url] = row
    return [rows[url] for url in distinct]

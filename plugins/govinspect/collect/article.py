"""Read an article page: its title, its text and its publication time; check the text (隐私泄露, 错别字).

The publication time comes from the government meta tags (``PubDate``, ``publishdate``, ``firstpublishedtime``)
when present, else from a ``发布时间：`` line; the body from the usual content containers (``#zoom``,
``.TRS_Editor``, ``#UCAP-CONTENT``, ``.article-content``, ``.content``), else the whole page body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree, html

from govinspect.collect.dates import full_dates
from govinspect.collect.privacy import excerpt, find_personal_numbers
from govinspect.collect.wording import Dictionary

_META_TIME = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "article:published_time")
_META_TITLE = ("articletitle", "title")
_CONTENT_XPATHS = (
    "//*[@id='zoom']", "//*[contains(concat(' ', @class, ' '), ' TRS_Editor ')]", "//*[@id='UCAP-CONTENT']",
    "//*[contains(concat(' ', @class, ' '), ' article-content ')]",
    "//*[contains(concat(' ', @class, ' '), ' content ')]", "//article",
)
_PUBLISHED_LINE = re.compile(r"(?:发布时间|发布日期|时间|日期)\s*[:：]\s*((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
                             r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class ArticlePage:
    title: str
    text: str  # title and body, whitespace-normalised per paragraph
    published: datetime | None  # naive, the site's (Beijing) time
    published_source: str | None  # meta | text


def _published(value: str) -> datetime | None:
    found = full_dates(value)
    if not found:
        return None
    day = found[0].value
    clock = _CLOCK.search(value[value.find(found[0].text) + len(found[0].text):])
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    if hour > 23 or minute > 59:
        hour, minute = 0, 0
    return datetime(day.year, day.month, day.day, hour, minute)


def read_article(page: str) -> ArticlePage:
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return ArticlePage("", "", None, None)
    metas = {(m.get("name") or m.get("property") or "").lower(): (m.get("content") or "").strip()
             for m in root.iter("meta")}
    published, source = None, None
    for name in _META_TIME:
        if metas.get(name) and (published := _published(metas[name])):
            source = "meta"
            break
    h1 = root.find(".//h1")
    title = next((metas[n] for n in _META_TITLE if metas.get(n)), "") or (
        " ".join(h1.text_content().split()) if h1 is not None else "")
    body = None
    for xpath in _CONTENT_XPATHS:
        found = root.xpath(xpath)
        if found:
            body = found[0]
            break
    if body is None:
        body = root.find(".//body") if root.find(".//body") is not None else root
    lines = [" ".join(t.split()) for t in body.itertext()]
    text = "\n".join([title, *(line for line in lines if line)])
    if published is None and (m := _PUBLISHED_LINE.search(root.text_content())):
        published, source = _published(m.group(1)), "text"
    return ArticlePage(title, text, published, source if published else None)


def content_hits(article: ArticlePage, dictionary: Dictionary | None, today: date | None = None) -> list[dict]:
    """The article's personal-number and wording hits as ``content_hits`` fields (no site/page fields): one
    row per distinct number or wrong form (its first occurrence gives the context)."""
    rows, seen = [], set()
    for hit in find_personal_numbers(article.text, today):
        if ("privacy", hit.masked) not in seen:
            seen.add(("privacy", hit.masked))
            rows.append({"check": "privacy", "kind": hit.kind, "matched": hit.masked, "suggestion": None,
                         "context": excerpt(article.text, hit.start, hit.end)})
    for hit in dictionary.find(article.text) if dictionary is not None else []:
        if ("wording", hit.entry.wrong) not in seen:  # e.g. in the title and again in the body
            seen.add(("wording", hit.entry.wrong))
            rows.append({"check": "wording", "kind": hit.entry.kind, "matched": hit.entry.wrong,
                         "suggestion": hit.entry.right, "context": excerpt(article.text, hit.start, hit.end)})
    return rows

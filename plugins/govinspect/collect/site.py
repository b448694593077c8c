"""Collect one website: home page, every inventory column's list pages, the window's articles, the links.

What one site yields (each list is one landing record type, see :mod:`govinspect.landing`):

- ``pages``: every fetched page (home, list, article, guestbook letter) with its evidence;
- ``items`` (``column_items``): the items of every list page followed (pagination, :mod:`.pagination`) until
  all items of a page are older than ``history_days`` or ``max_list_pages`` pages were read;
- ``home_items``: dated items linked from the home page; ``discovered_columns``: column-like home-page links
  the inventory lacks (:mod:`.home`);
- ``content_hits``: personal numbers and suspected wording in the articles dated inside the quarter's window
  (the newest ``max_articles`` per site, taken column by column) (:mod:`.article`);
- ``messages``: interaction columns' messages with asked and reply dates (:mod:`.interaction`);
- ``links``: one row per distinct link of the home page and the list pages (:mod:`.links`);
- ``reposts``: one row per configured important release (:mod:`.reposts`).

Nothing here raises for a failed fetch: every failure is a page row with its outcome.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from lxml import etree

from govinspect.collect.article import ArticlePage, content_hits, read_article
from govinspect.collect.home import discover_columns
from govinspect.collect.http import Fetcher, FetchResult
from govinspect.collect.interaction import Message, extract_messages, reply_from_letter
from govinspect.collect.links import LinkRef, check_links, page_links
from govinspect.collect.listpage import (
    ListItem,
    extract_all_items,
    extract_items,
    extract_json_items,
    json_list_source,
    newest_date,
)
from govinspect.collect.pagination import next_page, worth_following
from govinspect.collect.reposts import candidates, repost_rows
from govinspect.collect.wording import Dictionary
from govinspect.landing import store_evidence
from govinspect.releases import Release
from govinspect.settings import env_int

log = logging.getLogger(__name__)

INTERACTION_CATEGORY = "互动"


@dataclass(frozen=True)
class CollectLimits:
    """How deep one site is collected. Environment variables (production defaults in brackets):

    ``GOVINSPECT_MAX_LIST_PAGES`` (10) list pages per column; ``GOVINSPECT_HISTORY_DAYS`` (366) pagination
    stops after a page whose items are all older than this (the longest rule window: one year);
    ``GOVINSPECT_CONTENT_WINDOW_DAYS`` (92) articles dated this close to the monitoring point are read and
    checked; ``GOVINSPECT_MAX_ARTICLES`` (40) at most this many articles per site;
    ``GOVINSPECT_MAX_LINKS`` (200) link-check requests per site; ``GOVINSPECT_MAX_LETTERS`` (20) guestbook
    letter pages read per site for reply dates the list does not show.
    """

    max_list_pages: int = 10
    history_days: int = 366
    window_days: int = 92
    max_articles: int = 40
    max_links: int = 200
    max_letters: int = 20

    @classmethod
    def from_env(cls) -> CollectLimits:
        d = cls()
        return cls(
            max_list_pages=env_int("GOVINSPECT_MAX_LIST_PAGES", d.max_list_pages, minimum=1),
            history_days=env_int("GOVINSPECT_HISTORY_DAYS", d.history_days),
            window_days=env_int("GOVINSPECT_CONTENT_WINDOW_DAYS", d.window_days),
            max_articles=env_int("GOVINSPECT_MAX_ARTICLES", d.max_articles),
            max_links=env_int("GOVINSPECT_MAX_LINKS", d.max_links),
            max_letters=env_int("GOVINSPECT_MAX_LETTERS", d.max_letters),
        )


@dataclass
class SiteCollection:
    site_id: str
    pages: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    home_items: list[dict] = field(default_factory=list)
    discovered_columns: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    content_hits: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    reposts: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # stages that raised (a bug, logged): their data is missing

    def records(self) -> dict[str, list[dict]]:
        """Landing record type -> rows."""
        return {"pages": self.pages, "column_items": self.items, "home_items": self.home_items,
                "discovered_columns": self.discovered_columns, "links": self.links,
                "content_hits": self.content_hits, "messages": self.messages, "reposts": self.reposts}

    def summary(self) -> dict:
        outcomes = dict(Counter(p["outcome"] for p in self.pages))
        broken = sum(1 for x in self.links if x["outcome"] not in ("ok", "not_collected"))
        return {"site_id": self.site_id, "pages": len(self.pages), "items": len(self.items), "outcomes": outcomes,
                "home_items": len(self.home_items), "discovered_columns": len(self.discovered_columns),
                "links": len(self.links), "broken_links": broken,
                "privacy_hits": sum(1 for h in self.content_hits if h["check"] == "privacy"),
                "wording_hits": sum(1 for h in self.content_hits if h["check"] == "wording"),
                "messages": len(self.messages), "reposts_found": sum(1 for r in self.reposts if r["found"]),
                "seconds": round(self.seconds, 2), "failed_stages": self.failures}


def page_record(result: FetchResult, *, site_id: str, column_id: str | None, kind: str) -> dict:
    """The landing row of one fetched page; the body is kept as content-addressed evidence."""
    digest = store_evidence(result.body) if result.body else None
    return {
        "site_id": site_id, "column_id": column_id, "page_kind": kind, "url": result.url,
        "final_url": result.final_url, "fetched_at": result.fetched_at, "status_code": result.status_code,
        "outcome": result.outcome, "elapsed_ms": result.elapsed_ms, "content_sha256": digest,
        "content_bytes": len(result.body) if result.body else None,
        "encoding": result.decoded()[1] if result.body else None, "error": result.error,
    }


class _SiteRun:
    """The state of one site's collection (what was fetched, found, and where)."""

    def __init__(self, site: dict, columns: list[dict], as_of: date, fetcher: Fetcher, limits: CollectLimits,
                 dictionary: Dictionary | None, releases: list[Release]):
        self.site, self.columns, self.as_of, self.fetcher = site, columns, as_of, fetcher
        self.limits, self.dictionary, self.releases = limits, dictionary, releases
        self.out = SiteCollection(site["site_id"])
        self.fetched: dict[str, FetchResult] = {}  # url (requested and final) -> answer, for the link check
        self.link_refs: list[LinkRef] = []
        self.articles: dict[str, ArticlePage] = {}

    @property
    def site_id(self) -> str:
        return self.site["site_id"]

    async def fetch(self, url: str, column_id: str | None, kind: str) -> FetchResult:
        result = await self.fetcher.get(url)
        self.out.pages.append(page_record(result, site_id=self.site_id, column_id=column_id, kind=kind))
        self.fetched[url] = result
        if result.ok and result.final_url:
            self.fetched.setdefault(result.final_url, result)
        return result

    # --- home page -------------------------------------------------------------------------------------
    async def home(self) -> None:
        result = await self.fetch(self.site["home_url"], None, "home")
        if not result.ok:
            log.warning("%s home page: %s (%s)", self.site_id, result.outcome, result.error)
            return
        page_url = result.final_url or self.site["home_url"]
        dated = [i for i in extract_all_items(result.text, page_url, self.as_of) if i.date]
        for position, item in enumerate(dated, start=1):
            self.out.home_items.append({"site_id": self.site_id, "page_url": page_url, "position": position,
                                        **_item_fields(item)})
        self.out.discovered_columns = [
            {"site_id": self.site_id, **row}
            for row in discover_columns(result.text, page_url, [c["url"] for c in self.columns])]
        self.link_refs += page_links(result.text, page_url)
        log.info("%s home page: %d dated items, newest %s; %d columns not in the inventory", self.site_id,
                 len(dated), newest_date(dated, self.as_of) or "none", len(self.out.discovered_columns))

    # --- columns ---------------------------------------------------------------------------------------
    async def column(self, column: dict) -> None:
        column_id = column["column_id"]
        interaction = column.get("category") == INTERACTION_CATEGORY
        url, seen_urls, pages_read, position = column["url"], set(), 0, 0
        messages: list[tuple[str, Message]] = []
        items_all: list[ListItem] = []
        json_mode = False
        while url and pages_read < self.limits.max_list_pages:
            result = await self.fetch(url, column_id, "list")
            pages_read += 1
            if not result.ok:
                log.warning("%s · %s page %d: %s (%s)", self.site_id, column["column_name"], pages_read,
                            result.outcome, result.error)
                break
            page_url = result.final_url or url
            if json_mode:
                items = extract_json_items(result.text, page_url, self.as_of)
            else:
                items = extract_items(result.text, page_url, self.as_of)
                if pages_read == 1 and not any(i.date for i in items) and \
                        (source := json_list_source(result.text, page_url)):
                    # The list is rendered client-side from a JSON API (what HTML there is, is navigation):
                    # read what the browser would read.
                    self.link_refs += page_links(result.text, page_url)
                    json_mode, url = True, source
                    continue
                self.link_refs += page_links(result.text, page_url)
            # the items' links too: some lists are not in the page's HTML (JSON APIs, Hanweb's XML records)
            self.link_refs += [LinkRef(i.url, page_url, i.title) for i in items]
            new = [i for i in items if i.url not in seen_urls]
            for item in new:
                seen_urls.add(item.url)
                position += 1
                self.out.items.append({"site_id": self.site_id, "column_id": column_id, "page_url": page_url,
                                       "position": position, **_item_fields(item)})
            items_all += new
            if interaction:
                known = {m.url for _, m in messages}
                messages += [(page_url, m) for m in extract_messages(result.text, page_url, self.as_of)
                             if m.url not in known]
            if not new or not worth_following(items, self.as_of, self.limits.history_days):
                break
            nxt = next_page(result.text, page_url)
            url = nxt if nxt and nxt not in self.fetched else None
        if interaction:
            await self._messages(column_id, messages)
        log.info("%s · %s: %d pages, %d items, newest %s%s", self.site_id, column["column_name"], pages_read,
                 len(items_all), newest_date(items_all, self.as_of) or "undated",
                 f", {len(messages)} messages" if interaction else "")

    async def _messages(self, column_id: str, messages: list[tuple[str, Message]]) -> None:
        horizon = self.as_of - timedelta(days=self.limits.history_days)
        letters = 0
        for page_url, msg in messages:
            if msg.asked_on is not None and msg.asked_on < horizon:
                continue
            replied = msg.replied_on
            if msg.needs_letter and letters < self.limits.max_letters:
                letters += 1
                letter = await self.fetch(msg.url, column_id, "guestbook")
                try:
                    replied = reply_from_letter(letter.text) if letter.ok else None
                except (etree.ParserError, ValueError):
                    replied = None
            self.out.messages.append({
                "site_id": self.site_id, "column_id": column_id, "page_url": page_url, "title": msg.title,
                "url": msg.url, "asked_on": msg.asked_on, "replied_on": replied, "status_text": msg.status_text})

    # --- articles --------------------------------------------------------------------------------------
    def _window_articles(self) -> list[dict]:
        """The newest dated items inside the window, taken column by column (round robin), capped."""
        start = self.as_of - timedelta(days=self.limits.window_days)
        per_column: dict[str, list[dict]] = {}
        for item in self.out.items:
            if item["item_date"] and start <= item["item_date"] <= self.as_of:
                per_column.setdefault(item["column_id"], []).append(item)
        queues = [sorted(v, key=lambda i: i["item_date"], reverse=True) for v in per_column.values()]
        chosen: list[dict] = []
        while len(chosen) < self.limits.max_articles and any(queues):
            for q in queues:
                if q and len(chosen) < self.limits.max_articles:
                    chosen.append(q.pop(0))
        return chosen

    async def read_articles(self) -> None:
        chosen = self._window_articles()
        in_window = {i["url"] for i in chosen}
        repost_items = [c for rel in self.releases for c in candidates(rel, self.out.items + self.out.home_items)]
        todo: dict[str, dict] = {}
        for item in chosen + repost_items:
            if item["url"] not in todo and item["url"] not in self.fetched:
                todo[item["url"]] = item
        results = await asyncio.gather(*(self.fetch(url, item.get("column_id"), "article")
                                         for url, item in todo.items()))
        for (url, item), result in zip(todo.items(), results, strict=True):
            if not result.ok:
                continue
            article = read_article(result.text)
            self.articles[url] = article
            if url not in in_window:
                continue
            for hit in content_hits(article, self.dictionary, self.as_of):
                log.warning("%s: %s %s '%s' in %s (%s)", self.site_id, hit["check"], hit["kind"], hit["matched"],
                            url, article.title or item["title"])
                self.out.content_hits.append({
                    "site_id": self.site_id, "column_id": item.get("column_id"), "article_url": url,
                    "article_title": article.title or item["title"],
                    "article_date": article.published.date() if article.published else item["item_date"],
                    "content_sha256": result.sha256, **hit})

    def published(self, url: str) -> tuple[datetime | None, str | None]:
        article = self.articles.get(url)
        return (article.published, article.published_source) if article else (None, None)

    # --- all of it -------------------------------------------------------------------------------------
    async def _guarded(self, stage: str, step) -> None:
        """Run one stage; a bug in reading a page must not lose what the other stages collected."""
        try:
            await step
        except Exception:  # noqa: BLE001 - logged with its traceback; the fetched pages stay recorded
            self.out.failures.append(stage)
            log.exception("%s: %s failed; the pages fetched so far are kept", self.site_id, stage)

    async def _links(self) -> None:
        self.out.links = [{"site_id": self.site_id, **row} for row in
                          await check_links(self.link_refs, self.fetcher, fetched=self.fetched,
                                            max_links=self.limits.max_links)]
        for row in self.out.links:
            if row["outcome"] not in ("ok", "not_collected"):
                log.warning("%s: link %s (%s) found on %s: %s %s", self.site_id, row["url"], row["link_text"],
                            row["found_on"], row["outcome"], row["error"] or "")

    async def _reposts(self) -> None:
        self.out.reposts = repost_rows(self.site_id, self.releases, self.out.items + self.out.home_items,
                                       self.published)

    async def run(self) -> SiteCollection:
        started = time.perf_counter()
        await self._guarded("home page", self.home())
        for column in self.columns:
            await self._guarded(f"column {column['column_name']}", self.column(column))
        await self._guarded("articles", self.read_articles())
        await self._guarded("link check", self._links())
        if self.releases:
            await self._guarded("reposts", self._reposts())
        self.out.seconds = time.perf_counter() - started
        s = self.out.summary()
        log.info("site %s: %d pages %s, %d items, %d home items, %d links (%d broken), %d privacy / %d wording "
                 "hits, %d messages, %d of %d releases reposted, %.1f s", self.site_id, s["pages"], s["outcomes"],
                 s["items"], s["home_items"], s["links"], s["broken_links"], s["privacy_hits"], s["wording_hits"],
                 s["messages"], s["reposts_found"], len(self.releases), s["seconds"])
        return self.out


def _item_fields(item: ListItem) -> dict:
    return {"title": item.title, "url": item.url, "item_date": item.date, "date_text": item.date_text,
            "date_source": item.date_source, "pinned": item.pinned}


async def collect_site(site: dict, columns: list[dict], as_of: date, fetcher: Fetcher, *,
                       limits: CollectLimits | None = None, dictionary: Dictionary | None = None,
                       releases: list[Release] | tuple[Release, ...] = ()) -> SiteCollection:
    """Collect one site (see the module docstring). ``limits`` default to :meth:`CollectLimits.from_env`;
    without ``dictionary`` no wording check, without ``releases`` no repost rows."""
    run = _SiteRun(site, columns, as_of, fetcher, limits or CollectLimits.from_env(), dictionary, list(releases))
    return await run.run()


"""Collect one website: its home page and every inventory column's list page, with evidence."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date

from govinspect.collect.http import Fetcher, FetchResult
from govinspect.collect.listpage import extract_items, extract_json_items, json_list_source, newest_date
from govinspect.landing import store_evidence

log = logging.getLogger(__name__)


@dataclass
class SiteCollection:
    site_id: str
    pages: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        outcomes: dict[str, int] = {}
        for p in self.pages:
            outcomes[p["outcome"]] = outcomes.get(p["outcome"], 0) + 1
        return {"site_id": self.site_id, "pages": len(self.pages), "items": len(self.items), "outcomes": outcomes}


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


async def collect_site(site: dict, columns: list[dict], as_of: date, fetcher: Fetcher) -> SiteCollection:
    """Fetch the home page and the first list page of each column; extract the column items."""
    started = time.perf_counter()
    out = SiteCollection(site["site_id"])
    home = await fetcher.get(site["home_url"])
    out.pages.append(page_record(home, site_id=site["site_id"], column_id=None, kind="home"))
    for column in columns:
        result = await fetcher.get(column["url"])
        out.pages.append(page_record(result, site_id=site["site_id"], column_id=column["column_id"], kind="list"))
        if not result.ok:
            log.warning("%s · %s: %s (%s)", site["site_id"], column["column_name"], result.outcome, result.error)
            continue
        page_url = result.final_url or column["url"]
        items = extract_items(result.text, page_url, as_of)
        if not any(i.date for i in items) and (source := json_list_source(result.text, page_url)):
            # The list is rendered client-side from a JSON API (what HTML there is, is navigation):
            # read what the browser would read.
            api = await fetcher.get(source)
            out.pages.append(page_record(api, site_id=site["site_id"], column_id=column["column_id"], kind="list"))
            if api.ok:
                items, page_url = extract_json_items(api.text, source, as_of), source
        for position, item in enumerate(items, start=1):
            out.items.append({
                "site_id": site["site_id"], "column_id": column["column_id"], "page_url": page_url,
                "position": position, "title": item.title, "url": item.url, "item_date": item.date,
                "date_text": item.date_text, "date_source": item.date_source, "pinned": item.pinned,
            })
        log.info("%s · %s: %d items, newest %s", site["site_id"], column["column_name"], len(items),
                 newest_date(items, as_of) or "undated")
    s = out.summary()
    log.info("site %s: %d pages %s, %d items in %.1f s", site["site_id"], s["pages"], s["outcomes"], s["items"],
             time.perf_counter() - started)
    return out

"""Important-release reposting (重点政务信息转载): did a site repost a release, and when?

A site's crawled items (column lists and home page) are searched by title, normalised (punctuation,
symbols and whitespace removed, full-width folded): a match is the release title contained in the item
title or the item title (at least :data:`MIN_MATCH` characters) contained in the release title. Among the
matches the earliest one published at or after the release wins. Its time is the article's ``PubDate`` when
the article page was read (``date_source`` meta/text), else the list date at 00:00 Beijing
(``date_source`` item_date).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time

from govinspect.releases import BEIJING, Release

MIN_MATCH = 8


def normalise(title: str) -> str:
    folded = unicodedata.normalize("NFKC", title or "")
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN").lower()


def matches(release_title: str, item_title: str) -> bool:
    r, i = normalise(release_title), normalise(item_title)
    return bool(r and i) and (r in i or (len(i) >= MIN_MATCH and i in r))


def candidates(release: Release, items: list[dict]) -> list[dict]:
    """Items (``column_items``/``home_items`` rows) whose title matches the release, one per URL."""
    seen: dict[str, dict] = {}
    for item in items:
        if matches(release.title, item["title"]) and item["url"] not in seen:
            seen[item["url"]] = item
    return list(seen.values())


def repost_rows(site_id: str, releases: list[Release], items: list[dict],
                published: Callable[[str], tuple[datetime | None, str | None]]) -> list[dict]:
    """One ``reposts`` row per release. ``published(url)`` gives an article's (naive Beijing) publication
    time and its source, or ``(None, None)``."""
    rows = []
    for rel in releases:
        best: tuple[datetime, dict, str] | None = None
        for item in candidates(rel, items):
            when, source = published(item["url"])
            if when is not None:
                stamp = when.replace(tzinfo=BEIJING) if when.tzinfo is None else when
            elif isinstance(item.get("item_date"), date):
                stamp, source = datetime.combine(item["item_date"], time(), BEIJING), "item_date"
            else:
                continue
            after = stamp >= rel.released_at.replace(hour=0, minute=0)
            if best is None or (after, -stamp.timestamp()) > (best[0] >= rel.released_at.replace(hour=0, minute=0),
                                                              -best[0].timestamp()):
                best = (stamp, item, source or "item_date")
        rows.append({
            "site_id": site_id, "release_id": rel.release_id, "release_title": rel.title,
            "publisher": rel.publisher, "released_at": rel.released_at, "found": best is not None,
            "column_id": best[1].get("column_id") if best else None, "url": best[1]["url"] if best else None,
            "reposted_at": best[0] if best else None, "date_source": best[2] if best else None,
        })
    return rows

"""Content of the simulated prefecture, resolved from a scenario: dated articles and posts with stable ids.

Nothing here knows about HTML or URLs; the CMS renderers and platform emulators present this content
in their own shapes. Everything is deterministic for a given scenario.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime

from govinspect.sandbox import scenario as sc
from govinspect.sandbox.clock import CST, at_days_ago
from govinspect.sandbox.titles import body_text, column_titles, post_texts

# Default TRS path segment of a column, by category (pinyin initials, as real sites name them).
_DEFAULT_SLUGS = {
    "要闻": "yw", "动态": "dt", "通知公告": "tzgg", "政策文件": "zcwj",
    "人事": "rsxx", "规划计划": "ghjh", "互动": "hdjl", "其他": "qt",
}


def stable_int(*parts: object) -> int:
    """A deterministic integer from its parts (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


@dataclass(frozen=True)
class Article:
    art_id: int
    title: str
    published: datetime | None  # None: undated, no date is shown anywhere
    order_at: datetime | None  # position in the list; None = above every dated item
    pinned: bool
    body: str

    def visible_at(self, now: datetime) -> bool:
        return self.order_at is None or self.order_at <= now


@dataclass(frozen=True)
class ColumnContent:
    column: sc.Column
    index: int  # position in the site's column list
    key: str  # TRS slug or Hanweb column id (as text)
    articles: tuple[Article, ...]  # list order: pinned first, then newest first

    def visible(self, now: datetime) -> list[Article]:
        return [a for a in self.articles if a.visible_at(now)]


@dataclass(frozen=True)
class SiteContent:
    site: sc.Site
    monitoring_point: date
    columns: tuple[ColumnContent, ...]


def _list_order(a: Article) -> tuple:
    # pinned first; then undated-without-position; then newest first; ties by id (newest id first)
    stamp = a.order_at.timestamp() if a.order_at else float("inf")
    return (not a.pinned, -stamp, -a.art_id)


def _time_of_day(*seed: object) -> tuple[int, int]:
    n = stable_int(*seed)
    return 8 + n % 11, (n // 11) % 60


def build_site(site: sc.Site, monitoring_point: date, ids: str) -> SiteContent:
    """Resolve a site's columns. ``ids``: "chronological" (TRS) or "scrambled" (Hanweb: not in date order)."""
    drafts: list[tuple[int, dict]] = []  # (column index, article fields without id)
    keys: list[str] = []
    used_slugs: set[str] = set()
    for j, col in enumerate(site.columns):
        if site.cms == "trs":
            key = col.slug or _DEFAULT_SLUGS[col.category]
            if col.slug is None and key in used_slugs:
                key = f"{key}{j + 1}"
            used_slugs.add(key)
        else:
            key = str(col.col_id or 1001 + j)
        keys.append(key)
        titles = column_titles(f"{site.site_id}/{col.name}", col.category, site.unit, site.level)
        n = 0
        for item in col.items:
            for r in range(item.repeat):
                n += 1
                title = item.title or next(titles)
                days = None if item.days_ago is None else item.days_ago + r * item.every
                if days is None:
                    order_at = None
                else:
                    hour, minute = _time_of_day(site.site_id, col.name, n)
                    order_at = at_days_ago(monitoring_point, days, hour, minute)
                drafts.append((j, {
                    "title": title,
                    "published": None if item.undated else order_at,
                    "order_at": order_at,
                    "pinned": item.pinned,
                    "body": item.body or body_text(title, site.unit),
                }))
    # ids: growing with the date (undated items get the newest ids) or a seeded permutation
    rng = random.Random(f"ids/{site.site_id}")
    count = len(drafts)
    if ids == "chronological":
        order = sorted(range(count), key=lambda i: (drafts[i][1]["order_at"] or datetime.max.replace(tzinfo=CST)))
        base = 100000 + rng.randrange(800000)
        numbers = [0] * count
        current = base
        for i in order:
            current += rng.randint(1, 40)
            numbers[i] = current
    else:
        numbers = rng.sample(range(100000, 999999), count)
    per_column: list[list[Article]] = [[] for _ in site.columns]
    for (j, fields), art_id in zip(drafts, numbers, strict=True):
        per_column[j].append(Article(art_id=art_id, **fields))
    columns = tuple(
        ColumnContent(col, j, keys[j], tuple(sorted(per_column[j], key=_list_order)))
        for j, col in enumerate(site.columns)
    )
    return SiteContent(site, monitoring_point, columns)


@dataclass(frozen=True)
class PostContent:
    post_id: int  # grows with time, like weibo mids and wechat appmsgids
    text: str
    published: datetime
    pinned: bool
    repost: bool


@dataclass(frozen=True)
class AccountContent:
    account: sc.Account
    posts: tuple[PostContent, ...]  # pinned first, then newest first

    def visible(self, now: datetime) -> list[PostContent]:
        return [p for p in self.posts if p.published <= now]


def build_account(account: sc.Account, monitoring_point: date) -> AccountContent:
    texts = post_texts(account.account_id, account.account_name, account.unit)
    posts: list[PostContent] = []
    n = 0
    for post in account.posts:
        for r in range(post.repeat):
            n += 1
            hour, minute = _time_of_day(account.account_id, n)
            published = at_days_ago(monitoring_point, post.days_ago + r * post.every, hour, minute)
            text = post.title if post.title and post.repeat == 1 else next(texts)
            seq = stable_int(account.account_id, n) % 1000
            post_id = int(published.timestamp()) * 1000 + seq
            posts.append(PostContent(post_id, text, published, post.pinned, post.repost))
    posts.sort(key=lambda p: (not p.pinned, -p.published.timestamp(), -p.post_id))
    return AccountContent(account, tuple(posts))

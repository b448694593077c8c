"""Content of the simulated prefecture, resolved from a scenario: dated articles and posts with stable ids.

Nothing here knows about HTML or URLs; the CMS renderers and platform emulators present this content
in their own shapes. Everything is deterministic for a given scenario.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from govinspect.sandbox import scenario as sc
from govinspect.sandbox.clock import CST, at_days_ago
from govinspect.sandbox.site_fields import SLUG_FAMILIES, ImportantRelease, Leak
from govinspect.sandbox.titles import body_text, column_titles, message_texts, post_texts

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
    source: str | None = None  # ContentSource when not the site's unit (reposts: the publisher)
    release_id: str | None = None  # reposts: the important release reposted

    def visible_at(self, now: datetime) -> bool:
        return self.order_at is None or self.order_at <= now


@dataclass(frozen=True)
class GuestMessage:
    """A guestbook message (互动 column) and its reply, if any."""

    msg_id: int
    title: str
    body: str
    asked: datetime
    replied: datetime | None
    reply: str | None

    def reply_at(self, now: datetime) -> datetime | None:
        return self.replied if self.replied is not None and self.replied <= now else None


@dataclass(frozen=True)
class ColumnContent:
    column: sc.Column
    index: int  # position in the site's column list
    key: str  # TRS/kaipu slug, Hanweb column id or Sichuan channel id (as text)
    articles: tuple[Article, ...]  # list order: pinned first, then newest first
    messages: tuple[GuestMessage, ...] = ()  # guestbook columns: newest first
    list_style: str = "standard"  # the column's list_style, else the site's, else "standard"

    def visible(self, now: datetime) -> list[Article]:
        return [a for a in self.articles if a.visible_at(now)]

    def visible_messages(self, now: datetime) -> list[GuestMessage]:
        return [m for m in self.messages if m.asked <= now]


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


_NAMES = ("张明华", "李建国", "王秀英", "泽仁拉姆", "扎西多吉", "格绒曲珍", "刘德芬", "降央卓玛")


def leak_sentence(leak: Leak, seed: str) -> str:
    """How a body prints one piece of personal data (a 公示 line, a contact line)."""
    name = leak.name or _NAMES[stable_int(seed, leak.value) % len(_NAMES)]
    if leak.kind in ("id_card", "masked_id_card"):
        return f"经审核，{name}（身份证号码：{leak.value}）符合相关条件，现予以公示。"
    return f"联系人：{name}，联系电话：{leak.value}。"


def _with_leaks(body: str, leaks, seed: str) -> str:
    return body if not leaks else body + "\n" + "\n".join(leak_sentence(x, seed) for x in leaks)


def _messages(site: sc.Site, col: sc.Column, monitoring_point: date) -> tuple[GuestMessage, ...]:
    texts = message_texts(f"{site.site_id}/{col.name}", site.unit)
    out: list[GuestMessage] = []
    used: set[int] = set()
    n = 0
    for m in col.messages:
        for r in range(m.repeat):
            n += 1
            title, body = next(texts)
            if m.title and m.repeat == 1:
                title = m.title
            body = m.body if m.body and m.repeat == 1 else body
            hour, minute = _time_of_day(site.site_id, col.name, "msg", n)
            days = m.days_ago + r * m.every
            asked = at_days_ago(monitoring_point, days, hour, minute)
            replied = None
            if m.replied_after is not None:
                rh, rm = _time_of_day(site.site_id, col.name, "reply", n)
                replied = at_days_ago(monitoring_point, days - m.replied_after, rh, rm)
                replied = max(replied, asked + timedelta(hours=1))
            reply = None if replied is None else (
                f"您好！您反映的问题已收悉。经{site.unit}核实，相关情况已转交责任部门办理，感谢您的关注和支持。")
            msg_id = 10000 + stable_int(site.site_id, col.name, n) % 90000
            while msg_id in used:
                msg_id += 1
            used.add(msg_id)
            out.append(GuestMessage(msg_id, title, body, asked, replied, reply))
    out.sort(key=lambda g: -g.asked.timestamp())
    return tuple(out)


def build_site(site: sc.Site, monitoring_point: date, ids: str,
               releases: tuple[ImportantRelease, ...] | list[ImportantRelease] = ()) -> SiteContent:
    """Resolve a site's columns. ``ids``: "chronological" (TRS) or "scrambled" (Hanweb: not in date order).

    ``releases``: the scenario's important releases; the site's ``reposts`` become articles of their column.
    """
    drafts: list[tuple[int, dict]] = []  # (column index, article fields without id)
    keys: list[str] = []
    used_slugs: set[str] = set()
    for j, col in enumerate(site.columns):
        if site.cms in SLUG_FAMILIES:
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
                    "body": _with_leaks(item.body or body_text(title, site.unit), item.leaks,
                                        f"{site.site_id}/{col.name}/{n}"),
                }))
    by_release = {r.release_id: r for r in releases}
    col_index = {c.name: j for j, c in enumerate(site.columns)}
    for rp in site.reposts:
        rel = by_release.get(rp.release)
        if rel is None:
            continue
        hour, minute = rel.hour_minute
        published = at_days_ago(monitoring_point, rel.days_ago, hour, minute) + timedelta(hours=rp.after_hours)
        drafts.append((col_index[rp.column], {
            "title": rel.title, "published": published, "order_at": published, "pinned": False,
            "body": f"{rel.title}。\n（来源：{rel.publisher}）", "source": rel.publisher,
            "release_id": rel.release_id,
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
        ColumnContent(col, j, keys[j], tuple(sorted(per_column[j], key=_list_order)),
                      _messages(site, col, monitoring_point), col.list_style or site.list_style or "standard")
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

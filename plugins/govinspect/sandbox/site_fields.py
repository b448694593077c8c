"""Scenario fields of the website side beyond the plain column lists: CMS variants and planted content.

The models are part of the scenario format (see :mod:`govinspect.sandbox`); :mod:`.scenario` embeds them in
``Item``, ``Column``, ``Site`` and ``Scenario`` and calls :func:`cross_check_sites` after validation. Kept in
their own module so the scenario core stays small.

Planted content (what the notice's 主要问题 are made of): personal data in article bodies (``leaks``),
suspected wording errors (``wording_errors``), broken links (``broken_links``), a guestbook with message
and reply dates (``messages``), important releases and per-site reposts (``important_releases``,
``reposts``).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# list_style values each CMS family can render ("standard" is every family's default)
LIST_STYLES: dict[str, tuple[str, ...]] = {
    "trs": ("standard", "date_in_title"),
    "hanweb": ("standard", "table"),
    "sichuan": ("standard", "json"),
    "kaipu": ("standard",),
}
ARTICLE_URL_STYLES: tuple[str, ...] = ("ymd", "ym")  # sichuan: /YYYY/M/D/<hex>.shtml | /YYYYMM/<hex>.shtml
SLUG_FAMILIES: tuple[str, ...] = ("trs", "kaipu")  # columns keyed by a path slug; the others by a numeric id
LEAK_KINDS: tuple[str, ...] = ("id_card", "mobile", "masked_id_card", "masked_mobile")
WORDING_KINDS: tuple[str, ...] = ("领导姓名", "过时机构名称", "错别字")

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_MOBILE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
_ID_BODY = re.compile(r"^\d{17}[\dX]$")
_MASKED_ID = re.compile(r"^\d{1,10}\*{4,16}[\dX*]{0,4}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of an 18-digit citizen ID number (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def valid_id_card(value: str) -> bool:
    return bool(_ID_BODY.match(value)) and id_check_digit(value[:17]) == value[17]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _allowed(value: str, allowed, what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} '{value}' (allowed: {' / '.join(allowed)})")
    return value


class Leak(_Model):
    """Personal data printed in an article body (隐私泄露). Masked kinds must not count as leaks."""

    kind: str
    value: str
    name: str | None = None  # the person the sentence names (default: generated)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _allowed(v, LEAK_KINDS, "leak kind")

    @model_validator(mode="after")
    def _shape(self) -> Leak:
        v = self.value
        if self.kind == "id_card" and not valid_id_card(v):
            raise ValueError(f"value: '{v}' is not an 18-digit ID number with a valid GB 11643 check digit"
                             + (f" (expected {id_check_digit(v[:17])})" if re.match(r"^\d{17}", v) else ""))
        if self.kind == "mobile" and not _MOBILE.match(v):
            raise ValueError(f"value: '{v}' is not an 11-digit mainland mobile number")
        if self.kind == "masked_mobile" and not _MASKED_MOBILE.match(v):
            raise ValueError(f"value: '{v}' is not a masked mobile number like 138****1234")
        if self.kind == "masked_id_card" and not (len(v) == 18 and _MASKED_ID.match(v)):
            raise ValueError(f"value: '{v}' is not a masked 18-character ID number like 51332219********1X")
        return self


class Message(_Model):
    """One guestbook message of a 互动 column; ``repeat`` > 1 expands into a series like items."""

    days_ago: int = Field(ge=0)
    title: str | None = None
    body: str | None = None
    replied_after: int | None = Field(default=None, ge=0)  # days from message to reply
    unanswered: bool = False
    repeat: int = Field(default=1, ge=1, le=200)
    every: int = Field(default=7, ge=1)

    @model_validator(mode="after")
    def _reply(self) -> Message:
        if (self.replied_after is None) == (not self.unanswered):
            raise ValueError("a message needs exactly one of 'replied_after' (days) or 'unanswered: true'")
        if self.replied_after is not None and self.replied_after > self.days_ago:
            raise ValueError(f"replied_after {self.replied_after} is after the monitoring point "
                             f"(message is {self.days_ago} days old); use 'unanswered: true'")
        if self.title is not None and self.repeat > 1:
            raise ValueError("'title' cannot be combined with 'repeat' (titles of a series are generated)")
        return self


class BrokenLink(_Model):
    """A link that does not work: a path of the site that answers 404, or the same path on a dead host."""

    text: str = Field(min_length=1)
    path: str
    on_page: str = "home"  # "home" or the name of a column (shown on its list pages)
    dead_host: bool = False  # True: http://<prefix>.249.1:<port><path>, an address nothing listens on

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        if not v.startswith("/") or " " in v:
            raise ValueError(f"'{v}' is not an absolute path")
        return v


class Repost(_Model):
    """This site reposted an important release in one of its columns, ``after_hours`` after it came out."""

    release: str
    column: str
    after_hours: int = Field(ge=0)


class ImportantRelease(_Model):
    """A 重点政务信息 (State Council / provincial release) sites are expected to repost."""

    release_id: str
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    days_ago: int = Field(ge=0)
    time: str = "10:00"  # HH:MM, China time
    source_url: str | None = None  # where the publisher published it (informational)

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"'{v}' is not a time HH:MM")
        return v

    @property
    def hour_minute(self) -> tuple[int, int]:
        h, m = self.time.split(":")
        return int(h), int(m)


class WordingError(_Model):
    """A suspected wording error planted in the titles or bodies of one site (the reference list)."""

    wrong: str = Field(min_length=1)
    right: str = Field(min_length=1)
    kind: str
    site: str  # site_id where it is planted

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _allowed(v, WORDING_KINDS, "wording error kind")


def check_site_options(site: Any) -> None:
    """Per-site checks of family-specific options (raises ValueError naming the column)."""
    slugged = site.cms in SLUG_FAMILIES
    wrong = "col_id" if slugged else "slug"
    styles = LIST_STYLES.get(site.cms, ("standard",))
    if site.list_style is not None and site.list_style not in styles:
        raise ValueError(f"list_style '{site.list_style}' does not apply to cms '{site.cms}' "
                         f"(allowed: {' / '.join(styles)})")
    if site.site_path is not None and site.cms != "sichuan":
        raise ValueError(f"'site_path' does not apply to cms '{site.cms}'")
    for i, col in enumerate(site.columns):
        if getattr(col, wrong) is not None:
            raise ValueError(f"columns[{i}]: '{wrong}' does not apply to cms '{site.cms}'")
        if col.list_style is not None and col.list_style not in styles:
            raise ValueError(f"columns[{i}]: list_style '{col.list_style}' does not apply to cms '{site.cms}' "
                             f"(allowed: {' / '.join(styles)})")
        if col.article_url is not None and site.cms != "sichuan":
            raise ValueError(f"columns[{i}]: 'article_url' does not apply to cms '{site.cms}'")


def check_column(col: Any) -> None:
    if col.messages and col.category != "互动":
        raise ValueError("'messages' belong to a 互动 column")
    if col.messages and col.items:
        raise ValueError("a guestbook column has 'messages', not 'items'")
    if col.article_url is not None:
        _allowed(col.article_url, ARTICLE_URL_STYLES, "article_url")


def _texts(site: Any) -> str:
    parts = []
    for col in site.columns:
        for it in col.items:
            parts += [it.title or "", it.body or ""]
        for m in col.messages:
            parts += [m.title or "", m.body or ""]
    return "\n".join(parts)


def cross_check_sites(sc: Any) -> list[tuple[str, str]]:
    """References of the website-side fields; (field path, message) pairs."""
    out: list[tuple[str, str]] = []
    releases: dict[str, int] = {}
    for i, rel in enumerate(sc.important_releases):
        if rel.release_id in releases:
            first = releases[rel.release_id]
            out.append((f"important_releases[{i}].release_id",
                        f"duplicate release_id '{rel.release_id}' (first at important_releases[{first}])"))
        releases.setdefault(rel.release_id, i)
    sites = {s.site_id: s for s in sc.sites}
    for i, site in enumerate(sc.sites):
        names = {c.name: c for c in site.columns}
        for j, link in enumerate(site.broken_links):
            if link.on_page != "home" and link.on_page not in names:
                out.append((f"sites[{i}].broken_links[{j}].on_page", f"no column named '{link.on_page}' (or 'home')"))
        seen: set[str] = set()
        for j, rp in enumerate(site.reposts):
            where = f"sites[{i}].reposts[{j}]"
            if rp.release not in releases:
                out.append((f"{where}.release", f"unknown release '{rp.release}'"))
            if rp.column not in names:
                out.append((f"{where}.column", f"no column named '{rp.column}'"))
            elif names[rp.column].messages or names[rp.column].category == "互动":
                out.append((f"{where}.column", f"column '{rp.column}' is a 互动 column"))
            if rp.release in seen:
                out.append((f"{where}.release", f"release '{rp.release}' reposted twice"))
            seen.add(rp.release)
    for i, err in enumerate(sc.wording_errors):
        site = sites.get(err.site)
        if site is None:
            out.append((f"wording_errors[{i}].site", f"unknown site '{err.site}'"))
        elif err.wrong not in _texts(site):
            out.append((f"wording_errors[{i}].wrong", f"'{err.wrong}' appears in no title or body of '{err.site}'"))
    return out

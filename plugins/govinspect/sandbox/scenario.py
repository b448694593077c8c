"""Scenario files: the YAML that describes a simulated prefecture, validated on load.

The format is documented in :mod:`govinspect.sandbox`. :func:`load_scenario` raises one
:class:`ScenarioError` listing every problem as ``<file>: <field path>: <message>``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govinspect.sandbox.faults import FaultList, Outage, PlatformOptions
from govinspect.sandbox.site_fields import (
    SLUG_FAMILIES,
    BrokenLink,
    ImportantRelease,
    Leak,
    Message,
    Repost,
    WordingError,
    check_column,
    check_site_options,
    cross_check_sites,
)
from govinspect.settings import paths
from govinspect.vocab import CATEGORIES, LEVELS, PLATFORMS, ROSTER_STATUSES

CMS_FAMILIES: tuple[str, ...] = ("trs", "hanweb", "sichuan", "kaipu")
PLANNED_CMS: tuple[str, ...] = ()
ENCODINGS: tuple[str, ...] = ("utf-8", "gbk")
ACCOUNT_STATES: tuple[str, ...] = ("active", "closed", "not_found", "blocked")
EMULATED_CONNECTORS: tuple[str, ...] = ("weibo", "wechat", "toutiao", "douyin")
# Platforms whose emulator answers a blocked (封禁) account and a 429 rate limit (scenario rate_limit options).
BLOCKABLE_CONNECTORS: tuple[str, ...] = ("toutiao", "douyin")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_SLUG_RE = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_FAKEID_RE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_SEC_UID_RE = re.compile(r"^MS4wLjABAAAA[A-Za-z0-9_\-]{8,}$")  # toutiao user token, douyin sec_user_id


class ScenarioError(ValueError):
    """The scenario file is not valid; ``problems`` holds one ``file: path: message`` line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid scenario:\n" + "\n".join(f"  - {p}" for p in problems))


def _allowed(value: str, allowed, what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} '{value}' (allowed: {' / '.join(allowed)})")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Model):
    """One entry of a column list. ``repeat`` > 1 expands into a series ``days_ago, days_ago+every, …``."""

    days_ago: int | None = None
    undated: bool = False
    title: str | None = None
    pinned: bool = False
    body: str | None = None
    leaks: list[Leak] = Field(default_factory=list)  # personal data appended to the body
    repeat: int = Field(default=1, ge=1, le=500)
    every: int = Field(default=7, ge=1)

    @field_validator("days_ago")
    @classmethod
    def _not_negative(cls, v: int | None) -> int | None:
        if v is not None and v < 0:
            raise ValueError(f"days_ago must be >= 0 (got {v}); items cannot be after the monitoring point")
        return v

    @model_validator(mode="after")
    def _dated_or_not(self) -> Item:
        if self.days_ago is None and not self.undated:
            raise ValueError("an item needs 'days_ago' or 'undated: true'")
        if self.title is not None and self.repeat > 1:
            raise ValueError("'title' cannot be combined with 'repeat' (titles of a series are generated)")
        return self


class Column(_Model):
    name: str = Field(min_length=1)
    category: str
    slug: str | None = None  # TRS: path segment(s) of the column, e.g. "gzyw" or "xwzx/gzyw"
    col_id: int | None = Field(default=None, ge=1)  # Hanweb: numeric column id
    items: list[Item] = Field(default_factory=list)
    list_style: str | None = None  # family variant of the list (site_fields.LIST_STYLES)
    article_url: str | None = None  # sichuan: ymd (default) | ym
    messages: list[Message] = Field(default_factory=list)  # 互动 columns: a guestbook

    @model_validator(mode="after")
    def _website_options(self) -> Column:
        check_column(self)
        return self

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return _allowed(v, CATEGORIES, "category")

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str | None) -> str | None:
        if v is not None and not _SLUG_RE.match(v):
            raise ValueError(f"'{v}' is not a path slug (lower-case letters, digits, '_', '/')")
        return v


class Site(_Model):
    site_id: str
    unit: str = Field(min_length=1)
    level: str
    site_name: str = Field(min_length=1)
    cms: str
    encoding: str = "utf-8"
    charset_label: str | None = None  # what the <meta> declares; defaults to the encoding ("gb2312" is a trap)
    domain: str | None = None  # shown in the SiteDomain meta tag
    site_code: str | None = None  # SiteIDCode, the national site id
    page_size: int | None = Field(default=None, ge=1, le=200)
    unit_id: int | None = Field(default=None, ge=1)  # Hanweb unitid
    site_path: str | None = None  # sichuan: the <site> path segment (default: the site_id)
    list_style: str | None = None  # default list_style of the site's columns
    broken_links: list[BrokenLink] = Field(default_factory=list)
    reposts: list[Repost] = Field(default_factory=list)
    faults: FaultList = Field(default_factory=list)  # faults.Fault: injected misbehaviour (Faults section)
    outages: list[Outage] = Field(default_factory=list)  # down windows in scenario time
    columns: list[Column] = Field(min_length=1)

    @field_validator("site_id")
    @classmethod
    def _site_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"'{v}' is not an id (letters, digits, '_', '.', '-')")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        return _allowed(v, LEVELS, "level")

    @field_validator("cms")
    @classmethod
    def _cms(cls, v: str) -> str:
        if v in PLANNED_CMS:
            raise ValueError(f"cms '{v}' is not implemented yet (available: {' / '.join(CMS_FAMILIES)})")
        return _allowed(v, CMS_FAMILIES, "cms")

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        return _allowed(v.lower(), ENCODINGS, "encoding")

    @model_validator(mode="after")
    def _column_keys(self) -> Site:
        check_site_options(self)  # slug vs col_id, list_style, site_path, article_url per family
        return self

    @property
    def label(self) -> str:
        return self.charset_label or self.encoding


class Post(_Model):
    """One post; a bare integer in YAML means ``{days_ago: N}``."""

    days_ago: int
    pinned: bool = False
    repost: bool = False
    title: str | None = None
    repeat: int = Field(default=1, ge=1, le=1000)
    every: int = Field(default=1, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _from_int(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"days_ago": data}
        return data

    @field_validator("days_ago")
    @classmethod
    def _not_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"days_ago must be >= 0 (got {v}); posts cannot be after the monitoring point")
        return v


class Account(_Model):
    account_id: str
    unit: str = Field(min_length=1)
    level: str
    platform: str
    account_name: str = Field(min_length=1)
    platform_id: str = Field(min_length=1)
    platform_alt_id: str | None = None
    status: str = "active"
    verified: bool = True
    rate_limit: int = Field(default=0, ge=0)  # toutiao/douyin: the first N requests about it get HTTP 429
    posts: list[Post] = Field(default_factory=list)

    @field_validator("account_id")
    @classmethod
    def _account_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"'{v}' is not an id (letters, digits, '_', '.', '-')")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        return _allowed(v, LEVELS, "level")

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        _allowed(v, PLATFORMS, "platform")
        if PLATFORMS[v] not in EMULATED_CONNECTORS:
            emulated = [p for p, c in PLATFORMS.items() if c in EMULATED_CONNECTORS]
            raise ValueError(f"platform '{v}' has no emulator yet (available: {' / '.join(emulated)})")
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        return _allowed(v, ACCOUNT_STATES, "status")

    @model_validator(mode="after")
    def _platform_id_shape(self) -> Account:
        connector = PLATFORMS[self.platform]
        if connector == "weibo" and not self.platform_id.isdigit():
            raise ValueError(f"platform_id: a weibo uid is digits only (got '{self.platform_id}')")
        if connector == "wechat" and not _FAKEID_RE.match(self.platform_id):
            raise ValueError(f"platform_id: a wechat fakeid is base64-like, e.g. MzA5NTQ2MDIxNg== "
                             f"(got '{self.platform_id}')")
        if connector in ("toutiao", "douyin") and not _SEC_UID_RE.match(self.platform_id):
            what = "toutiao user token" if connector == "toutiao" else "douyin sec_user_id"
            raise ValueError(f"platform_id: a {what} looks like MS4wLjABAAAA… (got '{self.platform_id}')")
        if connector not in BLOCKABLE_CONNECTORS and (self.status == "blocked" or self.rate_limit):
            raise ValueError(f"'blocked' and 'rate_limit' are emulated on {' / '.join(BLOCKABLE_CONNECTORS)} only")
        return self

    @property
    def connector(self) -> str:
        return PLATFORMS[self.platform]


class RosterEntry(_Model):
    account: str  # an account_id of this scenario
    status: str = "正常"
    opened_on: date | None = None
    closed_on: date | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        return _allowed(v, ROSTER_STATUSES, "roster status")

    @model_validator(mode="after")
    def _dates(self) -> RosterEntry:
        if self.status in ("关停", "注销") and self.closed_on is None:
            raise ValueError(f"status '{self.status}' needs closed_on (the closure filing date)")
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise ValueError(f"closed_on {self.closed_on} is before opened_on {self.opened_on}")
        return self


class Annex1Row(_Model):
    unit: str
    site_name: str
    problem: str


class Annex2Row(_Model):
    unit: str
    platform: str
    account_name: str
    problem: str


class LevelCount(_Model):
    checked: int = Field(ge=0)
    flagged: int = Field(ge=0)


class AccountCount(_Model):
    checked: int = Field(ge=0)
    flagged: int = Field(ge=0)
    closed_unfiled: int = Field(ge=0)


class Summary(_Model):
    websites: dict[str, LevelCount] = Field(default_factory=dict)
    accounts: AccountCount | None = None

    @field_validator("websites")
    @classmethod
    def _levels(cls, v: dict[str, LevelCount]) -> dict[str, LevelCount]:
        for level in v:
            _allowed(level, LEVELS, "level")
        return v

    # flat read-only views, as the notice's sentences use them (missing levels count 0)
    def _site_count(self, level: str, what: str) -> int:
        counts = self.websites.get(level)
        return getattr(counts, what) if counts else 0

    @property
    def websites_checked_prefecture(self) -> int:
        return self._site_count("州", "checked")

    @property
    def websites_checked_department(self) -> int:
        return self._site_count("部门", "checked")

    @property
    def websites_checked_county(self) -> int:
        return self._site_count("县", "checked")

    @property
    def websites_flagged_prefecture(self) -> int:
        return self._site_count("州", "flagged")

    @property
    def websites_flagged_department(self) -> int:
        return self._site_count("部门", "flagged")

    @property
    def websites_flagged_county(self) -> int:
        return self._site_count("县", "flagged")

    @property
    def accounts_checked(self) -> int:
        return self.accounts.checked if self.accounts else 0

    @property
    def accounts_flagged(self) -> int:
        return self.accounts.flagged if self.accounts else 0

    @property
    def accounts_closed_unfiled(self) -> int:
        return self.accounts.closed_unfiled if self.accounts else 0


class Expected(_Model):
    """What the scenario planted: the rows the notice's annexes must show, for tests."""

    annex1: list[Annex1Row] = Field(default_factory=list)
    annex2: list[Annex2Row] = Field(default_factory=list)
    summary: Summary | None = None
    # 二、主要问题 as published, one paragraph a line (empty: not checked)
    main_problems: list[str] = Field(default_factory=list)


class Scenario(_Model):
    name: str
    description: str | None = None
    monitoring_point: date
    sites: list[Site] = Field(default_factory=list)
    accounts: list[Account] = Field(default_factory=list)
    roster: list[RosterEntry] = Field(default_factory=list)
    important_releases: list[ImportantRelease] = Field(default_factory=list)  # 重点政务信息 to repost
    wording_errors: list[WordingError] = Field(default_factory=list)  # planted suspected wording errors
    # accounts that exist on a platform (found by its search) but are in neither the inventory nor the
    # roster: 私自开设. Served by the emulators, never written to the inventory.
    extra_accounts: list[Account] = Field(default_factory=list)
    # platform-wide rate limit: connector code -> the first N requests to that host get HTTP 429
    rate_limits: dict[str, int] = Field(default_factory=dict)
    # per-platform host options: connector code -> {faults, outages} (faults.PlatformOptions)
    platforms: dict[str, PlatformOptions] = Field(default_factory=dict)
    expected: Expected = Field(default_factory=Expected)

    @field_validator("platforms", mode="before")
    @classmethod
    def _platforms(cls, v: Any) -> Any:
        for code in v if isinstance(v, dict) else ():
            _allowed(code, EMULATED_CONNECTORS, "platform connector")
        return v

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits(cls, v: dict[str, int]) -> dict[str, int]:
        for code, n in v.items():
            _allowed(code, BLOCKABLE_CONNECTORS, "rate-limited platform")
            if n < 0:
                raise ValueError(f"rate_limits.{code} must be >= 0 (got {n})")
        return v

    @property
    def platform_accounts(self) -> list[Account]:
        """Every account the platforms know: the inventory's and the extra (unfiled) ones."""
        return [*self.accounts, *self.extra_accounts]

    def site(self, site_id: str) -> Site:
        return next(s for s in self.sites if s.site_id == site_id)

    def account(self, account_id: str) -> Account:
        return next(a for a in self.accounts if a.account_id == account_id)


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _message(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "missing":
        return "field required"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return msg.removeprefix("Value error, ")


def _cross_check(sc: Scenario) -> list[tuple[str, str]]:
    """Checks across entries (uniqueness, references); (field path, message) pairs."""
    out: list[tuple[str, str]] = []

    def unique(seen: dict, key, where: str, what: str) -> None:
        if key in seen:
            out.append((where, f"duplicate {what} (first at {seen[key]})"))
        else:
            seen[key] = where

    site_ids: dict = {}
    for i, site in enumerate(sc.sites):
        unique(site_ids, site.site_id, f"sites[{i}].site_id", f"site_id '{site.site_id}'")
        names: dict = {}
        keys: dict = {}
        for j, col in enumerate(site.columns):
            unique(names, col.name, f"sites[{i}].columns[{j}].name", f"column name '{col.name}'")
            key = col.slug if site.cms in SLUG_FAMILIES else col.col_id
            if key is not None:
                field = "slug" if site.cms in SLUG_FAMILIES else "col_id"
                unique(keys, key, f"sites[{i}].columns[{j}].{field}", f"{field} '{key}'")
    acc_ids: dict = {}
    pids: dict = {}
    for i, acc in enumerate(sc.accounts):
        unique(acc_ids, acc.account_id, f"accounts[{i}].account_id", f"account_id '{acc.account_id}'")
        unique(pids, (acc.connector, acc.platform_id), f"accounts[{i}].platform_id",
               f"platform_id '{acc.platform_id}' on {acc.connector}")
    extra_ids: set[str] = set()
    for i, acc in enumerate(sc.extra_accounts):
        unique(acc_ids, acc.account_id, f"extra_accounts[{i}].account_id", f"account_id '{acc.account_id}'")
        unique(pids, (acc.connector, acc.platform_id), f"extra_accounts[{i}].platform_id",
               f"platform_id '{acc.platform_id}' on {acc.connector}")
        extra_ids.add(acc.account_id)
    filed: dict = {}
    for i, entry in enumerate(sc.roster):
        if entry.account in extra_ids:
            out.append((f"roster[{i}].account", f"'{entry.account}' is an extra account (unfiled by definition)"))
        elif entry.account not in acc_ids:
            out.append((f"roster[{i}].account", f"unknown account '{entry.account}'"))
        unique(filed, entry.account, f"roster[{i}].account", f"roster entry for '{entry.account}'")
    out += cross_check_sites(sc)
    site_names = {s.site_name for s in sc.sites}
    for i, row in enumerate(sc.expected.annex1 if sc.sites else ()):  # sections may still be being written
        if row.site_name not in site_names:
            out.append((f"expected.annex1[{i}].site_name", f"no site named '{row.site_name}'"))
    acc_keys = {(a.platform, a.account_name) for a in sc.accounts}
    for i, row in enumerate(sc.expected.annex2 if sc.accounts else ()):
        if (row.platform, row.account_name) not in acc_keys:
            out.append((f"expected.annex2[{i}].account_name",
                        f"no account '{row.account_name}' on {row.platform}"))
    return out


def scenario_path(scenario: str | Path) -> Path:
    """A scenario name (``small``) resolves to ``include/scenarios/<name>.yaml``; anything else is a path."""
    text = str(scenario)
    if isinstance(scenario, Path) or "/" in text or text.endswith((".yaml", ".yml")):
        return Path(scenario)
    return paths().scenarios / f"{text}.yaml"


def parse_scenario(data: Any, source: str, default_name: str | None = None) -> Scenario:
    """Validate already-parsed YAML data; ``source`` names the file in error messages."""
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: (top level): expected a mapping, got {type(data).__name__}"])
    if default_name and "name" not in data:
        data = {"name": default_name, **data}
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([f"{source}: {_loc(e['loc'])}: {_message(e)}" for e in exc.errors()]) from None
    problems = _cross_check(sc)
    if problems:
        raise ScenarioError([f"{source}: {where}: {msg}" for where, msg in problems])
    return sc


def load_scenario(scenario: str | Path) -> Scenario:
    """Load and validate a scenario by name or path; raise :class:`ScenarioError` listing every problem."""
    path = scenario_path(scenario)
    if not path.is_file():
        raise ScenarioError([f"{path.name}: scenario file not found ({path})"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top level)"
        raise ScenarioError([f"{path.name}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    return parse_scenario(data, path.name, default_name=path.stem)

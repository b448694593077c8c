"""Inputs of the notice: the per-quarter parameters (:class:`NoticeParams`) and the office profile
(:class:`NoticeProfile`, loaded from ``include/notice_profile.yaml``)."""

from __future__ import annotations

import re
import string
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator, model_validator

from govinspect.settings import paths

QUARTER_RE = re.compile(r"^(?P<year>\d{4})Q(?P<q>[1-4])$")
# agency code + full year in six-cornered brackets + number without leading zeros and without 第
DOCUMENT_NUMBER_RE = re.compile(r"^(?P<agency>[^\s〔〕()（）\[\]]+)〔(?P<year>\d{4})〕(?P<number>[1-9]\d*)号$")

# Placeholders a profile text may use.
PLACEHOLDERS = frozenset({"period", "scope", "office", "deadline", "n"})
_CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


class ProfileError(ValueError):
    """The notice profile is missing, unreadable or invalid."""


def quarter_parts(quarter: str) -> tuple[int, int]:
    m = QUARTER_RE.match(quarter)
    if not m:
        raise ValueError(f"quarter must look like 2024Q3, got {quarter!r}")
    return int(m["year"]), int(m["q"])


class NoticeParams(BaseModel):
    """What a person decides for one notice; everything else comes from the data and the profile."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarter: str
    monitoring_date: date
    notice_date: date
    document_number: str | None = Field(
        default=None, description="发文字号, e.g. 甘办函〔2024〕67号; None: a draft whose number is not yet allocated")
    rectification_deadline: date | None = Field(
        default=None, description="整改报送截止日期; default: notice_date + profile.deadline_days")

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        value = value.strip().upper()
        quarter_parts(value)
        return value

    @field_validator("document_number")
    @classmethod
    def _document_number(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if not DOCUMENT_NUMBER_RE.match(value):
            raise ValueError(
                f"发文字号 {value!r} must be agency code + full year in 〔〕 + number without leading zeros "
                "and without 第, e.g. 甘办函〔2024〕67号")
        return value

    @model_validator(mode="after")
    def _dates(self) -> NoticeParams:
        year = int(DOCUMENT_NUMBER_RE.match(self.document_number)["year"]) if self.document_number else None
        if year is not None and year != self.notice_date.year:
            raise ValueError(f"发文字号 year {year} differs from the notice date {self.notice_date.isoformat()}")
        if self.notice_date < self.monitoring_date:
            raise ValueError(f"notice_date {self.notice_date} is before monitoring_date {self.monitoring_date}")
        if self.rectification_deadline is not None and self.rectification_deadline <= self.notice_date:
            raise ValueError(
                f"rectification_deadline {self.rectification_deadline} must be after notice_date {self.notice_date}")
        return self

    def deadline(self, profile: NoticeProfile) -> date:
        return self.rectification_deadline or self.notice_date + timedelta(days=profile.deadline_days)


class _Text(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sections(_Text):
    checks: str
    problems: str
    requirements: str


class ChecksText(_Text):
    websites_heading: str
    websites_intro: str
    websites_covered: str
    websites_flagged_lead: str
    websites_none: str
    websites_not_checked: str
    accounts_heading: str
    accounts_intro: str
    accounts_covered: str
    accounts_found_lead: str
    accounts_flagged: str
    accounts_closed_unfiled: str
    accounts_none: str
    accounts_not_checked: str


class WebsiteLevel(_Text):
    key: Literal["prefecture", "department", "county"]
    label: str


class ProblemParagraph(_Text):
    lead_in: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ProblemParagraph:
        if (self.lead_in is None) == (self.text is None):
            raise ValueError("a problem paragraph has either `lead_in` (phrases follow) or a fixed `text`")
        return self


class Requirement(_Text):
    heading: str
    text: str


class AnnexText(_Text):
    title: str


class NoticeProfile(_Text):
    issuing_office: str
    signatory: str | None = None
    scope: str
    addressees: str
    title: str
    preamble: str
    deadline_days: PositiveInt
    sections: Sections
    checks: ChecksText
    website_levels: list[WebsiteLevel]
    problem_paragraphs: dict[int, ProblemParagraph]
    problem_closing: str
    problems_none: str
    requirements: list[Requirement]
    rectification: Requirement
    annexes: dict[int, AnnexText]

    @model_validator(mode="after")
    def _complete(self) -> NoticeProfile:
        keys = [lv.key for lv in self.website_levels]
        if sorted(keys) != ["county", "department", "prefecture"]:
            raise ValueError(f"website_levels must list prefecture, department and county once each, got {keys}")
        if set(self.annexes) != {1, 2}:
            raise ValueError(f"annexes must define 1 and 2, got {sorted(self.annexes)}")
        return self

    @property
    def signed_by(self) -> str:
        return self.signatory or self.issuing_office


def _tidy(value: object) -> object:
    """Drop whitespace next to Chinese characters (YAML folding turns line breaks into spaces)."""
    if isinstance(value, str):
        return _CJK_SPACE_RE.sub("", value).strip()
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _check_placeholders(value: object, where: str = "") -> list[str]:
    problems = []
    if isinstance(value, str):
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            return [f"{where}: {exc}"]
        unknown = names - PLACEHOLDERS
        if unknown:
            problems.append(f"{where}: unknown placeholder(s) {sorted(unknown)} (known: {sorted(PLACEHOLDERS)})")
    elif isinstance(value, dict):
        for k, v in value.items():
            problems += _check_placeholders(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            problems += _check_placeholders(v, f"{where}[{i}]")
    return problems


def default_profile_path() -> Path:
    return paths().home / "include" / "notice_profile.yaml"


def load_profile(path: Path | str | None = None) -> NoticeProfile:
    """Load and validate the office profile (default ``include/notice_profile.yaml``)."""
    path = Path(path) if path else default_profile_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"cannot read notice profile {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ProfileError(f"notice profile {path} must be a mapping")
    raw = _tidy(raw)
    problems = _check_placeholders(raw)
    if problems:
        raise ProfileError(f"invalid notice profile {path}:\n" + "\n".join(f"  - {p}" for p in problems))
    try:
        return NoticeProfile.model_validate(raw)
    except ValidationError as exc:
        raise ProfileError(f"invalid notice profile {path}:\n{exc}") from exc

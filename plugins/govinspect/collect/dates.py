"""Dates as Chinese government sites write them.

Generic extractors misread ``2024年3月15日``; this module knows the forms that occur on CMS list pages:
``2024-09-12``, ``2024/09/12``, ``2024.09.12``, ``[2024-09-12]``, ``2024年9月12日``, ``（2024-12-04）`` in a
title, ``09-12`` without a year (the year is inferred so the date is never after ``as_of``), and dates in
article URLs (``t20240912_``, ``/art/2024/9/12/``, ``/2024/9/12/``, ``/202409/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d\-/.年])(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})(?:\s*日)?(?![\d\-/.])")
_URL_PATTERNS = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS ./202409/t20240912_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb /art/2024/9/12/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Sichuan platform /c123/2024/9/12/
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})/"),
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])/")  # /202409/ : month only


@dataclass(frozen=True)
class FoundDate:
    value: date
    text: str  # the text it was read from
    source: str  # text | title | url | url_month | meta


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def full_dates(text: str) -> list[FoundDate]:
    out = []
    for m in _FULL.finditer(text or ""):
        if d := _make(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            out.append(FoundDate(d, m.group(0), "text"))
    return out


def infer_year(month: int, day: int, as_of: date) -> date | None:
    """``MM-DD`` without a year: the latest such date not after ``as_of``."""
    for year in (as_of.year, as_of.year - 1):
        d = _make(year, month, day)
        if d and d <= as_of:
            return d
    return None


def month_day_dates(text: str, as_of: date) -> list[FoundDate]:
    out = []
    for m in _MONTH_DAY.finditer(text or ""):
        if d := infer_year(int(m.group(1)), int(m.group(2)), as_of):
            out.append(FoundDate(d, m.group(0), "text"))
    return out


def date_in_text(text: str, as_of: date | None) -> FoundDate | None:
    """The date written in a piece of text (full dates first, then year-less ones when ``as_of`` is known)."""
    found = full_dates(text)
    if not found and as_of is not None:
        found = month_day_dates(text, as_of)
    return found[-1] if found else None


def date_in_url(url: str) -> FoundDate | None:
    for pattern in _URL_PATTERNS:
        m = pattern.search(url or "")
        if m and (d := _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
            return FoundDate(d, m.group(0), "url")
    # Month only: take the first of the month, the conservative (older) reading.
    m = _URL_MONTH.search(url or "")
    if m and (d := _make(int(m.group(1)), int(m.group(2)), 1)):
        return FoundDate(d, m.group(0), "url_month")
    return None


def parse_date(value: str) -> date | None:
    """A single date value such as a ``PubDate`` meta content (``2020-09-11 08:38``)."""
    found = full_dates(value)
    return found[0].value if found else None

"""Unmasked personal numbers in published text (隐私泄露), and their masked forms.

- ID-card numbers: 18 characters (17 digits and a digit or X), a valid GB 11643-1999 check digit, a
  plausible birth date (1900 … today) and region code;
- mobile numbers: ``1[3-9]`` and 9 more digits, not inside a longer run of digits;
- bank-card numbers: 16–19 digits (also written in groups of four) passing the Luhn check, not an ID number.

Already-masked forms (``513301********4523``, ``139****5821``) are not hits: a ``*`` next to the digits
disqualifies a run. Nothing unmasked leaves this module: :attr:`PrivacyHit.masked` and :func:`mask_all`
are what evidence keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"(?<![0-9A-Za-z*＊])([1-9]\d{16}[0-9Xx])(?![0-9A-Za-z*＊])")
_MOBILE = re.compile(r"(?<![0-9*＊])(1[3-9]\d{9})(?![0-9*＊])")
_CARD = re.compile(r"(?<![0-9*＊])(\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9*＊])")


@dataclass(frozen=True)
class PrivacyHit:
    kind: str  # id_card | mobile | bank_card
    masked: str
    start: int
    end: int


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_id_number(value: str, today: date | None = None) -> bool:
    """An 18-character mainland ID number with a valid check digit and a plausible birth date."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit() or id_check_digit(value[:17]) != value[17]:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask(kind: str, value: str) -> str:
    """``513301********4523``, ``139****5821``, ``6222***********1234`` (bank cards keep 4 + 4)."""
    digits = re.sub(r"[ -]", "", value)
    if kind == "id_card":
        return digits[:6] + "*" * 8 + digits[-4:]
    if kind == "mobile":
        return digits[:3] + "****" + digits[-4:]
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def find_personal_numbers(text: str, today: date | None = None) -> list[PrivacyHit]:
    """Unmasked personal numbers in ``text``, in order of appearance."""
    hits: list[PrivacyHit] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _ID.finditer(text):
        if is_id_number(m.group(1), today):
            hits.append(PrivacyHit("id_card", mask("id_card", m.group(1)), m.start(1), m.end(1)))
            taken.append(m.span(1))
    for m in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group(1))
        if 16 <= len(digits) <= 19 and free(*m.span(1)) and not is_id_number(digits, today) and luhn_ok(digits):
            hits.append(PrivacyHit("bank_card", mask("bank_card", digits), m.start(1), m.end(1)))
            taken.append(m.span(1))
    for m in _MOBILE.finditer(text):
        if free(*m.span(1)):
            hits.append(PrivacyHit("mobile", mask("mobile", m.group(1)), m.start(1), m.end(1)))
            taken.append(m.span(1))
    return sorted(hits, key=lambda h: h.start)


def mask_all(text: str, today: date | None = None) -> str:
    """``text`` with every unmasked personal number replaced by its masked form."""
    out, last = [], 0
    for hit in find_personal_numbers(text, today):
        out.append(text[last:hit.start])
        out.append(hit.masked)
        last = hit.end
    out.append(text[last:])
    return "".join(out)


_LONG_RUN = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15,19})(?![0-9])")


def mask_long_runs(text: str) -> str:
    """Every run of 15–19 digits (or 17 digits and X) masked, whether or not it validates: for excerpts kept
    as evidence, where an unvalidated number (a wrong check digit, a card number failing Luhn) must not
    leave unmasked either."""
    return _LONG_RUN.sub(lambda m: m.group(1)[:4] + "*" * (len(m.group(1)) - 8) + m.group(1)[-4:], text)


def excerpt(text: str, start: int, end: int, width: int = 24) -> str:
    """A short one-line excerpt around ``text[start:end]``, personal numbers (and any long digit run) masked."""
    left, right = max(0, start - width), min(len(text), end + width)
    while left > 0 and (text[left - 1].isdigit() or text[left - 1] in "*＊Xx -"):
        left -= 1  # never cut a number in two: half of it would escape the masking
    while right < len(text) and (text[right].isdigit() or text[right] in "*＊Xx -"):
        right += 1
    return " ".join(mask_long_runs(mask_all(text[left:right])).split())

"""Turn fetched bytes into text the way a browser would, not the way httpx guesses.

Order: the HTTP ``charset`` → a byte-order mark → a ``<meta>`` declaration → detection
(charset-normalizer). A declared charset that does not decode cleanly is skipped (sites mis-declare).
GB2312 and GBK are decoded as GB18030, their superset: real pages use characters outside GB2312. Because
GB18030 accepts almost any bytes, a GB label on bytes that are valid non-ASCII UTF-8 is treated as a
mis-declaration and the page is read as UTF-8.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""",
    re.IGNORECASE,
)
_HEADER_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, with GB2312/GBK widened to GB18030; None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return _SUPERSETS.get(codecs.lookup(name).name, codecs.lookup(name).name)
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_RE.search(content_type)
    return normalise_charset(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_RE.search(body[:8192])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def _is_utf8_text(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body``; return (text, encoding used)."""
    candidates: list[str] = []
    if enc := header_charset(content_type):
        candidates.append(enc)
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, errors="replace"), enc
    if enc := meta_charset(body):
        candidates.append(enc)
    if candidates and candidates[0] == "gb18030" and _is_utf8_text(body):
        # GB18030 decodes almost any byte string; non-ASCII bytes that are valid UTF-8 are far more likely
        # UTF-8 under a wrong label (a common mis-declaration) than GBK text that happens to be valid UTF-8.
        return body.decode("utf-8"), "utf-8"
    for enc in candidates:
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(body[:200_000]).best() if body else None
    if best is not None:
        enc = normalise_charset(best.encoding) or "utf-8"
        return body.decode(enc, errors="replace"), enc
    return body.decode("utf-8", errors="replace"), "utf-8"

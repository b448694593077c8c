"""The suspected-wording dictionary (错别字 / 表述不规范): a curated CSV operators edit, loaded with validation.

``include/dictionaries/wording.csv`` (UTF-8, header ``wrong,right,kind,note``): one entry per wrong form.
``kind`` is one of :data:`WORDING_KINDS`. A hit is always *suspected*: a person confirms it before it is a
finding. An entry whose right form contains its wrong form is refused (every correct use would be a hit).
``GOVINSPECT_WORDING_DICTIONARY`` points at another file.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from govinspect.errors import FileRowError
from govinspect.settings import paths

WORDING_KINDS: tuple[str, ...] = ("领导姓名", "过时机构名称", "错别字")
COLUMNS: tuple[str, ...] = ("wrong", "right", "kind", "note")


class DictionaryError(FileRowError):
    """A bad wording dictionary file (file, row, field)."""


@dataclass(frozen=True)
class Entry:
    wrong: str
    right: str
    kind: str
    note: str


@dataclass(frozen=True)
class WordingHit:
    entry: Entry
    start: int
    end: int


def default_path() -> Path:
    return Path(os.environ.get("GOVINSPECT_WORDING_DICTIONARY") or paths().home / "include/dictionaries/wording.csv")


class Dictionary:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        by_wrong = sorted(entries, key=lambda e: -len(e.wrong))  # the longest wrong form wins an overlap
        self._lookup = {e.wrong: e for e in entries}
        self._pattern = re.compile("|".join(re.escape(e.wrong) for e in by_wrong)) if entries else None

    @classmethod
    def load(cls, path: Path | None = None) -> Dictionary:
        path = Path(path or default_path())
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise DictionaryError(path, 0, "-", "file not found") from None
        except UnicodeDecodeError as exc:
            raise DictionaryError(path, 0, "-", f"not UTF-8 ({exc})") from None
        reader = csv.reader(text.splitlines())
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise DictionaryError(path, 1, "header", f"expected {','.join(COLUMNS)}, found {','.join(header or [])}")
        entries: list[Entry] = []
        first_row: dict[str, int] = {}
        for row_no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise DictionaryError(path, row_no, "-", f"expected {len(COLUMNS)} fields, found {len(row)}")
            wrong, right, kind, note = (cell.strip() for cell in row)
            for name, value in (("wrong", wrong), ("right", right), ("kind", kind)):
                if not value:
                    raise DictionaryError(path, row_no, name, "empty")
            if kind not in WORDING_KINDS:
                raise DictionaryError(path, row_no, "kind", f"'{kind}' is not one of {', '.join(WORDING_KINDS)}")
            if wrong == right or wrong in right:
                raise DictionaryError(path, row_no, "right",
                                      f"'{right}' contains the wrong form '{wrong}': every correct use would be a hit")
            if wrong in first_row:
                raise DictionaryError(path, row_no, "wrong", f"'{wrong}' already listed at row {first_row[wrong]}")
            first_row[wrong] = row_no
            entries.append(Entry(wrong, right, kind, note))
        return cls(entries)

    def find(self, text: str) -> list[WordingHit]:
        if self._pattern is None:
            return []
        return [WordingHit(self._lookup[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)]

"""Important releases (重点政务信息) every site is expected to repost: ``<inventory>/important_releases.csv``.

The file is optional (no file: no repost check, and the run says so in its log). Columns (UTF-8, header
row): ``release_id``, ``title``, ``publisher``, ``released_at`` (``YYYY-MM-DD HH:MM``, Beijing time), ``url``
(optional: where the publisher published it). Errors name the file, the row (1 = header) and the field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govinspect.errors import FileRowError

FILE_NAME = "important_releases.csv"
COLUMNS: tuple[str, ...] = ("release_id", "title", "publisher", "released_at", "url")
BEIJING = ZoneInfo("Asia/Shanghai")


class ReleasesError(FileRowError):
    """A bad important-releases file (file, row, field)."""


@dataclass(frozen=True)
class Release:
    release_id: str
    title: str
    publisher: str
    released_at: datetime  # aware, Asia/Shanghai
    url: str | None

    def to_dict(self) -> dict:
        return {"release_id": self.release_id, "title": self.title, "publisher": self.publisher,
                "released_at": self.released_at.isoformat(), "url": self.url}

    @classmethod
    def from_dict(cls, d: dict) -> Release:
        return cls(d["release_id"], d["title"], d["publisher"], datetime.fromisoformat(d["released_at"]), d.get("url"))


def load_releases(folder: Path | str) -> list[Release]:
    """The releases listed in ``folder/important_releases.csv``; ``[]`` when there is no such file."""
    path = Path(folder) / FILE_NAME
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReleasesError(path, 0, "-", f"not UTF-8 ({exc})") from None
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c != "url" and c not in header]
    if missing:
        raise ReleasesError(path, 1, "header", f"missing column(s) {', '.join(missing)}")
    releases: list[Release] = []
    seen: dict[str, int] = {}
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ReleasesError(path, row_no, "-", f"expected {len(header)} fields, found {len(row)}")
        rec = {k: v.strip() for k, v in zip(header, row, strict=True)}
        for name in ("release_id", "title", "publisher", "released_at"):
            if not rec.get(name):
                raise ReleasesError(path, row_no, name, "empty")
        if rec["release_id"] in seen:
            raise ReleasesError(path, row_no, "release_id",
                                f"'{rec['release_id']}' already listed at row {seen[rec['release_id']]}")
        seen[rec["release_id"]] = row_no
        try:
            released = datetime.strptime(rec["released_at"], "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
        except ValueError:
            raise ReleasesError(path, row_no, "released_at",
                                f"'{rec['released_at']}' is not YYYY-MM-DD HH:MM (Beijing time)") from None
        url = rec.get("url") or None
        if url and not url.startswith(("http://", "https://")):
            raise ReleasesError(path, row_no, "url", f"'{url}' is not an http(s) URL")
        releases.append(Release(rec["release_id"], rec["title"], rec["publisher"], released, url))
    return releases

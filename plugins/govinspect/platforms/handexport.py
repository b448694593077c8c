"""Posts exported by hand from a platform back-end (CSV or XLSX): the fallback when a platform cannot be reached.

Files live in ``<inventory>/exports/`` (``*.csv``, UTF-8 with or without BOM, or ``*.xlsx``, first sheet), one
header row, Chinese headers as the back-ends write them or the English names:

==============================  =========================  ===================================================
column                          also accepted              value
==============================  =========================  ===================================================
``account_id``                  账号编号                   the inventory's account id, **or** the next two:
``platform``                    平台                       新浪微博 / 微信订阅号 / 微信服务号 / 今日头条 / 抖音短视频
``platform_id``                 账号ID, 平台账号ID         the platform's id of the account (as in accounts.csv)
``published_at`` (required)     发布时间, 发表时间         ``2024-09-01 10:23[:00]``, ``2024/9/1 10:23``, a date
                                                           alone, ISO 8601; without an offset it is Beijing time
``title``                       标题, 内容, 作品名称       text (``title`` or ``url`` is required)
``url``                         链接, 原文链接, 作品链接   http(s) URL
``pinned``                      是否置顶                   是/否, Y/N, true/false, 1/0 (empty = 否)
``is_repost``                   是否转发                   idem
``post_id``                     内容ID, 作品ID             the platform's id of the post (empty: derived)
==============================  =========================  ===================================================

Every row must name an inventory account (``account_id``, or ``platform`` + ``platform_id``). A file with any
problem is rejected as a whole: :func:`load_exports` raises one :class:`HandExportError` listing every
problem with its file, row (the spreadsheet's row number, header = 1) and field, and nothing of that file is
used. Imported posts land in ``posts`` with ``source = hand_export`` and ``raw_sha256`` = the sha256 of the
export file (kept as evidence like every platform answer).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from govinspect.inventory import Problem, url_problem
from govinspect.landing import store_evidence
from govinspect.platforms.base import in_window, post_row
from govinspect.vocab import PLATFORMS

TZ = ZoneInfo("Asia/Shanghai")
FOLDER = "exports"
SUFFIXES = (".csv", ".xlsx")
SOURCE = "hand_export"

ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": ("account_id", "账号编号"),
    "platform": ("platform", "平台"),
    "platform_id": ("platform_id", "账号ID", "平台账号ID"),
    "published_at": ("published_at", "发布时间", "发表时间"),
    "title": ("title", "标题", "内容", "作品名称"),
    "url": ("url", "链接", "原文链接", "作品链接"),
    "pinned": ("pinned", "是否置顶"),
    "is_repost": ("is_repost", "是否转发"),
    "post_id": ("post_id", "内容ID", "作品ID"),
}
_HEADER = {alias.lower(): name for name, aliases in ALIASES.items() for alias in aliases}
_TRUE = {"是", "y", "yes", "true", "1", "置顶", "转发"}
_FALSE = {"", "否", "n", "no", "false", "0"}
_ROUNDED = "\x00rounded:"
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d",
            "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


class HandExportError(ValueError):
    """One or more export files are not valid; ``problems`` lists every problem found."""

    def __init__(self, folder: Path, problems: list[Problem]):
        self.folder = folder
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Invalid hand export(s) in {folder} ({len(problems)} problem(s)); "
                         f"fix or remove the file(s):\n{lines}")


@dataclass(frozen=True)
class ExportedPost:
    account_id: str
    published_at: datetime  # aware
    title: str | None
    url: str | None
    pinned: bool
    is_repost: bool
    post_id: str
    file: str
    row: int
    file_sha256: str


@dataclass
class HandExports:
    """The posts of every valid export file, by inventory account id."""

    files: list[str] = field(default_factory=list)
    posts: dict[str, list[ExportedPost]] = field(default_factory=dict)

    def covers(self, account_id: str) -> bool:
        return account_id in self.posts

    def files_of(self, account_id: str) -> list[str]:
        return sorted({p.file for p in self.posts.get(account_id, [])})

    def rows_for(self, account: dict, since: date, until: date) -> list[dict]:
        """Landing rows (``posts`` schema) of one account's exported posts inside the window."""
        return [post_row(account, post_id=p.post_id, published_at=p.published_at, title=p.title, url=p.url,
                         pinned=p.pinned, is_repost=p.is_repost, raw_sha256=p.file_sha256, source=SOURCE)
                for p in self.posts.get(account["account_id"], []) if in_window(p.published_at, since, until)]


def export_files(inventory: str | Path) -> list[Path]:
    folder = Path(inventory) / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not p.name.startswith((".", "~$")))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 2**53:
        return _ROUNDED + str(value)  # Excel keeps 15 significant digits: a 19-digit id is already wrong
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(path: Path, data: bytes) -> Iterator[list[str]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook  # noqa: PLC0415 - only when an XLSX export is there

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            book.close()
    else:
        yield from ([c.strip() for c in row] for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def parse_when(value: str) -> datetime | None:
    """A publication time as an aware datetime (naive values are Beijing time); None if unreadable."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if isinstance(parsed, date) and not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=TZ)


def parse_flag(value: str) -> bool | None:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def _account_index(accounts: Iterable[dict]) -> tuple[set[str], dict[tuple[str, str], str]]:
    ids, by_platform = set(), {}
    for a in accounts:
        ids.add(a["account_id"])
        by_platform[(a["platform"], a["platform_id"])] = a["account_id"]
        if a.get("platform_alt_id"):
            by_platform[(a["platform"], a["platform_alt_id"])] = a["account_id"]
    return ids, by_platform


def read_export(path: Path, accounts: Iterable[dict]) -> tuple[list[ExportedPost], list[Problem]]:
    """The posts of one export file and its problems (posts are only usable when there is no problem)."""
    name = f"{FOLDER}/{path.name}"
    problems: list[Problem] = []
    ids, by_platform = _account_index(accounts)
    try:
        data = path.read_bytes()
        rows = list(_read_rows(path, data))
    except UnicodeDecodeError as exc:
        return [], [Problem(name, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except Exception as exc:  # noqa: BLE001 - a damaged workbook: openpyxl/zipfile raise many kinds
        return [], [Problem(name, None, None, f"cannot be read: {type(exc).__name__}: {exc}")]
    if not rows:
        return [], [Problem(name, None, None, "file is empty (a header row is required)")]
    header = [_HEADER.get(h.strip().lower()) for h in rows[0]]
    unknown = [h for h, known in zip(rows[0], header, strict=True) if h.strip() and known is None]
    if unknown:
        problems.append(Problem(name, 1, None, f"unknown column(s): {', '.join(unknown)}"))
    present = {h for h in header if h}
    dup = sorted({h for h in header if h and header.count(h) > 1})
    if dup:
        problems.append(Problem(name, 1, None, f"column(s) given twice (under two names?): {', '.join(dup)}"))
    missing = []
    if "published_at" not in present:
        missing.append("发布时间/published_at")
    if not present & {"title", "url"}:
        missing.append("标题/title or 链接/url")
    if "account_id" not in present and not {"platform", "platform_id"} <= present:
        missing.append("账号编号/account_id, or 平台/platform and 账号ID/platform_id")
    if missing:
        problems.append(Problem(name, 1, None, f"missing column(s): {'; '.join(missing)}"))
        return [], problems
    sha = hashlib.sha256(data).hexdigest()
    posts: list[ExportedPost] = []
    for row_no, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            problems.append(Problem(name, row_no, None, "more cells than the header has columns"))
            continue
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        before = len(problems)

        def bad(fld: str, message: str, _row: int = row_no) -> None:
            problems.append(Problem(name, _row, fld, message))

        for fld in [f for f, v in row.items() if v.startswith(_ROUNDED)]:
            bad(fld, f"{row[fld].removeprefix(_ROUNDED)} is a number too long for Excel, which rounds it to 15 "
                     "digits: store the column as text")
            row[fld] = ""

        account_id = row.get("account_id", "")
        if account_id:
            if account_id not in ids:
                bad("account_id", f"account '{account_id}' is not in accounts.csv")
        else:
            platform, pid = row.get("platform", ""), row.get("platform_id", "")
            if not platform or not pid:
                bad("platform_id" if platform else "platform", "no account: give account_id, or platform and "
                    "platform_id")
            elif platform not in PLATFORMS:
                bad("platform", f"unknown platform '{platform}' (allowed: {' / '.join(PLATFORMS)})")
            elif (platform, pid) not in by_platform:
                bad("platform_id", f"no account '{pid}' on {platform} in accounts.csv")
            else:
                account_id = by_platform[(platform, pid)]
        when = parse_when(row["published_at"]) if row.get("published_at") else None
        if not row.get("published_at"):
            bad("published_at", "required value is empty")
        elif when is None:
            bad("published_at", f"'{row['published_at']}' is not a time (e.g. 2024-09-01 10:23)")
        title, url = row.get("title") or None, row.get("url") or None
        if not title and not url:
            bad("title", "title and url are both empty")
        if url and (why := url_problem(url)):
            bad("url", why)
        flags = {}
        for fld in ("pinned", "is_repost"):
            flags[fld] = parse_flag(row.get(fld, ""))
            if flags[fld] is None:
                bad(fld, f"'{row[fld]}' is not 是/否 (yes/no, 1/0)")
        if len(problems) > before:
            continue
        post_id = row.get("post_id") or "hx-" + hashlib.sha1(
            f"{account_id}|{when.isoformat()}|{title}|{url}".encode()).hexdigest()[:16]
        posts.append(ExportedPost(account_id, when, title, url, bool(flags["pinned"]), bool(flags["is_repost"]),
                                  post_id, name, row_no, sha))
    seen: dict[tuple[str, str], int] = {}
    for p in posts:
        key = (p.account_id, p.post_id)
        if key in seen:
            problems.append(Problem(name, p.row, "post_id", f"duplicate post of account '{p.account_id}' "
                                    f"(first on row {seen[key]})"))
        else:
            seen[key] = p.row
    return (posts if not problems else []), problems


def load_exports(inventory: str | Path, accounts: Iterable[dict], *, keep_evidence: bool = False) -> HandExports:
    """Read and validate every export file of an inventory folder; raise :class:`HandExportError` listing
    every problem of every bad file. ``keep_evidence`` stores each file's bytes as evidence (by sha256)."""
    accounts = list(accounts)
    result = HandExports()
    problems: list[Problem] = []
    for path in export_files(inventory):
        posts, file_problems = read_export(path, accounts)
        if file_problems:
            problems += file_problems
            continue
        if keep_evidence:
            store_evidence(path.read_bytes())
        result.files.append(f"{FOLDER}/{path.name}")
        for p in posts:  # overlapping exports (Jul–Aug, then Aug–Sep): a post already read is kept once
            mine = result.posts.setdefault(p.account_id, [])
            if all(q.post_id != p.post_id for q in mine):
                mine.append(p)
    if problems:
        raise HandExportError(Path(inventory) / FOLDER, problems)
    return result

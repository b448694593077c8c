"""The inventory: which websites, columns and accounts to inspect, and the filing roster.

An inventory is a folder of four UTF-8 CSV files (a BOM, as Excel writes it, is accepted):

``websites.csv``  site_id, unit, level, site_name, home_url
``columns.csv``   site_id, column_name, category, url
``accounts.csv``  account_id, unit, level, platform, account_name, platform_id[, platform_alt_id]
``roster.csv``    unit, platform, account_name, platform_id, status, opened_on[, closed_on]
                  (or ``roster.xlsx``, the 政务新媒体信息报送系统 export, Chinese headers: :data:`ROSTER_ALIASES`)

Vocabularies are in :mod:`govinspect.vocab`. Loading validates everything and raises one
:class:`InventoryError` listing every problem with its file, row (the CSV line number, header = 1) and
field; nothing is returned, and so nothing is collected, when any problem is found. Given a run's monitoring
point, roster filing dates after it are problems too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from govinspect.vocab import CATEGORIES, LEVELS, PLATFORMS, ROSTER_STATUSES

FILES = ("websites.csv", "columns.csv", "accounts.csv", "roster.csv")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InventoryError(ValueError):
    """The inventory folder is not valid; ``problems`` lists every problem found."""

    def __init__(self, folder: Path, problems: list[Problem]):
        self.folder = folder
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Invalid inventory in {folder} ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Website:
    site_id: str
    unit: str
    level: str
    site_name: str
    home_url: str
    inventory_order: int


@dataclass(frozen=True)
class Column:
    site_id: str
    column_name: str
    category: str
    url: str
    inventory_order: int

    @property
    def column_id(self) -> str:
        return f"{self.site_id}/{self.column_name}"


@dataclass(frozen=True)
class Account:
    account_id: str
    unit: str
    level: str
    platform: str
    account_name: str
    platform_id: str
    platform_alt_id: str | None
    inventory_order: int

    @property
    def connector(self) -> str:
        return PLATFORMS[self.platform]


@dataclass(frozen=True)
class RosterEntry:
    unit: str
    platform: str
    account_name: str
    platform_id: str
    status: str
    opened_on: date | None
    closed_on: date | None
    inventory_order: int


@dataclass(frozen=True)
class Inventory:
    folder: Path
    websites: tuple[Website, ...]
    columns: tuple[Column, ...]
    accounts: tuple[Account, ...]
    roster: tuple[RosterEntry, ...]

    def columns_of(self, site_id: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.site_id == site_id)

    def records(self) -> dict[str, list[dict]]:
        """Plain rows per entity, for landing as files."""
        columns = [asdict(c) | {"column_id": c.column_id} for c in self.columns]
        accounts = [asdict(a) | {"connector": a.connector} for a in self.accounts]
        return {
            "websites": [asdict(w) for w in self.websites],
            "columns": columns,
            "accounts": accounts,
            "roster": [asdict(r) for r in self.roster],
        }


@dataclass
class _Reader:
    """Reads one CSV file row by row, collecting problems instead of stopping at the first."""

    path: Path
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> other accepted header names
    problems: list[Problem] = field(default_factory=list)

    def _raw_rows(self) -> list[list[str]] | None:
        """The file's rows as text cells (CSV, or the first sheet of an XLSX); None after a problem."""
        name = self.path.name
        if self.path.suffix.lower() == ".xlsx":
            try:
                return _xlsx_rows(self.path)
            except Exception as exc:  # noqa: BLE001 - a damaged workbook: openpyxl/zipfile raise many kinds
                self.problems.append(Problem(name, None, None, f"cannot be read as XLSX: {type(exc).__name__}: {exc}"))
                return None
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(name, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            return None
        return list(csv.reader(text.splitlines()))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        name = self.path.name
        if not self.path.is_file():
            self.problems.append(Problem(name, None, None, f"file is missing (expected at {self.path})"))
            return
        raw_rows = self._raw_rows()
        if raw_rows is None:
            return
        by_alias = {alias: fld for fld, names in self.aliases.items() for alias in names}
        header = [by_alias.get(h.strip(), h.strip()) for h in (raw_rows[0] if raw_rows else [])]
        missing = [c for c in self.required if c not in header]
        if missing:
            self.problems.append(Problem(name, 1, None, f"missing column(s): {', '.join(missing)}"))
            return
        unknown = [c for c in header if c and c not in self.required + self.optional]
        if unknown:
            self.problems.append(Problem(name, 1, None, f"unknown column(s): {', '.join(unknown)}"))
        for line_no, cells in enumerate(raw_rows[1:], start=2):
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                self.problems.append(Problem(name, line_no, None, "more cells than the header has columns"))
                continue
            row = {k: (cells[i] if i < len(cells) else "").strip() for i, k in enumerate(header) if k}
            if not any(row.values()):
                continue  # blank line
            yield line_no, row

    def problem(self, row: int, fld: str, message: str) -> None:
        self.problems.append(Problem(self.path.name, row, fld, message))

    def need(self, row_no: int, row: dict[str, str], *names: str) -> bool:
        ok = True
        for n in names:
            if not row.get(n):
                self.problem(row_no, n, "required value is empty")
                ok = False
        return ok

    def check_in(self, row_no: int, row: dict[str, str], fld: str, allowed: tuple[str, ...] | dict) -> None:
        value = row.get(fld, "")
        if value and value not in allowed:
            self.problem(row_no, fld, f"unknown value '{value}' (allowed: {' / '.join(allowed)})")

    def check_id(self, row_no: int, row: dict[str, str], fld: str) -> None:
        value = row.get(fld, "")
        if value and not _ID_RE.match(value):
            self.problem(row_no, fld, f"'{value}' is not an id (letters, digits, '_', '.', '-'; no spaces)")

    def check_url(self, row_no: int, row: dict[str, str], fld: str) -> None:
        value = row.get(fld, "")
        if value and (problem := url_problem(value)):
            self.problem(row_no, fld, problem)

    def check_date(self, row_no: int, row: dict[str, str], fld: str) -> date | None:
        value = row.get(fld, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(row_no, fld, f"'{value}' is not a date (YYYY-MM-DD)")
            return None

    def unique(self, seen: dict, key: object, row_no: int, fld: str, label: str) -> None:
        if key in seen:
            self.problem(row_no, fld, f"duplicate {label} (first on row {seen[key]})")
        else:
            seen[key] = row_no


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only for an XLSX roster

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [[_xlsx_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL, or None when it is one."""
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"'{value}' is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"'{value}' is not an http(s) URL"
    if not parts.hostname:
        return f"'{value}' has no host"
    if any(ch.isspace() for ch in value):
        return f"'{value}' contains white space"
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return f"'{value}' has an invalid port"
    return None


def _load_websites(folder: Path, problems: list[Problem]) -> list[Website]:
    r = _Reader(folder / "websites.csv", ("site_id", "unit", "level", "site_name", "home_url"))
    out: list[Website] = []
    ids: dict = {}
    urls: dict = {}
    for n, row in r.rows():
        ok = r.need(n, row, "site_id", "unit", "level", "site_name", "home_url")
        r.check_id(n, row, "site_id")
        r.check_in(n, row, "level", LEVELS)
        r.check_url(n, row, "home_url")
        r.unique(ids, row["site_id"], n, "site_id", "site_id")
        r.unique(urls, row["home_url"].rstrip("/"), n, "home_url", "home_url")
        if ok:
            out.append(Website(row["site_id"], row["unit"], row["level"], row["site_name"], row["home_url"], n))
    problems += r.problems
    return out


def _load_columns(folder: Path, site_ids: set[str], problems: list[Problem]) -> list[Column]:
    r = _Reader(folder / "columns.csv", ("site_id", "column_name", "category", "url"))
    out: list[Column] = []
    keys: dict = {}
    urls: dict = {}
    for n, row in r.rows():
        ok = r.need(n, row, "site_id", "column_name", "category", "url")
        if row["site_id"] and site_ids and row["site_id"] not in site_ids:
            r.problem(n, "site_id", f"site '{row['site_id']}' is not in websites.csv")
        r.check_in(n, row, "category", CATEGORIES)
        r.check_url(n, row, "url")
        r.unique(keys, (row["site_id"], row["column_name"]), n, "column_name", "column for this site")
        r.unique(urls, row["url"], n, "url", "column url")
        if ok:
            out.append(Column(row["site_id"], row["column_name"], row["category"], row["url"], n))
    problems += r.problems
    return out


def _load_accounts(folder: Path, problems: list[Problem]) -> list[Account]:
    r = _Reader(
        folder / "accounts.csv",
        ("account_id", "unit", "level", "platform", "account_name", "platform_id"),
        ("platform_alt_id",),
    )
    out: list[Account] = []
    ids: dict = {}
    keys: dict = {}
    for n, row in r.rows():
        ok = r.need(n, row, "account_id", "unit", "level", "platform", "account_name", "platform_id")
        r.check_id(n, row, "account_id")
        r.check_in(n, row, "level", LEVELS)
        r.check_in(n, row, "platform", PLATFORMS)
        r.unique(ids, row["account_id"], n, "account_id", "account_id")
        r.unique(keys, (row["platform"], row["platform_id"]), n, "platform_id", "platform_id on this platform")
        if ok:
            out.append(
                Account(
                    row["account_id"], row["unit"], row["level"], row["platform"], row["account_name"],
                    row["platform_id"], row.get("platform_alt_id") or None, n,
                )
            )
    problems += r.problems
    return out


# Headers of the 政务新媒体信息报送系统 export, accepted for the roster (CSV or XLSX) besides the English names.
ROSTER_ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ("主办单位", "单位名称", "开办主体"),
    "platform": ("平台", "平台类型", "账号类型"),
    "account_name": ("账号名称",),
    "platform_id": ("账号ID", "平台账号ID"),
    "status": ("状态", "账号状态"),
    "opened_on": ("开设日期", "开设备案日期", "备案日期"),
    "closed_on": ("关停日期", "注销日期", "关停注销备案日期"),
}


def _roster_source(folder: Path) -> Path:
    """``roster.csv``, else ``roster.xlsx`` (the 报送系统 export as downloaded)."""
    csv_path, xlsx_path = folder / "roster.csv", folder / "roster.xlsx"
    return xlsx_path if not csv_path.exists() and xlsx_path.exists() else csv_path


def _load_roster(folder: Path, problems: list[Problem], monitoring_date: date | None = None) -> list[RosterEntry]:
    r = _Reader(
        _roster_source(folder),
        ("unit", "platform", "account_name", "platform_id", "status", "opened_on"),
        ("closed_on",),
        aliases=ROSTER_ALIASES,
    )
    out: list[RosterEntry] = []
    keys: dict = {}
    for n, row in r.rows():
        ok = r.need(n, row, "unit", "platform", "account_name", "platform_id", "status")
        r.check_in(n, row, "platform", PLATFORMS)
        r.check_in(n, row, "status", ROSTER_STATUSES)
        opened, closed = r.check_date(n, row, "opened_on"), r.check_date(n, row, "closed_on")
        if opened and closed and closed < opened:
            r.problem(n, "closed_on", f"closure {closed} is before opening {opened}")
        for fld, day in (("opened_on", opened), ("closed_on", closed)):
            if monitoring_date and day and day > monitoring_date:
                r.problem(n, fld, f"{day} is after the monitoring point {monitoring_date}")
        if row["status"] in ("关停", "注销") and not closed:
            r.problem(n, "closed_on", f"status '{row['status']}' needs the closure filing date")
        r.unique(keys, (row["platform"], row["platform_id"]), n, "platform_id", "platform_id on this platform")
        if ok:
            out.append(
                RosterEntry(row["unit"], row["platform"], row["account_name"], row["platform_id"], row["status"],
                            opened, closed, n)
            )
    problems += r.problems
    return out


def load_inventory(folder: str | Path, monitoring_date: date | None = None) -> Inventory:
    """Load and validate an inventory folder; raise :class:`InventoryError` listing every problem.

    With ``monitoring_date`` (a run's monitoring point) roster filings dated after it are problems too."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InventoryError(folder, [Problem(str(folder), None, None, "inventory folder does not exist")])
    websites = _load_websites(folder, problems)
    columns = _load_columns(folder, {w.site_id for w in websites}, problems)
    accounts = _load_accounts(folder, problems)
    roster = _load_roster(folder, problems, monitoring_date)
    if problems:
        raise InventoryError(folder, problems)
    return Inventory(folder, tuple(websites), tuple(columns), tuple(accounts), tuple(roster))


def write_inventory(folder: str | Path, inventory_rows: dict[str, list[dict]],
                    fmt: Callable[[object], str] = lambda v: "" if v is None else str(v)) -> None:
    """Write inventory CSVs (used by the simulated prefecture to generate its inventory)."""
    headers = {
        "websites.csv": ["site_id", "unit", "level", "site_name", "home_url"],
        "columns.csv": ["site_id", "column_name", "category", "url"],
        "accounts.csv": ["account_id", "unit", "level", "platform", "account_name", "platform_id", "platform_alt_id"],
        "roster.csv": ["unit", "platform", "account_name", "platform_id", "status", "opened_on", "closed_on"],
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, header in headers.items():
        rows = inventory_rows.get(name.removesuffix(".csv"), [])
        tmp = folder / f".{name}.tmp"
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for row in rows:
                w.writerow([fmt(row.get(h)) for h in header])
        tmp.replace(folder / name)

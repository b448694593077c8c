"""Every finding of the quarter with its evidence, as a workbook (``findings.xlsx``) for the staff who check
the notice before it is signed.

Sheets: 汇总 (the notice's counts), 网站 (site and column findings), 政务新媒体 (account findings) and, when the
warehouse compares quarters, 与上季度比较 (every finding of either quarter: 重复出现 / 新发现 / 已整改); Chinese
headers, header row frozen, autofilter on. Rows come from ``fct_findings`` (DuckDB opened read-only, read,
closed), which carries personal data only in masked form. The sheets are generic over the rules: any new rule's
findings flow in, and any evidence column ``fct_findings`` gains (e.g. ``evidence_sha256``, the snapshot's hash)
is added to both area sheets, under a Chinese header when one is known. Every text cell is written as a string:
a crawled name such as ``=HYPERLINK(...)`` stays text and is never a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from govinspect.notice.context import NoticeContext, NoticeDataError

FINDING_COLUMNS: tuple[str, ...] = (
    "finding_id", "rule_id", "indicator", "severity", "object_type", "object_id", "unit", "level", "object_name",
    "platform", "category", "problem", "evidence", "evidence_url", "evidence_date", "annex", "notice_order",
    "inventory_order",
)
# fct_findings columns that are bookkeeping, not evidence: never shown as extra columns
INTERNAL_COLUMNS = frozenset({
    "quarter", "run_id", "rules_profile", "site_id", "column_id", "account_id", "notice_paragraph", "notice_phrase",
})
# headers of evidence columns fct_findings may carry beyond FINDING_COLUMNS (others keep their column name)
EXTRA_HEADERS: dict[str, tuple[str, float]] = {
    "evidence_sha256": ("快照哈希（SHA-256）", 24),
    "evidence_fetched_at": ("抓取时间", 18),
    "fetched_at": ("抓取时间", 18),
    "item_date": ("信息日期", 12),
    "evidence_item_date": ("信息日期", 12),
}
BEIJING = ZoneInfo("Asia/Shanghai")
COMPARISON = {"repeat": "重复出现", "new": "新发现", "fixed": "已整改"}
COMPARED_SHEET = "与上季度比较"

SEVERITY = {"veto": "单项否决", "prominent": "突出问题", "scored": "扣分", "warning": "预警"}
OBJECT_TYPE = {"site": "网站", "column": "栏目", "account": "账号"}
AREA_OF = {"site": "网站", "column": "网站", "account": "政务新媒体"}

_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*|[\t\f\v]+")


def plain(value: object) -> str:
    text = "" if value is None else str(value)
    return _XLSX_ILLEGAL.sub("", _WS.sub(" ", text)).strip()


def read_findings(duckdb_path: Path | str, quarter: str) -> list[dict[str, Any]]:
    """The quarter's rows of ``fct_findings`` (read-only connection, closed before returning)."""
    import duckdb

    db = Path(duckdb_path)
    if not db.is_file():
        raise NoticeDataError(f"DuckDB file {db} does not exist; build the marts first (dbt build)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        present = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'main' "
            "and table_name = 'fct_findings' order by ordinal_position").fetchall()]
        extra = [c for c in present if c not in FINDING_COLUMNS and c not in INTERNAL_COLUMNS]
        cursor = con.execute(
            f"select {', '.join([*FINDING_COLUMNS, *extra])} from main.fct_findings where quarter = ? "
            "order by case object_type when 'account' then 1 else 0 end, annex is null, annex, notice_order, "
            "inventory_order, object_name, rule_id, finding_id", [quarter])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise NoticeDataError(f"mart 'fct_findings' is missing or incomplete in {db}: {exc}. Build the marts "
                              "first (dbt build).") from exc
    finally:
        con.close()


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    value: Callable[[dict[str, Any]], Any]


def _annex(row: dict[str, Any]) -> str:
    return f"附件{int(row['annex'])}" if row.get("annex") is not None else "未列入"


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    return plain(value)


_COMMON_HEAD = [
    Col("序号", 6, lambda r: r["_n"]),
    Col("规则编号", 12, lambda r: r["rule_id"]),
    Col("指标", 8, lambda r: r["indicator"]),
    Col("严重程度", 10, lambda r: SEVERITY.get(r["severity"], r["severity"])),
]
_COMMON_TAIL = [
    Col("存在问题", 30, lambda r: r["problem"]),
    Col("证据", 50, lambda r: r["evidence"]),
    Col("证据链接", 40, lambda r: r["evidence_url"]),
    Col("证据日期", 12, lambda r: _date(r["evidence_date"])),
    Col("所列附件", 10, _annex),
]
SHEET_COLUMNS: dict[str, list[Col]] = {
    "网站": [*_COMMON_HEAD,
            Col("对象类型", 9, lambda r: OBJECT_TYPE.get(r["object_type"], r["object_type"])),
            Col("所属地区或单位", 24, lambda r: r["unit"]),
            Col("层级", 6, lambda r: r["level"]),
            Col("网站名称", 28, lambda r: r["object_name"]),
            Col("栏目类别", 10, lambda r: r["category"]),
            *_COMMON_TAIL],
    "政务新媒体": [*_COMMON_HEAD,
              Col("单位", 30, lambda r: r["unit"]),
              Col("层级", 6, lambda r: r["level"]),
              Col("平台", 12, lambda r: r["platform"]),
              Col("账号名称", 24, lambda r: r["object_name"]),
              *_COMMON_TAIL],
}
SUMMARY_SHEET = "汇总"


def extra_columns(findings: Sequence[dict[str, Any]]) -> list[Col]:
    """Columns for the evidence fields fct_findings has beyond :data:`FINDING_COLUMNS` (generic over new rules)."""
    names = [k for k in (findings[0] if findings else {}) if k not in FINDING_COLUMNS and k not in INTERNAL_COLUMNS
             and not k.startswith("_")]
    cols = []
    for name in names:
        header, width = EXTRA_HEADERS.get(name, (name, 16))
        cols.append(Col(header, width, lambda r, name=name: r[name]))
    return cols


def _compared_columns() -> list[Col]:
    return [
        Col("序号", 6, lambda r: r["_n"]),
        Col("比较结果", 10, lambda r: COMPARISON.get(r["comparison"], r["comparison"])),
        Col("上季度", 10, lambda r: r["previous_quarter"]),
        Col("规则编号", 12, lambda r: r["rule_id"]),
        Col("严重程度", 10, lambda r: SEVERITY.get(r["severity"], r["severity"])),
        Col("对象类型", 9, lambda r: OBJECT_TYPE.get(r["object_type"], r["object_type"])),
        Col("单位", 28, lambda r: r["unit"]),
        Col("名称", 28, lambda r: r["object_name"]),
        Col("平台", 12, lambda r: r["platform"]),
        Col("存在问题", 30, lambda r: r["problem"]),
        Col("所列附件", 10, _annex),
    ]


def _summary_rows(context: NoticeContext, findings: Sequence[dict[str, Any]]) -> list[tuple[str, Any]]:
    s = context.summary
    area_counts = {area: sum(1 for f in findings if AREA_OF.get(f["object_type"]) == area) for area in SHEET_COLUMNS}
    annex_rows = {a.number: len(a.rows) for a in context.annexes}
    return [
        ("季度", context.quarter),
        ("检查期间", context.period),
        ("发文字号", context.document_number),
        ("成文日期", context.notice_date_text),
        ("整改报送截止", context.deadline_text),
        ("检查政府网站（个）", s["websites_checked"]),
        ("　其中州级政府网站", s["websites_checked_prefecture"]),
        ("　其中部门网站", s["websites_checked_department"]),
        ("　其中县级政府网站", s["websites_checked_county"]),
        ("存在突出问题的州级政府网站", s["websites_flagged_prefecture"]),
        ("存在突出问题的部门网站", s["websites_flagged_department"]),
        ("存在突出问题的县级政府网站", s["websites_flagged_county"]),
        ("检查政务新媒体（个）", s["accounts_checked"]),
        ("存在突出问题的政务新媒体", s["accounts_flagged"]),
        ("注销但未报备的政务新媒体", s["accounts_closed_unfiled"]),
        ("附件1行数", annex_rows.get(1, 0)),
        ("附件2行数", annex_rows.get(2, 0)),
        ("网站问题（条，含未列入通报的）", area_counts["网站"]),
        ("政务新媒体问题（条，含未列入通报的）", area_counts["政务新媒体"]),
        *([] if context.compared is None else [
            (f"与上季度相比{label}的问题（条）", sum(1 for r in context.compared if r["comparison"] == key))
            for key, label in COMPARISON.items()]),
    ]


def _put(cell, value: Any) -> None:
    """Write a value; text always as a string cell (never a formula)."""
    if value is None or isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, datetime):  # Excel has no time zones: Beijing time, as officials read it
        if value.tzinfo is not None:
            value = value.astimezone(BEIJING).replace(tzinfo=None)
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = plain(value)
        cell.data_type = "s"


def render_workbook(context: NoticeContext, findings: Sequence[dict[str, Any]]) -> bytes:
    """The findings workbook as XLSX bytes (nothing is written)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    ws.append(["项目", "数量或内容"])
    for label, value in _summary_rows(context, findings):
        ws.append([None, None])
        _put(ws.cell(ws.max_row, 1), label)
        _put(ws.cell(ws.max_row, 2), value)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 40

    extra = extra_columns(findings)
    sheets = [(area, [*cols, *extra], [f for f in findings if AREA_OF.get(f["object_type"]) == area])
              for area, cols in SHEET_COLUMNS.items()]
    if context.compared is not None:
        sheets.append((COMPARED_SHEET, _compared_columns(), list(context.compared)))
    for area, cols, rows in sheets:
        sheet = wb.create_sheet(area)
        for c, col in enumerate(cols, 1):
            _put(sheet.cell(1, c), col.header)
            sheet.column_dimensions[get_column_letter(c)].width = col.width
        for n, finding in enumerate(rows, 1):
            values = finding | {"_n": n}
            for c, col in enumerate(cols, 1):
                cell = sheet.cell(n + 1, c)
                _put(cell, col.value(values))
                cell.alignment = wrap
        last = get_column_letter(len(cols))
        sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
        sheet.freeze_panes = "A2"

    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        if sheet.title == SUMMARY_SHEET:
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:B{sheet.max_row}"

    props = wb.properties
    props.title = plain(f"{context.period}检查发现问题清单")
    props.creator = plain(context.issuing_office)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

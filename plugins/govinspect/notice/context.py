"""Everything the notice says, computed from the marts, the parameters and the profile.

The context is format-neutral: sections of numbered paragraphs and annex tables of plain strings. The
Markdown and HTML templates (and later DOCX/XLSX writers) only lay it out and escape it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.notice.model import NoticeParams, NoticeProfile, ProfileError, load_profile, quarter_parts

log = logging.getLogger(__name__)

# Column headers of the annex tables, as the notice format prescribes them.
ANNEX1_COLUMNS: tuple[str, ...] = ("序号", "所属地区或单位", "网站名称", "存在问题")
ANNEX2_COLUMNS: tuple[str, ...] = ("序号", "单位", "平台", "账号名称", "存在问题")

SUMMARY_COLUMNS: tuple[str, ...] = (
    "websites_checked", "websites_checked_prefecture", "websites_checked_department", "websites_checked_county",
    "websites_flagged_prefecture", "websites_flagged_department", "websites_flagged_county",
    "accounts_checked", "accounts_flagged", "accounts_closed_unfiled",
)

_DIGITS = "零一二三四五六七八九"


class NoticeDataError(RuntimeError):
    """The marts cannot give a consistent notice for this quarter (missing quarter, missing mart, mismatch)."""


def cn_number(n: int) -> str:
    """Chinese numeral for 1..99 (一, 十, 十九, 二十三)."""
    if not 0 < n < 100:
        raise ValueError(f"cn_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cn_date(d: date) -> str:
    """2024年9月14日 (Arabic numerals, full year, no zero padding)."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month_day(d: date, *, reference: date | None = None) -> str:
    """9月23日; with the year when it differs from ``reference``."""
    if reference is not None and d.year != reference.year:
        return cn_date(d)
    return f"{d.month}月{d.day}日"


def cn_period(quarter: str) -> str:
    year, q = quarter_parts(quarter)
    return f"{year}年第{cn_number(q)}季度"


# Printed when a run has no 发文字号 yet (e.g. a scheduled run): staff fill it in before signing.
DRAFT_DOCUMENT_NUMBER = "发文字号待定"


@dataclass(frozen=True)
class Paragraph:
    label: str  # （一）政府网站检查情况。 / （二） / (empty)
    text: str


@dataclass(frozen=True)
class Section:
    heading: str  # 一、检查情况
    paragraphs: list[Paragraph]


@dataclass(frozen=True)
class Annex:
    number: int
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]  # plain strings; escaping is the template's job


@dataclass(frozen=True)
class NoticeContext:
    quarter: str
    period: str  # 2024年第三季度
    params: NoticeParams
    issuing_office: str
    title: str
    document_number: str  # 发文字号, or a blank to fill in when the number is not yet allocated
    addressees: str
    preamble: str
    sections: list[Section]
    annexes: list[Annex]
    signatory: str
    notice_date: date
    notice_date_text: str
    deadline: date
    deadline_text: str
    summary: dict[str, int]
    problems: dict[int, list[str]] = field(default_factory=dict)  # notice_paragraph -> phrases
    # this quarter's findings against the previous quarter's (mart_findings_compared; for the workbook); None:
    # the warehouse has no comparison (older dbt project)
    compared: list[dict[str, Any]] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- reading the marts ----------------------------------------------------------------------------------


def _rows(con, sql: str, quarter: str, table: str, db: Path) -> list[dict[str, Any]]:
    import duckdb

    try:
        cursor = con.execute(sql, [quarter])
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise NoticeDataError(f"mart '{table}' is missing or incomplete in {db}: {exc}. Build the marts first "
                              "(dbt build).") from exc
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


COMPARED_COLUMNS: tuple[str, ...] = (
    "previous_quarter", "rule_id", "severity", "annex", "object_type", "object_id", "unit", "object_name", "platform",
    "problem", "comparison",
)


def _optional_rows(con, sql: str, quarter: str, table: str, db: Path) -> list[dict[str, Any]] | None:
    """Rows of a mart an older warehouse may not have: None when the table does not exist."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = 'main' "
                         "and table_name = ?", [table]).fetchone()[0]
    if not exists:
        log.info("mart '%s' not in %s (older warehouse): no comparison with the previous quarter", table, db)
        return None
    return _rows(con, sql, quarter, table, db)


def read_marts(duckdb_path: Path | str, quarter: str) -> dict[str, list[dict[str, Any]] | None]:
    """The rows of the notice marts for one quarter (DuckDB opened read-only, then closed); ``compared`` is None
    when the warehouse has no ``mart_findings_compared``."""
    import duckdb

    db = Path(duckdb_path)
    if not db.is_file():
        raise NoticeDataError(f"DuckDB file {db} does not exist; build the marts first (dbt build)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        summary_cols = ", ".join(SUMMARY_COLUMNS)
        return {
            "summary": _rows(con, f"select quarter, {summary_cols} from main.mart_notice_summary where quarter = ?",
                             quarter, "mart_notice_summary", db),
            "annex1": _rows(con, "select row_no, site_id, unit, site_name, problem from main.mart_annex_websites "
                                 "where quarter = ? order by row_no", quarter, "mart_annex_websites", db),
            "annex2": _rows(con, "select row_no, account_id, unit, platform, account_name, problem "
                                 "from main.mart_annex_accounts where quarter = ? order by row_no",
                            quarter, "mart_annex_accounts", db),
            "problems": _rows(con, "select notice_paragraph, notice_phrase, phrase_order "
                                   "from main.mart_notice_problems where quarter = ? "
                                   "order by notice_paragraph, phrase_order, notice_phrase",
                              quarter, "mart_notice_problems", db),
            "compared": _optional_rows(con, f"select {', '.join(COMPARED_COLUMNS)} from main.mart_findings_compared "
                                            "where quarter = ? order by comparison, annex, unit, object_name, "
                                            "rule_id, object_id", quarter, "mart_findings_compared", db),
        }
    finally:
        con.close()


# --- composing the text -----------------------------------------------------------------------------------


def _fmt(text: str, **values: Any) -> str:
    try:
        return text.format(**values)
    except (KeyError, IndexError) as exc:
        raise ProfileError(f"placeholder {exc} is not available in the profile text {text!r}") from exc


def _as_int(value: Any, name: str) -> int:
    if value is None:
        raise NoticeDataError(f"mart_notice_summary.{name} is null")
    return int(value)


def _check_sequence(rows: Sequence[dict[str, Any]], table: str) -> None:
    numbers = [r["row_no"] for r in rows]
    if numbers != list(range(1, len(rows) + 1)):
        raise NoticeDataError(f"{table}.row_no must run 1..{len(rows)} without gaps, got {numbers[:20]}")


def _reconcile(s: dict[str, int], annex1: list[dict], annex2: list[dict], quarter: str) -> None:
    """The numbers in the text must agree with the annex tables: refuse to draft a notice that contradicts itself."""
    problems = []
    levels = s["websites_checked_prefecture"] + s["websites_checked_department"] + s["websites_checked_county"]
    if levels != s["websites_checked"]:
        problems.append(f"websites_checked={s['websites_checked']} but the levels add up to {levels}")
    flagged = s["websites_flagged_prefecture"] + s["websites_flagged_department"] + s["websites_flagged_county"]
    if flagged != len(annex1):
        problems.append(f"websites flagged by level add up to {flagged} but 附件1 has {len(annex1)} row(s)")
    accounts = len({r["account_id"] for r in annex2})
    low = max(s["accounts_flagged"], s["accounts_closed_unfiled"])
    high = s["accounts_flagged"] + s["accounts_closed_unfiled"]
    if not low <= accounts <= high:
        problems.append(f"附件2 lists {accounts} distinct account(s) but accounts_flagged={s['accounts_flagged']} "
                        f"and accounts_closed_unfiled={s['accounts_closed_unfiled']} allow {low}..{high}")
    if problems:
        raise NoticeDataError(f"the marts disagree for {quarter}: " + "; ".join(problems))


def _website_check(s: dict[str, int], profile: NoticeProfile, values: dict[str, str]) -> str:
    t = profile.checks
    if s["websites_checked"] == 0:
        return _fmt(t.websites_not_checked, **values) + "。"
    checked = "、".join(f"{s['websites_checked_' + lv.key]}个{lv.label}" for lv in profile.website_levels
                        if s["websites_checked_" + lv.key])
    flagged = "、".join(f"{lv.label}{s['websites_flagged_' + lv.key]}个" for lv in profile.website_levels
                        if s["websites_flagged_" + lv.key])
    outcome = _fmt(t.websites_flagged_lead, **values) + flagged if flagged else _fmt(t.websites_none, **values)
    return f"{_fmt(t.websites_intro, **values)}{checked}{_fmt(t.websites_covered, **values)}，{outcome}。"


def _account_check(s: dict[str, int], profile: NoticeProfile, values: dict[str, str]) -> str:
    t = profile.checks
    parts = []
    if s["accounts_flagged"]:
        parts.append(_fmt(t.accounts_flagged, **values, n=s["accounts_flagged"]))
    if s["accounts_closed_unfiled"]:
        parts.append(_fmt(t.accounts_closed_unfiled, **values, n=s["accounts_closed_unfiled"]))
    if s["accounts_checked"] == 0 and not parts:
        return _fmt(t.accounts_not_checked, **values) + "。"
    outcome = _fmt(t.accounts_found_lead, **values) + "，".join(parts) if parts else _fmt(t.accounts_none, **values)
    intro, covered = _fmt(t.accounts_intro, **values), _fmt(t.accounts_covered, **values)
    return f"{intro}{s['accounts_checked']}{covered}，{outcome}。"


def _problem_paragraphs(rows: list[dict[str, Any]], profile: NoticeProfile,
                        values: dict[str, str]) -> tuple[dict[int, list[str]], list[str]]:
    phrases: dict[int, list[str]] = {}
    for r in rows:
        kind, phrase = int(r["notice_paragraph"]), (r["notice_phrase"] or "").strip()
        if phrase and phrase not in phrases.setdefault(kind, []):
            phrases[kind].append(phrase)
    texts = []
    for kind in sorted(phrases):
        if not phrases[kind]:
            continue
        spec = profile.problem_paragraphs.get(kind)
        if spec is None:
            raise NoticeDataError(f"mart_notice_problems has notice_paragraph {kind}, which the notice profile "
                                  f"does not define (defined: {sorted(profile.problem_paragraphs)})")
        if spec.text is not None:
            texts.append(_fmt(spec.text, **values))
        else:
            texts.append(_fmt(spec.lead_in, **values) + "、".join(phrases[kind]) + profile.problem_closing)
    return phrases, texts


def build_context(duckdb_path: Path | str, quarter: str, params: NoticeParams,
                  profile: NoticeProfile | None = None) -> NoticeContext:
    """Read the notice marts of ``quarter`` and compose the notice; raises :class:`NoticeDataError`."""
    profile = profile or load_profile()
    if params.quarter != quarter:
        raise ValueError(f"params are for {params.quarter}, not {quarter}")
    marts = read_marts(duckdb_path, quarter)
    if not marts["summary"]:
        raise NoticeDataError(f"mart_notice_summary has no row for quarter {quarter} in {duckdb_path}: "
                              "were the marts built for this quarter?")
    if len(marts["summary"]) > 1:
        raise NoticeDataError(f"mart_notice_summary has {len(marts['summary'])} rows for quarter {quarter}")
    summary = {name: _as_int(marts["summary"][0][name], name) for name in SUMMARY_COLUMNS}
    _check_sequence(marts["annex1"], "mart_annex_websites")
    _check_sequence(marts["annex2"], "mart_annex_accounts")
    _reconcile(summary, marts["annex1"], marts["annex2"], quarter)

    period = cn_period(quarter)
    deadline = params.deadline(profile)
    deadline_text = cn_month_day(deadline, reference=params.notice_date)
    values = {"period": period, "scope": profile.scope, "office": profile.issuing_office, "deadline": deadline_text}
    t = profile.checks

    # （四） (同类问题重复出现) is a row of mart_notice_problems when mart_findings_compared has repeats: dbt decides
    phrases, problem_texts = _problem_paragraphs(marts["problems"], profile, values)
    problem_paras = [Paragraph(f"（{cn_number(i)}）", text) for i, text in enumerate(problem_texts, 1)]
    if not problem_paras:
        problem_paras = [Paragraph("", _fmt(profile.problems_none, **values))]
    requirements = [*profile.requirements, profile.rectification]

    sections = [
        Section(f"一、{profile.sections.checks}", [
            Paragraph(f"（一）{t.websites_heading}。", _website_check(summary, profile, values)),
            Paragraph(f"（二）{t.accounts_heading}。", _account_check(summary, profile, values)),
        ]),
        Section(f"二、{profile.sections.problems}", problem_paras),
        Section(f"三、{profile.sections.requirements}", [
            Paragraph(f"（{cn_number(i)}）{r.heading}。", _fmt(r.text, **values))
            for i, r in enumerate(requirements, 1)]),
    ]
    annexes = [
        Annex(1, profile.annexes[1].title, ANNEX1_COLUMNS,
              [(str(r["row_no"]), r["unit"] or "", f"“{r['site_name'] or ''}”网站", r["problem"] or "")
               for r in marts["annex1"]]),
        Annex(2, profile.annexes[2].title, ANNEX2_COLUMNS,
              [(str(r["row_no"]), r["unit"] or "", r["platform"] or "", r["account_name"] or "", r["problem"] or "")
               for r in marts["annex2"]]),
    ]
    log.info("notice context for %s: %d website row(s), %d account row(s), %d problem paragraph(s)",
             quarter, len(annexes[0].rows), len(annexes[1].rows), len(problem_texts))
    return NoticeContext(
        quarter=quarter, period=period, params=params, issuing_office=profile.issuing_office,
        title=_fmt(profile.title, **values), document_number=params.document_number or DRAFT_DOCUMENT_NUMBER,
        addressees=_fmt(profile.addressees, **values), preamble=_fmt(profile.preamble, **values), sections=sections,
        annexes=annexes, signatory=profile.signed_by, notice_date=params.notice_date,
        notice_date_text=cn_date(params.notice_date), deadline=deadline, deadline_text=deadline_text,
        summary=summary, problems=phrases, compared=marts["compared"],
    )

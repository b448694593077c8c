"""The quarterly notice (通报): parameters and office profile -> context from the marts -> rendered files.

    params = NoticeParams(quarter="2024Q3", monitoring_date=date(2024, 9, 10), notice_date=date(2024, 9, 14),
                          document_number="甘办函〔2024〕67号")
    publish(paths().duckdb, params)   # -> {"md": output/2024Q3/notice.md, "html": .../notice.html,
                                      #     "docx": .../notice.docx, "xlsx": .../findings.xlsx}
"""

from govinspect.notice.context import (
    ANNEX1_COLUMNS,
    ANNEX2_COLUMNS,
    Annex,
    NoticeContext,
    NoticeDataError,
    Paragraph,
    Section,
    build_context,
    cn_date,
    cn_month_day,
    cn_number,
    cn_period,
    read_marts,
)
from govinspect.notice.docx import render_docx
from govinspect.notice.model import NoticeParams, NoticeProfile, ProfileError, load_profile
from govinspect.notice.render import md_escape, publish, render_all, render_notice, render_strings
from govinspect.notice.workbook import read_findings, render_workbook

__all__ = [
    "ANNEX1_COLUMNS", "ANNEX2_COLUMNS", "Annex", "NoticeContext", "NoticeDataError", "NoticeParams",
    "NoticeProfile", "Paragraph", "ProfileError", "Section", "build_context", "cn_date", "cn_month_day",
    "cn_number", "cn_period", "load_profile", "md_escape", "publish", "read_findings", "read_marts",
    "render_all", "render_docx", "render_notice", "render_strings", "render_workbook",
]

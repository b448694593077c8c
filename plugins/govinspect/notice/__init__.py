"""The quarterly notice (通报): parameters and office profile -> context from the marts -> rendered files.

    params = NoticeParams(quarter="2024Q3", monitoring_date=date(2024, 9, 10), notice_date=date(2024, 9, 14),
                          document_number="甘办函〔2024〕67号")
    publish(paths().duckdb, params)            # -> {"md": output/2024Q3/notice.md, "html": .../notice.html}
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
from govinspect.notice.model import NoticeParams, NoticeProfile, ProfileError, load_profile
from govinspect.notice.render import md_escape, publish, render_notice, render_strings

__all__ = [
    "ANNEX1_COLUMNS", "ANNEX2_COLUMNS", "Annex", "NoticeContext", "NoticeDataError", "NoticeParams",
    "NoticeProfile", "Paragraph", "ProfileError", "Section", "build_context", "cn_date", "cn_month_day",
    "cn_number", "cn_period", "load_profile", "md_escape", "publish", "read_marts", "render_notice",
    "render_strings",
]

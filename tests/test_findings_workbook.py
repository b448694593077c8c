"""findings.xlsx read back with openpyxl: sheets, headers, one row per finding, filters, frozen header."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from test_notice import CLOSED, STALE, make_marts, params, seed_findings

from govinspect.notice import NoticeDataError, publish, read_findings
from govinspect.notice.workbook import SHEET_COLUMNS

Q = "2024Q3"
SITE_HEADERS = ["序号", "规则编号", "指标", "严重程度", "对象类型", "所属地区或单位", "层级", "网站名称", "栏目类别",
                "存在问题", "证据", "证据链接", "证据日期", "所列附件"]
ACCOUNT_HEADERS = ["序号", "规则编号", "指标", "严重程度", "单位", "层级", "平台", "账号名称",
                   "存在问题", "证据", "证据链接", "证据日期", "所列附件"]


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("xlsx")
    db = make_marts(tmp / "marts.duckdb")
    return db, publish(db, params(), tmp / "out")["xlsx"]


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_sheets_headers_filters_and_frozen_panes(seed):
    wb = load_workbook(seed[1])
    assert wb.sheetnames == ["汇总", "网站", "政务新媒体"]
    assert [c.value for c in wb["网站"][1]] == SITE_HEADERS == [c.header for c in SHEET_COLUMNS["网站"]]
    assert [c.value for c in wb["政务新媒体"][1]] == ACCOUNT_HEADERS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.auto_filter.ref.endswith(str(ws.max_row))
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
        assert all(c.font.bold for c in ws[1])


def test_one_row_per_finding_with_evidence(seed):
    db, xlsx = seed
    wb = load_workbook(xlsx)
    findings = read_findings(db, Q)
    sites, accounts = rows(wb["网站"]), rows(wb["政务新媒体"])
    assert len(sites) == sum(1 for f in findings if f["object_type"] in ("site", "column")) == 12
    assert len(accounts) == sum(1 for f in findings if f["object_type"] == "account") == 21
    assert [r["序号"] for r in sites] == list(range(1, 13))
    first = sites[0]
    assert first["所属地区或单位"] == "得荣县" and first["网站名称"] == "得荣县人民政府"
    assert first["规则编号"] == "W3" and first["严重程度"] == "单项否决" and first["对象类型"] == "栏目"
    assert first["证据"].startswith("栏目“要闻”最新信息日期2024-08-21")
    assert first["证据链接"] == "http://s01.example.gov.cn/col/" and first["所列附件"] == "附件1"
    assert first["证据日期"] in (date(2024, 8, 21), datetime(2024, 8, 21))
    warning = sites[-1]  # not in the notice: listed last
    assert warning["严重程度"] == "预警" and warning["所列附件"] == "未列入" and "138****0000" in warning["证据"]
    by_name = {(r["平台"], r["账号名称"], r["存在问题"]) for r in accounts}
    assert ("今日头条", "甘孜州市场监督管理局", STALE) in by_name and ("今日头条", "甘孜州市场监督管理局", CLOSED) in by_name
    assert {r["所列附件"] for r in accounts} == {"附件2"}
    assert accounts[0]["证据链接"] is None


def test_summary_sheet_has_the_notice_counts(seed):
    summary = dict(load_workbook(seed[1])["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["季度"] == Q and summary["发文字号"] == "甘办函〔2024〕67号" and summary["成文日期"] == "2024年9月14日"
    assert summary["检查政府网站（个）"] == 38 and summary["检查政务新媒体（个）"] == 145
    assert summary["存在突出问题的部门网站"] == 2 and summary["存在突出问题的县级政府网站"] == 9
    assert summary["存在突出问题的政务新媒体"] == 10 and summary["注销但未报备的政务新媒体"] == 11
    assert summary["附件1行数"] == 11 and summary["附件2行数"] == 21


def test_hostile_values_stay_plain_text(tmp_path):
    findings = seed_findings(Q, [("<b>州</b>", "<script>alert(1)</script>", "要闻类栏目超14天未更新", "county")],
                             [("x1", "=HYPERLINK(\"http://evil\",\"x\")", "新浪微博", "a|b\nc\x07", STALE)])
    db = make_marts(tmp_path / "m.duckdb", sites=[("<b>州</b>", "<script>alert(1)</script>", "要闻类栏目超14天未更新",
                                                   "county")],
                    accounts=[("x1", "=HYPERLINK(\"http://evil\",\"x\")", "新浪微博", "a|b\nc\x07", STALE)],
                    findings=findings)
    wb = load_workbook(publish(db, params(), tmp_path / "out")["xlsx"])
    site = rows(wb["网站"])[0]
    assert site["网站名称"] == "<script>alert(1)</script>" and site["所属地区或单位"] == "<b>州</b>"
    cell = wb["政务新媒体"]["E2"]
    assert cell.value == "=HYPERLINK(\"http://evil\",\"x\")" and cell.data_type == "s"  # text, not a formula
    assert wb["政务新媒体"]["H2"].value == "a|b c"


def test_read_only_and_missing_mart(seed, tmp_path):
    db = seed[0]
    read_findings(db, Q)
    con = duckdb.connect(str(db))  # the reader closed its connection: a writer can open the file
    con.close()
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()
    with pytest.raises(NoticeDataError, match="fct_findings"):
        read_findings(bare, Q)
    assert read_findings(db, "2023Q1") == []

"""The notice follows the data beyond the annexes: paragraph （四） on repeat offenders only when findings of the
previous quarter recur (mart_findings_compared), new problem kinds in their paragraphs, the deadline param, and
the same numbers in the text, the annexes, the DOCX and the workbook."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from docx import Document
from openpyxl import load_workbook
from test_notice import CLOSED, SEED_ACCOUNTS, SEED_PROBLEMS, SEED_SITES, make_marts, md_tables, params, section

from govinspect import pipeline
from govinspect.notice import build_context, load_profile, publish, read_findings

Q = "2024Q3"
REPEAT_TEXT = "个别单位整改反馈问题不力，同类问题仍然重复出现。"
NO_REPEAT_PROBLEMS = [p for p in SEED_PROBLEMS if p[0] != 4]


def add_compared(db: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """mart_findings_compared as the dbt project defines it; rows: (comparison, object_id, unit, problem)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("""create table mart_findings_compared (quarter varchar, previous_quarter varchar,
            previous_quarter_checked boolean, rule_id varchar, indicator varchar, severity varchar, annex int,
            object_type varchar, object_id varchar, site_id varchar, account_id varchar, unit varchar, level varchar,
            object_name varchar, platform varchar, problem varchar, previous_problem varchar, finding_id varchar,
            previous_finding_id varchar, evidence varchar, previous_evidence varchar, comparison varchar,
            notice_order int, inventory_order int)""")
        for i, (comparison, object_id, unit, problem) in enumerate(rows, 1):
            con.execute("insert into mart_findings_compared (quarter, previous_quarter, previous_quarter_checked, "
                        "rule_id, indicator, severity, annex, object_type, object_id, unit, object_name, problem, "
                        "comparison, notice_order, inventory_order) values (?, '2024Q2', true, 'W3', 'W3', "
                        "'prominent', 1, 'site', ?, ?, ?, ?, ?, 10, ?)",
                        [Q, object_id, unit, f"“{unit}”网站", problem, comparison, i])
    finally:
        con.close()
    return db


def problems_text(ctx) -> list[str]:
    return [p.label + p.text for p in ctx.sections[1].paragraphs]


def repeats(ctx) -> list[str]:
    return [r["unit"] for r in ctx.compared or [] if r["comparison"] == "repeat"]


def test_repeat_paragraph_when_previous_findings_recur(tmp_path):
    # as dbt builds them: repeats in mart_findings_compared, and paragraph 4 in mart_notice_problems
    db = add_compared(make_marts(tmp_path / "m.duckdb"), [
        ("repeat", "s01", "得荣县", "要闻类栏目超14天未更新"),
        ("new", "s02", "炉霍县", "要闻类栏目超14天未更新"),
        ("fixed", "s30", "泸定县", "动态类栏目超14天未更新"),
    ])
    ctx = build_context(db, Q, params(), load_profile())
    assert problems_text(ctx)[-1] == "（四）" + REPEAT_TEXT
    assert repeats(ctx) == ["得荣县"]


def test_no_repeat_paragraph_when_nothing_recurs(tmp_path):
    # the previous quarter had findings, all fixed or different: no paragraph 4 in the marts, no （四）
    db = add_compared(make_marts(tmp_path / "m.duckdb", problems=NO_REPEAT_PROBLEMS), [
        ("new", "s01", "得荣县", "要闻类栏目超14天未更新"), ("fixed", "s30", "泸定县", "动态类栏目超14天未更新")])
    ctx = build_context(db, Q, params(), load_profile())
    assert not any("重复出现" in t for t in problems_text(ctx))
    assert len(problems_text(ctx)) == 3 and repeats(ctx) == []


def test_first_quarter_has_no_repeat_paragraph(tmp_path):
    db = add_compared(make_marts(tmp_path / "m.duckdb", problems=NO_REPEAT_PROBLEMS), [])
    ctx = build_context(db, Q, params(), load_profile())
    assert not any("重复出现" in t for t in problems_text(ctx))


def test_older_warehouse_without_comparison(tmp_path):
    db = make_marts(tmp_path / "m.duckdb")  # no mart_findings_compared: mart_notice_problems decides
    ctx = build_context(db, Q, params(), load_profile())
    assert ctx.compared is None and problems_text(ctx)[-1] == "（四）" + REPEAT_TEXT
    wb = load_workbook(publish(db, params(), tmp_path / "out")["xlsx"])
    assert "与上季度比较" not in wb.sheetnames


def test_new_problem_kinds_in_their_paragraphs(tmp_path):
    problems = [(1, "互动交流质量不高"), (1, "功能设计不完善"), (1, "重点政务信息转载不及时"),
                (2, "表述不规范或错别字"), (3, "私自开设政务新媒体")]
    db = make_marts(tmp_path / "m.duckdb", problems=problems)
    assert problems_text(build_context(db, Q, params(), load_profile())) == [
        "（一）个别政府网站存在互动交流质量不高、功能设计不完善、重点政务信息转载不及时等问题。",
        "（二）个别政府网站、政务新媒体落实信息发布审核制度不到位，信息发布审核把关不严，存在表述不规范或错别字等问题。",
        "（三）个别单位政务新媒体日常管理不到位，存在私自开设政务新媒体等问题。",
    ]


def test_deadline_param_flows_from_the_dag_params(tmp_path):
    ctx = {"quarter": Q, "monitoring_date": "2024-09-10", "notice_date": "2024-09-14",
           "document_number": "甘办函〔2024〕67号"}
    assert pipeline.notice_params(ctx).rectification_deadline is None
    assert pipeline.notice_params(ctx, {"rectification_deadline": " "}).rectification_deadline is None
    chosen = pipeline.notice_params(ctx, {"rectification_deadline": "2024-10-08"})
    db = make_marts(tmp_path / "m.duckdb")
    md = publish(db, chosen, tmp_path / "out")["md"].read_text(encoding="utf-8")
    assert "请于10月8日前将整改情况报送至州政府办公室。" in md
    with pytest.raises(ValueError, match="rectification_deadline"):
        pipeline.notice_params(ctx, {"rectification_deadline": "2024-09-01"})
    with pytest.raises(ValueError, match="rectification_deadline"):
        pipeline.notice_params(ctx, {"rectification_deadline": "下周五"})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("repeats")
    db = add_compared(make_marts(tmp / "m.duckdb"), [
        ("repeat", "s01", "得荣县", "要闻类栏目超14天未更新"), ("new", "s02", "炉霍县", "要闻类栏目超14天未更新"),
        ("fixed", "s30", "泸定县", "动态类栏目超14天未更新")])
    con = duckdb.connect(str(db))  # a newer dbt project adds evidence columns: they must flow into the workbook
    con.execute("alter table fct_findings add column evidence_sha256 varchar")
    con.execute("alter table fct_findings add column evidence_fetched_at timestamptz")
    con.execute("update fct_findings set evidence_sha256 = md5(finding_id), "
                "evidence_fetched_at = timestamptz '2024-09-10 02:00:00+00'")
    con.close()
    return db, publish(db, params(), tmp / "out")


def test_numbers_agree_in_text_annexes_docx_workbook_and_marts(published):
    db, files = published
    md = files["md"].read_text(encoding="utf-8")
    checks = section(md, "一、检查情况")
    tables = md_tables(md)
    flagged_sites = sum(int(n) for n in re.findall(r"(?:州政府网站|州政府部门网站|县级政府网站)(\d+)个", checks))
    flagged_accounts = int(re.search(r"存在突出问题的政务新媒体(\d+)个", checks)[1])
    closed = int(re.search(r"注销但未报备新媒体(\d+)个", checks)[1])
    annex2 = tables["附件2"][1:]
    assert flagged_sites == len(tables["附件1"]) - 1 == len(SEED_SITES)
    assert closed == sum(1 for r in annex2 if r[4] == CLOSED) == sum(1 for a in SEED_ACCOUNTS if a[4] == CLOSED)
    assert flagged_accounts == len({tuple(r[1:4]) for r in annex2 if r[4] != CLOSED})
    con = duckdb.connect(str(db), read_only=True)
    summary = dict(zip(["s", "a", "c"], con.execute(
        "select websites_flagged_prefecture + websites_flagged_department + websites_flagged_county, "
        "accounts_flagged, accounts_closed_unfiled from mart_notice_summary where quarter = ?", [Q]).fetchone(),
        strict=True))
    con.close()
    assert (flagged_sites, flagged_accounts, closed) == (summary["s"], summary["a"], summary["c"])
    # the DOCX says the same sentences and has the same annex rows
    doc = Document(files["docx"])
    texts = [p.text for p in doc.paragraphs]
    assert any(checks.split("（一）")[1].split("\n")[0].strip("\\ ") in t for t in texts)
    assert "（四）" + REPEAT_TEXT in texts
    assert [len(t.rows) - 1 for t in doc.tables] == [len(tables["附件1"]) - 1, len(annex2)]
    # the workbook's summary has the same counts
    summary_sheet = dict(load_workbook(files["xlsx"])["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary_sheet["附件1行数"] == flagged_sites and summary_sheet["附件2行数"] == len(annex2)
    assert summary_sheet["与上季度相比重复出现的问题（条）"] == 1
    assert summary_sheet["与上季度相比已整改的问题（条）"] == 1


def test_workbook_compares_quarters_and_carries_new_evidence_columns(published):
    db, files = published
    wb = load_workbook(files["xlsx"])
    assert wb.sheetnames == ["汇总", "网站", "政务新媒体", "与上季度比较"]
    compared = list(wb["与上季度比较"].iter_rows(values_only=True))
    assert compared[0][:3] == ("序号", "比较结果", "上季度")
    assert sorted(r[1] for r in compared[1:]) == sorted(["重复出现", "新发现", "已整改"])
    assert wb["与上季度比较"].auto_filter.ref == "A1:K4" and wb["与上季度比较"].freeze_panes == "A2"
    sites = list(wb["网站"].iter_rows(values_only=True))
    header = list(sites[0])
    assert header[-2:] == ["快照哈希（SHA-256）", "抓取时间"]
    findings = read_findings(db, Q)
    first = dict(zip(header, sites[1], strict=True))
    assert first["快照哈希（SHA-256）"] == next(f["evidence_sha256"] for f in findings if f["object_type"] != "account")
    assert first["抓取时间"] == datetime(2024, 9, 10, 10, 0)  # Beijing time
    assert wb["网站"].auto_filter.ref.endswith(f"{len(sites)}") and isinstance(first["证据日期"], date | datetime)

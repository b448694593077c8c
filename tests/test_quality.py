"""Quality gates on planted data: clean data passes, each planted defect fails with its rule id."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from govinspect.landing import land
from govinspect.quality import QualityGateFailed, check_marts, check_raw

Q, RUN = "2024Q3", "manual__2024-09-10T00:00:00+00:00"
MONITORING = date(2024, 9, 10)
T = datetime(2024, 9, 10, 2, 0, tzinfo=UTC)

# --- raw landing ------------------------------------------------------------------------------------------------


def raw_records() -> dict[str, list[dict]]:
    return {
        "inventory_websites": [
            {"site_id": "s1", "unit": "州政府", "level": "州", "site_name": "甘孜州人民政府",
             "home_url": "https://www.gzz.gov.cn/", "inventory_order": 1},
            {"site_id": "s2", "unit": "得荣县", "level": "县", "site_name": "得荣县人民政府",
             "home_url": "http://www.derong.gov.cn/", "inventory_order": 2},
        ],
        "inventory_accounts": [
            {"account_id": "a1", "unit": "道孚县公安局", "level": "县", "platform": "新浪微博", "connector": "weibo",
             "account_name": "道孚警方", "platform_id": "123", "inventory_order": 1},
            {"account_id": "a2", "unit": "巴塘县司法局", "level": "县", "platform": "微信订阅号",
             "connector": "wechat", "account_name": "巴塘司法", "platform_id": "gh_1", "inventory_order": 2},
        ],
        "pages": [
            {"site_id": "s1", "column_id": None, "page_kind": "home", "url": "https://www.gzz.gov.cn/",
             "final_url": "https://www.gzz.gov.cn/", "fetched_at": T, "status_code": 200, "outcome": "ok"},
            {"site_id": "s1", "column_id": "s1/要闻", "page_kind": "list", "url": "https://www.gzz.gov.cn/yw/",
             "final_url": "https://www.gzz.gov.cn/yw/index.html", "fetched_at": T, "status_code": 200,
             "outcome": "ok"},
            {"site_id": "s2", "column_id": None, "page_kind": "home", "url": "http://www.derong.gov.cn/",
             "final_url": None, "fetched_at": T, "status_code": None, "outcome": "timeout", "error": "30 s"},
        ],
        "column_items": [
            {"site_id": "s1", "column_id": "s1/要闻", "page_url": "https://www.gzz.gov.cn/yw/", "position": i,
             "title": f"要闻{i}", "url": f"https://www.gzz.gov.cn/yw/{i}.html", "item_date": date(2024, 9, 10 - i)}
            for i in range(1, 4)
        ],
        "account_statuses": [
            {"account_id": "a1", "platform": "新浪微博", "connector": "weibo", "fetched_at": T,
             "request_url": "https://weibo.com/u/123", "http_status": 200, "outcome": "ok", "status": "active"},
            {"account_id": "a2", "platform": "微信订阅号", "connector": "wechat", "fetched_at": T,
             "request_url": None, "outcome": "not_collected", "status": None, "error": "no credentials"},
        ],
        "posts": [
            {"account_id": "a1", "platform": "新浪微博", "post_id": f"p{i}", "published_on": date(2024, 9, i),
             "url": f"https://weibo.com/123/p{i}", "source": "connector"}
            for i in (1, 2)
        ],
    }


def land_all(root: Path, records: dict[str, list[dict]]) -> Path:
    for record_type, rows in records.items():
        land(record_type, rows, quarter=Q, run_id=RUN, part="test", root=root)
    return root


def test_clean_raw_data_passes(tmp_path):
    result = check_raw(Q, RUN, MONITORING, root=land_all(tmp_path, raw_records()))
    assert result.passed, result.report()
    assert result.failures == []
    ids = {row["rule_id"] for row in result.rows()}
    assert {"RAW-001", "RAW-002", "RAW-003", "RAW-004", "RAW-005", "RAW-006", "RAW-012", "RAW-013"} <= ids
    assert all(re.fullmatch(r"RAW-\d{3}", i) for i in ids)


def _future_item(r):
    r["column_items"][0]["item_date"] = date(2024, 9, 20)
    return "RAW-001", ["column_items.item_date", "2024-09-20"]


def _bad_url(r):
    r["pages"][1]["url"] = "javascript:void(0)"
    return "RAW-002", ["pages.url", "javascript:void(0)"]


def _unknown_page_outcome(r):
    r["pages"][0]["outcome"] = "dns_failure"
    return "RAW-003", ["pages.outcome", "dns_failure"]


def _unknown_account_outcome(r):
    r["account_statuses"][0]["outcome"] = "okay"
    return "RAW-004", ["account_statuses.outcome", "okay"]


def _unknown_status(r):
    r["account_statuses"][0]["status"] = "deleted"
    return "RAW-005", ["account_statuses.status", "deleted"]


def _duplicate_item(r):
    r["column_items"].append(dict(r["column_items"][0]))
    return "RAW-006", ["column_items(column_id, url, position)"]


def _site_without_pages(r):
    r["pages"] = [p for p in r["pages"] if p["site_id"] != "s2"]
    return "RAW-012", ["site_coverage.pages_rows", "site_id=s2"]


def _account_without_status(r):
    r["account_statuses"] = r["account_statuses"][:1]
    return "RAW-013", ["account_coverage.status_rows", "account_id=a2"]


@pytest.mark.parametrize("plant", [_future_item, _bad_url, _unknown_page_outcome, _unknown_account_outcome,
                                   _unknown_status, _duplicate_item, _site_without_pages, _account_without_status],
                         ids=lambda f: f.__name__.strip("_"))
def test_planted_raw_defect_fails_with_its_rule_id(tmp_path, plant):
    records = raw_records()
    rule_id, snippets = plant(records)
    with pytest.raises(QualityGateFailed) as err:
        check_raw(Q, RUN, MONITORING, root=land_all(tmp_path, records))
    message = str(err.value)
    assert err.value.result.failed_rule_ids == [rule_id], message
    assert rule_id in message
    for snippet in snippets:
        assert snippet in message


def test_raw_result_without_raising(tmp_path):
    records = raw_records()
    _future_item(records)
    result = check_raw(Q, RUN, date(2024, 9, 30), root=land_all(tmp_path, records))
    assert result.passed  # the same item is fine against a later monitoring date
    result = check_raw(Q, RUN, MONITORING, root=tmp_path, raise_on_failure=False)
    assert not result.passed and result.failed_rule_ids == ["RAW-001"]
    (row,) = [r for r in result.rows() if not r["success"]]
    assert row["unexpected_count"] == 1 and row["table"] == "column_items"


# --- marts --------------------------------------------------------------------------------------------------------

SITES = [("s1", "州政府", "州", "甘孜州人民政府"), ("s2", "州统计局", "部门", "甘孜州统计信息网"),
         ("s3", "得荣县", "县", "得荣县人民政府")]
ACCOUNTS = [("a1", "道孚县公安局", "县", "新浪微博", "道孚警方"), ("a2", "巴塘县司法局", "县", "微信订阅号", "巴塘司法"),
            ("a3", "州文旅局", "州", "新浪微博", "微甘孜")]
FINDING_COLUMNS = ["finding_id", "quarter", "run_id", "rules_profile", "rule_id", "indicator", "severity",
                   "object_type", "object_id", "site_id", "column_id", "account_id", "unit", "level", "object_name",
                   "platform", "category", "problem", "evidence", "evidence_url", "evidence_date", "annex",
                   "notice_paragraph", "notice_phrase", "notice_order", "inventory_order"]


def finding(fid, rule_id, severity, object_id, unit, problem, annex, **extra):
    row = dict.fromkeys(FINDING_COLUMNS)
    row.update(finding_id=fid, quarter=Q, run_id=RUN, rules_profile="sc-2024", rule_id=rule_id, severity=severity,
               object_id=object_id, unit=unit, problem=problem, evidence=f"evidence of {fid}", annex=annex, **extra)
    return row


def mart_frames() -> dict[str, pd.DataFrame]:
    findings = [
        finding("f1", "WEB-STALE-NEWS", "prominent", "s3", "得荣县", "要闻类栏目超14天未更新", 1,
                object_type="site", site_id="s3", notice_paragraph=1, notice_phrase="栏目更新不及时"),
        finding("f2", "ACC-GAP", "prominent", "a1", "道孚县公安局", "监测时间点三个月内有断更", 2,
                object_type="account", account_id="a1", notice_paragraph=3, notice_phrase="内容断更超期"),
        finding("f3", "ACC-CLOSED", "prominent", "a2", "巴塘县司法局", "注销未报备", 2,
                object_type="account", account_id="a2", notice_paragraph=3, notice_phrase="政务新媒体注销报备不及时"),
        finding("f4", "WEB-DEAD-LINK", "warning", "s1", "州政府", "错链死链", None, object_type="site", site_id="s1"),
    ]
    return {
        "fct_findings": pd.DataFrame(findings, columns=FINDING_COLUMNS).astype({"annex": "Int64"}),
        "mart_notice_summary": pd.DataFrame([{
            "quarter": Q, "websites_checked": 3, "websites_checked_prefecture": 1, "websites_checked_department": 1,
            "websites_checked_county": 1, "websites_flagged_prefecture": 0, "websites_flagged_department": 0,
            "websites_flagged_county": 1, "accounts_checked": 3, "accounts_flagged": 1,
            "accounts_closed_unfiled": 1}]),
        "mart_annex_websites": pd.DataFrame([{"quarter": Q, "row_no": 1, "site_id": "s3", "unit": "得荣县",
                                              "site_name": "得荣县人民政府", "problem": "要闻类栏目超14天未更新"}]),
        "mart_annex_accounts": pd.DataFrame([
            {"quarter": Q, "row_no": 1, "account_id": "a1", "unit": "道孚县公安局", "platform": "新浪微博",
             "account_name": "道孚警方", "problem": "监测时间点三个月内有断更"},
            {"quarter": Q, "row_no": 2, "account_id": "a2", "unit": "巴塘县司法局", "platform": "微信订阅号",
             "account_name": "巴塘司法", "problem": "注销未报备"}]),
        "mart_notice_problems": pd.DataFrame([
            {"quarter": Q, "notice_paragraph": 1, "notice_phrase": "栏目更新不及时", "phrase_order": 1},
            {"quarter": Q, "notice_paragraph": 3, "notice_phrase": "政务新媒体注销报备不及时", "phrase_order": 2}]),
        "mart_site_verdicts": pd.DataFrame([
            {"quarter": Q, "site_id": s, "unit": u, "level": lv, "site_name": n, "findings": int(s in ("s1", "s3")),
             "has_prominent_problem": s == "s3"} for s, u, lv, n in SITES]),
        "mart_account_verdicts": pd.DataFrame([
            {"quarter": Q, "account_id": a, "unit": u, "level": lv, "platform": p, "account_name": n,
             "platform_status": "closed" if a == "a2" else "active", "last_post_on": date(2024, 5, 1),
             "has_prominent_problem": a == "a1", "closed_unfiled": a == "a2"} for a, u, lv, p, n in ACCOUNTS]),
    }


def write_marts(db: Path, frames: dict[str, pd.DataFrame]) -> Path:
    con = duckdb.connect(str(db))
    try:
        for name, frame in frames.items():
            con.register("frame", frame)
            con.execute(f"create or replace table main.{name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()
    return db


def land_inventory(root: Path) -> Path:
    land("inventory_websites", [{"site_id": s, "unit": u, "level": lv, "site_name": n, "home_url": "https://x.cn/",
                                 "inventory_order": i} for i, (s, u, lv, n) in enumerate(SITES, 1)],
         quarter=Q, run_id=RUN, part="inventory", root=root)
    land("inventory_accounts", [{"account_id": a, "unit": u, "level": lv, "platform": p, "account_name": n,
                                 "inventory_order": i} for i, (a, u, lv, p, n) in enumerate(ACCOUNTS, 1)],
         quarter=Q, run_id=RUN, part="inventory", root=root)
    return root


@pytest.fixture
def raw_root(tmp_path) -> Path:
    return land_inventory(tmp_path / "raw")


def test_clean_marts_pass(tmp_path, raw_root):
    db = write_marts(tmp_path / "m.duckdb", mart_frames())
    result = check_marts(db, Q, root=raw_root)
    assert result.passed, result.report()
    ids = {o.rule_id for o in result.outcomes}
    assert {"MART-001", "MART-004", "MART-005", "MART-006", "MART-010", "MART-012", "MART-013", "MART-020",
            "MART-021"} <= ids
    duckdb.connect(str(db)).close()  # the gate closed its read-only connection: a writer can open the file


def _summary_sites(f):
    f["mart_notice_summary"].loc[0, "websites_flagged_county"] = 2
    return {"MART-010", "MART-011"}, ["reconciliation.websites_flagged_total=annex1_rows", "(2, 1)"]


def _summary_accounts(f):
    f["mart_notice_summary"].loc[0, "accounts_flagged"] = 3
    return {"MART-012"}, ["reconciliation.accounts_flagged=annex2_flagged_accounts", "(3, 1)"]


def _annex_account_missing(f):
    f["mart_annex_accounts"] = f["mart_annex_accounts"].iloc[:1]
    return {"MART-013"}, ["reconciliation.accounts_closed_unfiled=annex2_closed_unfiled_accounts"]


def _finding_without_evidence(f):
    f["fct_findings"].loc[1, "evidence"] = None
    return {"MART-004"}, ["fct_findings.evidence", "finding_id=f2"]


def _unknown_severity(f):
    f["fct_findings"].loc[3, "severity"] = "critical"
    return {"MART-005"}, ["fct_findings.severity", "critical"]


def _unknown_annex(f):
    f["fct_findings"].loc[3, "annex"] = 3
    return {"MART-006"}, ["fct_findings.annex"]


def _site_without_verdict(f):
    f["mart_site_verdicts"] = f["mart_site_verdicts"][f["mart_site_verdicts"]["site_id"] != "s2"]
    f["mart_notice_summary"].loc[0, ["websites_checked", "websites_checked_department"]] = [2, 0]
    return {"MART-020"}, ["site_coverage.verdicts", "site_id=s2"]


def _account_without_verdict(f):
    f["mart_account_verdicts"] = f["mart_account_verdicts"][f["mart_account_verdicts"]["account_id"] != "a3"]
    return {"MART-021"}, ["account_coverage.verdicts", "account_id=a3"]


@pytest.mark.parametrize("plant", [_summary_sites, _summary_accounts, _annex_account_missing,
                                   _finding_without_evidence, _unknown_severity, _unknown_annex,
                                   _site_without_verdict, _account_without_verdict],
                         ids=lambda f: f.__name__.strip("_"))
def test_planted_mart_defect_fails_with_its_rule_id(tmp_path, raw_root, plant):
    frames = mart_frames()
    rule_ids, snippets = plant(frames)
    db = write_marts(tmp_path / "m.duckdb", frames)
    with pytest.raises(QualityGateFailed) as err:
        check_marts(db, Q, run_id=RUN, root=raw_root)
    message = str(err.value)
    assert set(err.value.result.failed_rule_ids) == rule_ids, message
    for snippet in [*rule_ids, *snippets]:
        assert snippet in message


def test_quarter_without_marts_fails_mart_009(tmp_path, raw_root):
    db = write_marts(tmp_path / "m.duckdb", mart_frames())
    result = check_marts(db, "2024Q4", run_id=RUN, root=raw_root, raise_on_failure=False)
    assert "MART-009" in result.failed_rule_ids


def test_gate_modules_do_not_import_great_expectations():
    code = ("import sys; import govinspect.quality, expectations.raw_landing, expectations.findings_mart; "
            "assert 'great_expectations' not in sys.modules, 'GX imported at module import'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1],
                   env={"PYTHONPATH": "plugins:."})


def test_every_expectation_carries_a_rule_id():
    from expectations import findings_mart, raw_landing

    for module, pattern in ((raw_landing, r"RAW-\d{3}"), (findings_mart, r"MART-\d{3}")):
        suites = module.build_suites()
        assert set(suites) == set(module.TABLES)
        for suite in suites.values():
            assert suite.expectations
            for exp in suite.expectations:
                assert re.fullmatch(pattern, exp.meta["rule_id"]) and exp.meta["why"]

"""Quality gates on planted data: clean data passes, each planted defect fails with its rule id."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from govinspect.landing import land, land_probes
from govinspect.quality import QualityGateFailed, check_marts, check_raw

Q, RUN = "2024Q3", "manual__2024-09-10T00:00:00+00:00"
MONITORING = date(2024, 9, 10)
T = datetime(2024, 9, 10, 2, 0, tzinfo=UTC)
BEIJING = ZoneInfo("Asia/Shanghai")

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
        "home_items": [
            {"site_id": "s1", "page_url": "https://www.gzz.gov.cn/", "position": 1, "title": "州委常委会召开会议",
             "url": "https://www.gzz.gov.cn/yw/1.html", "item_date": date(2024, 9, 9)},
        ],
        "discovered_columns": [
            {"site_id": "s1", "found_on": "https://www.gzz.gov.cn/", "title": "乡村振兴",
             "url": "https://www.gzz.gov.cn/xczx/", "reason": "column-like link"},
        ],
        "links": [
            {"site_id": "s1", "found_on": "https://www.gzz.gov.cn/", "link_text": "州统计局",
             "url": "http://tjj.gzz.gov.cn/", "checked_at": T, "status_code": 404, "outcome": "http_error"},
            {"site_id": "s2", "found_on": "http://www.derong.gov.cn/", "link_text": "首页",
             "url": "http://www.derong.gov.cn/", "checked_at": T, "status_code": 200, "outcome": "ok"},
        ],
        "content_hits": [
            {"site_id": "s1", "column_id": "s1/要闻", "article_url": "https://www.gzz.gov.cn/yw/2.html",
             "article_title": "公示", "article_date": date(2024, 9, 8), "check": "privacy", "kind": "mobile",
             "matched": "138****5678", "context": "联系电话：138****5678"},
            {"site_id": "s1", "column_id": "s1/要闻", "article_url": "https://www.gzz.gov.cn/yw/3.html",
             "article_title": "通知", "article_date": date(2024, 9, 7), "check": "wording", "kind": "过时机构名称",
             "matched": "州文化局", "suggestion": "州文化广播电视和旅游局", "context": "由州文化局牵头"},
        ],
        "messages": [
            {"site_id": "s2", "column_id": "s2/互动", "page_url": "http://www.derong.gov.cn/hd/", "title": "咨询",
             "url": "http://www.derong.gov.cn/hd/1.html", "asked_on": date(2024, 8, 1),
             "replied_on": date(2024, 8, 20)},
            {"site_id": "s2", "column_id": "s2/互动", "page_url": "http://www.derong.gov.cn/hd/", "title": "反映",
             "url": "http://www.derong.gov.cn/hd/2.html", "asked_on": date(2024, 9, 1), "replied_on": None},
        ],
        "reposts": [
            {"site_id": "s1", "release_id": "r1", "release_title": "重要会议精神", "found": True,
             "url": "https://www.gzz.gov.cn/yw/9.html"},
            {"site_id": "s2", "release_id": "r1", "release_title": "重要会议精神", "found": False, "url": None},
        ],
        "account_candidates": [
            {"platform": "抖音短视频", "connector": "douyin", "query": "道孚县公安局", "unit": "道孚县公安局",
             "platform_id": "dy1", "account_name": "道孚公安", "url": "https://www.douyin.com/user/dy1",
             "request_url": "https://www.douyin.com/search?q=1", "fetched_at": T},
        ],
    }


def land_probes_for_week(root: Path, per_day: int = 24, short_day: date | None = None) -> None:
    """Hourly probes of both sites for the 7 Beijing days before the monitoring point."""
    for n in range(1, 8):
        day = date.fromordinal(MONITORING.toordinal() - n)
        count = 10 if day == short_day else per_day
        rows = [{"site_id": s, "url": "https://x.cn/", "outcome": "ok", "status_code": 200,
                 "probed_at": datetime(day.year, day.month, day.day, 0, 30, tzinfo=BEIJING) + timedelta(hours=h)}
                for h in range(count) for s in ("s1", "s2")]
        land_probes(rows, probe_run_id=f"probe-{day}", day=day.isoformat(), root=root)


def land_all(root: Path, records: dict[str, list[dict]], probes: bool = True) -> Path:
    for record_type, rows in records.items():
        land(record_type, rows, quarter=Q, run_id=RUN, part="test", root=root)
    if probes:
        land_probes_for_week(root)
    return root


def test_clean_raw_data_passes(tmp_path):
    result = check_raw(Q, RUN, MONITORING, root=land_all(tmp_path, raw_records()))
    assert result.passed, result.report()
    assert result.failures == [] and result.warnings == []
    ids = {row["rule_id"] for row in result.rows()}
    assert {"RAW-001", "RAW-002", "RAW-003", "RAW-004", "RAW-005", "RAW-006", "RAW-012", "RAW-013", "RAW-014",
            "RAW-015", "RAW-016", "RAW-017", "RAW-018"} <= ids
    checked = {row["table"] for row in result.rows()}
    assert {"home_items", "discovered_columns", "links", "content_hits", "messages", "reposts",
            "account_candidates", "probe_days"} <= checked
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


def _future_home_item(r):
    r["home_items"][0]["item_date"] = date(2025, 9, 9)
    return "RAW-001", ["home_items.item_date", "2025-09-09"]


def _future_post(r):
    r["posts"][0]["published_on"] = date(2024, 12, 1)
    return "RAW-001", ["posts.published_on", "post_id=p1"]


def _future_message(r):
    r["messages"][1]["asked_on"] = date(2024, 10, 1)
    return "RAW-001", ["messages.asked_on", "2024-10-01"]


def _reply_before_question(r):
    r["messages"][0]["replied_on"] = date(2024, 7, 1)
    return "RAW-016", ["messages.replied_on=asked_on", "hd/1.html"]


def _unknown_link_outcome(r):
    r["links"][0]["outcome"] = "404"
    return "RAW-003", ["links.outcome", "outcome=404"]


def _duplicate_link(r):
    r["links"].append(dict(r["links"][0]))
    return "RAW-006", ["links(site_id, url)"]


def _bad_discovered_url(r):
    r["discovered_columns"][0]["url"] = "/xczx/"
    return "RAW-002", ["discovered_columns.url", "/xczx/"]


def _unmasked_mobile(r):
    r["content_hits"][0]["matched"] = "13812345678"
    return "RAW-015", ["content_hits.matched", "13812345678"]


def _unmasked_id_in_context(r):
    r["content_hits"][1]["context"] = "身份证号513322198001011234由州文化局"
    return "RAW-015", ["content_hits.context"]


def _unknown_privacy_kind(r):
    r["content_hits"][0]["kind"] = "passport"
    return "RAW-014", ["content_hits.privacy_kind", "passport"]


def _duplicate_repost(r):
    r["reposts"].append(dict(r["reposts"][0]))
    return "RAW-006", ["reposts(site_id, release_id)"]


def _post_of_unknown_source(r):
    r["posts"][0]["source"] = "scraped"
    return "RAW-017", ["posts.source", "scraped"]


def _hit_of_unknown_site(r):
    r["content_hits"][0]["site_id"] = "s9"
    return "RAW-011", ["content_hits.in_inventory", "site_id=s9"]


def _candidate_on_unknown_platform(r):
    r["account_candidates"][0]["platform"] = "快手"
    return "RAW-005", ["account_candidates.platform", "快手"]


@pytest.mark.parametrize("plant", [_future_item, _bad_url, _unknown_page_outcome, _unknown_account_outcome,
                                   _unknown_status, _duplicate_item, _site_without_pages, _account_without_status,
                                   _future_home_item, _future_post, _future_message, _reply_before_question,
                                   _unknown_link_outcome, _duplicate_link, _bad_discovered_url, _unmasked_mobile,
                                   _unmasked_id_in_context, _unknown_privacy_kind, _duplicate_repost,
                                   _post_of_unknown_source, _hit_of_unknown_site, _candidate_on_unknown_platform],
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
    (row,) = [r for r in result.rows() if not r["success"] and r["level"] == "error"]
    assert row["unexpected_count"] == 1 and row["table"] == "column_items"


def test_too_few_probes_is_a_warning_not_a_failure(tmp_path):
    root = land_all(tmp_path, raw_records(), probes=False)
    short = date(2024, 9, 5)
    land_probes_for_week(root, short_day=short)
    result = check_raw(Q, RUN, MONITORING, root=root)  # does not raise
    assert result.passed and result.failures == []
    (warning,) = result.warnings
    assert warning.rule_id == "RAW-018" and warning.level == "warning" and warning.unexpected_count == 2
    assert {e["probed_on"] for e in warning.examples} == {short}
    assert "warning(s), not blocking: RAW-018" in result.report() and "probed_on=2024-09-05" in result.report()


def test_no_probes_at_all_warns_for_every_site_and_day(tmp_path):
    result = check_raw(Q, RUN, MONITORING, root=land_all(tmp_path, raw_records(), probes=False))
    (warning,) = result.warnings
    assert warning.unexpected_count == warning.element_count == 14  # 2 sites x 7 days


def test_data_docs_are_built_in_the_runs_file_context(tmp_path):
    from govinspect.notice.docs import copy_data_docs

    records = raw_records()
    _unmasked_mobile(records)
    gx_root = tmp_path / "gx-run"
    with pytest.raises(QualityGateFailed) as err:
        check_raw(Q, RUN, MONITORING, root=land_all(tmp_path / "raw", records), gx_root=gx_root)
    docs = Path(err.value.result.docs)
    assert docs.is_file() and docs.name == "index.html" and "Data Docs:" in str(err.value)
    pages = list(docs.parent.rglob("*.html"))
    assert any("raw_landing.content_hits" in p.read_text(encoding="utf-8") for p in pages)
    suite_page = (docs.parent / "expectations" / "raw_landing" / "content_hits.html").read_text(encoding="utf-8")
    assert "RAW-015 (error)" in suite_page  # the rule ids and reasons are readable in Data Docs
    index = copy_data_docs(gx_root, tmp_path / "out" / "data-docs")
    assert index.is_file() and (index.parent / "validations").is_dir()
    # a retried task validates again in the same context: both results are kept, the newest one passes
    records["content_hits"][0]["matched"] = "138****5678"
    land("content_hits", records["content_hits"], quarter=Q, run_id=RUN, part="test", root=tmp_path / "raw")
    again = check_raw(Q, RUN, MONITORING, root=tmp_path / "raw", gx_root=gx_root)
    assert again.passed and again.docs == str(docs)
    results = list((gx_root / "gx" / "uncommitted" / "validations" / "raw_landing" / "content_hits").rglob("*.json"))
    assert len(results) == 2


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


def _finding_of_unknown_unit(f):
    f["fct_findings"].loc[0, "unit"] = "得荣县人民政府办公室"
    return {"MART-017"}, ["fct_findings.unit_known", "finding_id=f1"]


def _relative_evidence_url(f):
    f["fct_findings"].loc[0, "evidence_url"] = "/yw/index.html"
    return {"MART-018"}, ["fct_findings.evidence_url", "/yw/index.html"]


def _unknown_comparison(f):
    f["mart_findings_compared"] = compared_frame()
    f["mart_findings_compared"].loc[0, "comparison"] = "again"
    return {"MART-019"}, ["mart_findings_compared.comparison", "again"]


def compared_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"quarter": Q, "previous_quarter": "2024Q2", "rule_id": "WEB-STALE-NEWS", "indicator": "W3",
         "severity": "prominent", "annex": 1, "object_type": "site", "object_id": "s3", "unit": "得荣县",
         "object_name": "得荣县人民政府", "platform": None, "problem": "要闻类栏目超14天未更新",
         "comparison": "repeat"},
        {"quarter": Q, "previous_quarter": "2024Q2", "rule_id": "ACC-GAP", "indicator": "M2",
         "severity": "prominent", "annex": 2, "object_type": "account", "object_id": "a1", "unit": "道孚县公安局",
         "object_name": "道孚警方", "platform": "新浪微博", "problem": "监测时间点三个月内有断更", "comparison": "new"},
    ])


@pytest.mark.parametrize("plant", [_summary_sites, _summary_accounts, _annex_account_missing,
                                   _finding_without_evidence, _unknown_severity, _unknown_annex,
                                   _site_without_verdict, _account_without_verdict, _finding_of_unknown_unit,
                                   _relative_evidence_url, _unknown_comparison],
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


def test_comparison_mart_is_checked_when_present_and_optional_when_absent(tmp_path, raw_root):
    frames = mart_frames()
    without = check_marts(write_marts(tmp_path / "old.duckdb", frames), Q, run_id=RUN, root=raw_root)
    assert without.passed
    assert {o.element_count for o in without.outcomes if o.table == "mart_findings_compared"} <= {0, None}
    frames["mart_findings_compared"] = compared_frame()
    with_it = check_marts(write_marts(tmp_path / "new.duckdb", frames), Q, run_id=RUN, root=raw_root)
    assert with_it.passed, with_it.report()
    assert {o.element_count for o in with_it.outcomes if o.table == "mart_findings_compared"} - {None} == {2}


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
    from govinspect.quality import build_suites

    for module, pattern in ((raw_landing, r"RAW-\d{3}"), (findings_mart, r"MART-\d{3}")):
        suites = build_suites(module)
        assert set(suites) == set(module.TABLES)
        for suite in suites.values():
            assert suite.expectations
            for exp in suite.expectations:
                assert re.fullmatch(pattern, exp.meta["rule_id"]) and exp.meta["why"]

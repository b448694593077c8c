"""Hand exports of posts (CSV/XLSX from a platform back-end): the importer, its errors, and its use in a run
(the connector fails, the export still makes the account collected for posts)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook

from govinspect import landing, pipeline
from govinspect.landing import load_evidence
from govinspect.platforms.base import AccountResult, status_row
from govinspect.platforms.handexport import HandExportError, load_exports, parse_when, read_export
from govinspect.sandbox import Sandbox, load_scenario
from govinspect.sandbox.content import build_account

CST = timezone(timedelta(hours=8))
ACCOUNTS = [
    {"account_id": "wb-1", "platform": "新浪微博", "platform_id": "1001", "platform_alt_id": None,
     "connector": "weibo", "account_name": "微甘孜"},
    {"account_id": "dy-1", "platform": "抖音短视频", "platform_id": "MS4wLjABAAAA_dy", "platform_alt_id": "gzfb",
     "connector": "douyin", "account_name": "甘孜发布"},
]


@pytest.fixture(autouse=True)
def _data_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path / "data"))


def write(folder, name: str, text: str, encoding: str = "utf-8-sig"):
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    path = folder / "exports" / name
    path.write_text(text, encoding=encoding)
    return path


def test_csv_with_chinese_headers(tmp_path):
    path = write(tmp_path, "wb.csv", "平台,账号ID,发布时间,标题,链接,是否置顶,是否转发\n"
                 "新浪微博,1001,2024-09-01 10:23,州委常委会召开,https://m.weibo.cn/detail/1,是,否\n"
                 "新浪微博,1001,2024/8/30 23:59,转发：四川发布,,否,是\n"
                 ",,,,,,\n")
    exports = load_exports(tmp_path, ACCOUNTS, keep_evidence=True)
    assert exports.files == ["exports/wb.csv"] and exports.covers("wb-1") and not exports.covers("dy-1")
    rows = exports.rows_for(ACCOUNTS[0], date(2024, 6, 2), date(2024, 9, 10))
    assert [(r["published_on"], r["title"], r["pinned"], r["is_repost"], r["source"]) for r in rows] == [
        (date(2024, 9, 1), "州委常委会召开", True, False, "hand_export"),
        (date(2024, 8, 30), "转发：四川发布", False, True, "hand_export")]
    assert rows[0]["published_at"] == datetime(2024, 9, 1, 2, 23, tzinfo=UTC)  # 10:23 Beijing
    assert rows[1]["url"] is None and rows[0]["post_id"] != rows[1]["post_id"]
    assert load_evidence(rows[0]["raw_sha256"]) == path.read_bytes()  # the file itself is the evidence


def test_window_applies_and_overlapping_exports_count_once(tmp_path):
    body = "account_id,published_at,title\ndy-1,2024-09-10 18:00,当天\ndy-1,2024-05-01 09:00,窗口之前\n"
    write(tmp_path, "a.csv", body)
    write(tmp_path, "b.csv", body)  # the same export downloaded twice
    exports = load_exports(tmp_path, ACCOUNTS)
    rows = exports.rows_for(ACCOUNTS[1], date(2024, 6, 2), date(2024, 9, 10))
    assert [r["title"] for r in rows] == ["当天"]
    assert exports.files_of("dy-1") == ["exports/a.csv"]


def test_xlsx_with_english_headers_and_datetime_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["platform", "platform_id", "published_at", "title", "url", "pinned", "post_id"])
    sheet.append(["抖音短视频", "gzfb", datetime(2024, 9, 2, 8, 5), "草原的秋天", None, 0, "7300000000000000001"])
    sheet.append(["抖音短视频", "MS4wLjABAAAA_dy", "2024-09-03T09:00:00+08:00", "秋收", None, "Y", None])
    (tmp_path / "exports").mkdir()
    book.save(tmp_path / "exports" / "douyin.xlsx")
    exports = load_exports(tmp_path, ACCOUNTS)
    posts = exports.posts["dy-1"]
    assert [(p.published_at, p.title, p.pinned) for p in posts] == [
        (datetime(2024, 9, 2, 8, 5, tzinfo=CST), "草原的秋天", False),
        (datetime(2024, 9, 3, 9, 0, tzinfo=CST), "秋收", True)]
    assert posts[0].post_id == "7300000000000000001"  # the platform's id, from a text cell


def test_xlsx_long_id_stored_as_a_number_is_refused(tmp_path):
    book = Workbook()
    book.active.append(["account_id", "published_at", "title", "post_id"])
    book.active.append(["dy-1", "2024-09-01 10:00", "a", 7300000000000000001])  # Excel: 7.3E+18, digits lost
    (tmp_path / "exports").mkdir()
    book.save(tmp_path / "exports" / "douyin.xlsx")
    with pytest.raises(HandExportError, match=r"douyin.xlsx, row 2, field 'post_id': 7.3e\+18 is a number "
                                              "too long for Excel"):
        load_exports(tmp_path, ACCOUNTS)


def test_bad_files_report_every_problem_with_file_row_and_field(tmp_path):
    write(tmp_path, "good.csv", "account_id,published_at,title\nwb-1,2024-09-01,好\n")
    write(tmp_path, "bad.csv",
          "平台,账号ID,发布时间,标题,链接,是否置顶,阅读量\n"
          "新浪微博,9999,2024-09-01 10:00,a,,否,1\n"  # row 2: unknown account
          "快手,1001,2024-09-01 10:00,b,,否,1\n"  # row 3: unknown platform
          "新浪微博,1001,昨天,c,,否,1\n"  # row 4: bad time
          "新浪微博,1001,2024-09-01 10:00,,,否,1\n"  # row 5: neither title nor url
          "新浪微博,1001,2024-09-01 10:00,d,ftp://x,也许,1\n")  # row 6: bad url, bad flag
    with pytest.raises(HandExportError) as err:
        load_exports(tmp_path, ACCOUNTS)
    found = {(p.file, p.row, p.field) for p in err.value.problems}
    assert found == {("exports/bad.csv", 1, None), ("exports/bad.csv", 2, "platform_id"),
                     ("exports/bad.csv", 3, "platform"), ("exports/bad.csv", 4, "published_at"),
                     ("exports/bad.csv", 5, "title"), ("exports/bad.csv", 6, "url"),
                     ("exports/bad.csv", 6, "pinned")}
    assert "unknown column(s): 阅读量" in str(err.value) and "bad.csv, row 4, field 'published_at'" in str(err.value)
    # nothing of a bad file is used, even its good rows
    posts, problems = read_export(tmp_path / "exports" / "bad.csv", ACCOUNTS)
    assert posts == [] and problems


@pytest.mark.parametrize("name, content, message", [
    ("nohead.csv", "发布时间,标题\n2024-09-01,a\n", "missing column(s): 账号编号/account_id"),
    ("empty.csv", "", "file is empty"),
    ("gbk.csv", "账号编号,发布时间,标题\nwb-1,2024-09-01,甘孜\n".encode("gbk"), "not UTF-8"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "cannot be read"),
    ("dup.csv", "account_id,published_at,title,post_id\nwb-1,2024-09-01,a,7\nwb-1,2024-09-02,b,7\n",
     "duplicate post of account 'wb-1' (first on row 2)"),
])
def test_unreadable_files(tmp_path, name, content, message):
    (tmp_path / "exports").mkdir()
    path = tmp_path / "exports" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(HandExportError) as err:
        load_exports(tmp_path, ACCOUNTS)
    assert f"exports/{name}" in str(err.value) and message in str(err.value)


def test_parse_when():
    assert parse_when("2024年9月1日 08:30") == datetime(2024, 9, 1, 8, 30, tzinfo=CST)
    assert parse_when("2024-09-01T00:30:00Z") == datetime(2024, 9, 1, 0, 30, tzinfo=UTC)
    assert parse_when("2024-09-01") == datetime(2024, 9, 1, tzinfo=CST)
    assert parse_when("9/1") is None


def test_merge_connector_wins_duplicates_and_failed_connector_becomes_collected(tmp_path):
    write(tmp_path, "wb.csv", "account_id,published_at,title,url\n"
          "wb-1,2024-09-01 10:00,同一条,https://m.weibo.cn/detail/1\n"
          "wb-1,2024-09-02 10:00,只在导出里,https://m.weibo.cn/detail/2\n"
          "dy-1,2024-09-03 10:00,抖音,\n")
    exports = load_exports(tmp_path, ACCOUNTS)
    ok = AccountResult(status_row(ACCOUNTS[0] | {"connector": "weibo"}, None, status="active", outcome="ok"))
    ok.posts.append({"post_id": "1", "url": "https://m.weibo.cn/detail/1", "source": "connector"})
    failed = AccountResult(status_row(ACCOUNTS[1], None, status="unknown", outcome="rate_limited",
                                      error="HTTP 429"))
    added = pipeline.merge_hand_exports([ok, failed], ACCOUNTS, exports, date(2024, 6, 2), date(2024, 9, 10))
    assert added == 2
    assert [p["source"] for p in ok.posts] == ["connector", "hand_export"]
    assert (ok.status["outcome"], ok.status["error"]) == ("ok", None)
    assert failed.status["outcome"] == "ok" and failed.status["status"] == "unknown"
    assert failed.status["error"] == "posts from hand export exports/wb.csv; connector rate_limited: HTTP 429"


def test_the_demo_export_is_valid_and_names_no_annex_account(tmp_path):
    from govinspect.sandbox.hand_export import export_account, write_hand_export

    scenario = load_scenario("ganzi-2024q3")
    account = export_account(scenario)
    assert account is not None and account.status == "active"
    assert (account.platform, account.account_name) not in {(r.platform, r.account_name)
                                                            for r in scenario.expected.annex2}
    path = write_hand_export(tmp_path, scenario)
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == "平台,账号ID,作品名称,发布时间,是否置顶"
    accounts = [{"account_id": a.account_id, "platform": a.platform, "platform_id": a.platform_id,
                 "platform_alt_id": a.platform_alt_id} for a in scenario.accounts]
    exports = load_exports(tmp_path, accounts)
    window = (scenario.monitoring_point - timedelta(days=pipeline.POST_WINDOW_DAYS), scenario.monitoring_point)
    days = sorted(p.published.date() for p in build_account(account, scenario.monitoring_point).posts
                  if window[0] <= p.published.date() <= window[1])
    rows = exports.rows_for({"account_id": account.account_id, "platform": account.platform}, *window)
    assert days and sorted(r["published_on"] for r in rows) == days  # the same posting days: annexes unchanged


# --- in a run, against the simulated prefecture ----------------------------------------------------------------
def test_run_with_unreachable_wechat_login_uses_the_export(tmp_path, monkeypatch):
    scenario = load_scenario("small")
    account = next(a for a in scenario.accounts if a.account_id == "drx-wechat-drfg")
    posts = build_account(account, scenario.monitoring_point).posts
    with Sandbox("small", port=0, inventory_dir=tmp_path / "inv") as sb:
        lines = ["平台,账号ID,发表时间,标题"] + [
            f"{account.platform},{account.platform_id},{p.published:%Y-%m-%d %H:%M},{p.text}" for p in posts]
        write(sb.inventory_dir, "gongzhonghao.csv", "\n".join(lines) + "\n")
        monkeypatch.setenv("GOVINSPECT_WECHAT_URL", sb.platform_urls["wechat"])
        monkeypatch.delenv("GOVINSPECT_WECHAT_TOKEN", raising=False)  # no MP login: the connector gets no posts
        ctx = pipeline.prepare_run({"quarter": "2024Q3", "monitoring_date": "2024-09-10",
                                    "inventory": str(sb.inventory_dir)}, "test_handexport")
        summaries = [pipeline.collect_accounts(b, ctx) for b in pipeline.plan_accounts(ctx, "wechat")]
    assert sum(s["hand_export_posts"] for s in summaries) == len(posts)
    statuses = {r["account_id"]: r for r in landing.read_run("account_statuses", "2024Q3", ctx["run_id"]).to_pylist()}
    mine = statuses["drx-wechat-drfg"]
    assert (mine["status"], mine["outcome"]) == ("active", "ok")
    assert mine["error"].startswith("posts from hand export exports/gongzhonghao.csv; connector not_collected")
    other = statuses["drx-wechat-drfb"]
    assert other["outcome"] == "not_collected"  # no export, no login: not "no posts"
    landed = landing.read_run("posts", "2024Q3", ctx["run_id"]).to_pylist()
    assert {r["account_id"] for r in landed} == {"drx-wechat-drfg"}
    assert sorted(r["published_on"] for r in landed) == sorted(p.published.date() for p in posts)
    assert {r["source"] for r in landed} == {"hand_export"}


def test_bad_export_stops_prepare_run(tmp_path):
    with Sandbox("small", port=0, inventory_dir=tmp_path / "inv") as sb:
        folder = tmp_path / "copy"
        shutil.copytree(sb.inventory_dir, folder)
    write(folder, "x.csv", "account_id,published_at,title\nnobody,2024-09-01,a\n")
    with pytest.raises(HandExportError, match=r"exports/x.csv, row 2, field 'account_id'"):
        pipeline.prepare_run({"quarter": "2024Q3", "monitoring_date": "2024-09-10", "inventory": str(folder)},
                             "test_bad_export")

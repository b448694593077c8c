"""The dbt project end to end: a tiny raw landing, ``dbt build``, then the marts the notice reads.

Planted (monitoring point 2024-09-10, quarter 2024Q3):

websites
  S06 县    (first in the inventory) 动态 20 d                                  -> 动态 stale
  S01 州    要闻 fresh (5 d), 动态 fresh under an old pinned item on top        -> nothing
  S02 部门  要闻 20 d old (an item dated after the monitoring point is ignored),
            人事 stale (not a 要闻/动态 column)                                 -> 要闻 stale
  S03 县    要闻 only undated items, 动态 exactly 14 d                          -> 要闻 stale
  S04 县    动态 15 d, 要闻 13 d, a second 要闻 column with no item at all       -> 要闻 + 动态 stale
  S05 部门  要闻 71 d, 动态 undated, 通知公告 253 d / 193 d, 政策文件 284 d       -> 要闻 + 动态 stale
            (national_2019: 5 stale columns counted together -> veto)
  annex 1 (ganzi) order = (level 县 -> 部门 -> 州, 要闻 before 动态, inventory): S03 S04 S06 S02 S05.

accounts (ganzi M2 window: 3 calendar months, 2024-06-10 .. 2024-09-10, gaps > 14 days)
  A01 a post every 7 days                                                      -> clean
  A02 pinned post 1 d old (ignored), then every 10 days from 21 d              -> 断更 21 d at the end (M1 warning)
  A03 Toutiao, closed on the platform, unfiled, history kept (60..90 d)        -> 断更 60 d + 注销未报备
  A04 no post at all                                                           -> 断更, the whole 92-day window
  A05 closed, no posts; roster has only a 正常 entry and a 注销 filing of the
      same id on another platform                                              -> 注销未报备 only
  A06 closed with a 注销 filing                                                -> clean, not running
  A07 every 10 days from 15 d                                                  -> 断更 15 d at the end
  A08 every 14 days from 14 d (+ a post after the monitoring point)           -> clean (14 d is not > 14)
  A09 posts 2 d and 10 d old, a pinned post 25 d, then 40..90 d                -> 断更 30 d in the middle only
  A10 collection rate-limited, nothing collected                              -> no finding, not_collected
  annex 2 (ganzi) order = 断更 rows then 注销未报备 rows, each in inventory order.

availability probes (W1, the 7 Beijing-time days 2024-09-03 .. 2024-09-09; >= 5 % failed, >= 20 a day)
  S01 20 a day, one timeout a day: 7 of 140 = exactly 5 %                     -> 站点无法访问 (veto, annex 1)
  S02 25 a day, one timeout a day: 7 of 175 = 4 %                             -> nothing
  S03 24 a day but 19 on 2024-09-06, 2 refused a day                          -> monitoring insufficient (warning)
  S04 24 a day, 5 timeouts and 40 anti-bot challenges: 5 of 168 = 3 %         -> nothing (challenges are no failures)
  S05 24 a day clean; timeouts on the monitoring day (one at 23:30 UTC on 09-09 = 07:30 on 09-10 in Beijing)
      and on the day before the window                                        -> nothing
  S06 24 a day clean                                                          -> nothing
  annex 1 (ganzi) gets S01 (州) last; a landing without any probe file still builds (every site insufficient).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from govinspect.landing import RUN_RECORD_TYPES, land, land_probes, slug

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "dbt_project"
DBT = REPO / ".venv" / "bin" / "dbt"

QUARTER = "2024Q3"
RUN_ID = "manual__2024-09-10T00:00:00+00:00"
MONITORING = dt.date(2024, 9, 10)
UTC = dt.UTC
BEIJING = dt.timezone(dt.timedelta(hours=8))


def days_before(n: int) -> dt.date:
    return MONITORING - dt.timedelta(days=n)


SITES = [
    ("S06", "甘孜县", "县", "甘孜县人民政府", 0),
    ("S01", "甘孜州人民政府办公室", "州", "甘孜藏族自治州人民政府", 1),
    ("S02", "州统计局", "部门", "甘孜州统计信息网", 2),
    ("S03", "得荣县", "县", "得荣县人民政府", 3),
    ("S04", "白玉县", "县", "白玉县人民政府", 4),
    ("S05", "州卫生健康委", "部门", "甘孜藏族自治州卫生健康委员会", 5),
]

# column_id, site_id, name, category, items: (date or None, pinned)
COLUMNS = [
    ("C01", "S01", "要闻", "要闻", [(days_before(5), False), (days_before(30), False)]),
    ("C02", "S01", "工作动态", "动态", [(dt.date(2023, 1, 1), True), (days_before(9), False)]),
    ("C03", "S02", "统计要闻", "要闻", [(days_before(20), False), (MONITORING + dt.timedelta(days=2), False)]),
    ("C04", "S02", "人事信息", "人事", [(dt.date(2023, 5, 1), False)]),
    ("C05", "S03", "得荣要闻", "要闻", [(None, False), (None, False)]),
    ("C06", "S03", "乡镇动态", "动态", [(days_before(14), False)]),
    ("C07", "S04", "部门动态", "动态", [(days_before(15), False)]),
    ("C08", "S04", "白玉要闻", "要闻", [(days_before(13), False)]),
    ("C09", "S04", "图片新闻", "要闻", []),
    ("C10", "S05", "卫健要闻", "要闻", [(dt.date(2024, 7, 1), False)]),
    ("C11", "S05", "工作动态", "动态", [(None, False)]),
    ("C12", "S05", "通知公告", "通知公告", [(dt.date(2024, 1, 1), False)]),
    ("C13", "S05", "政策文件", "政策文件", [(dt.date(2023, 12, 1), False)]),
    ("C14", "S05", "公示公告", "通知公告", [(dt.date(2024, 3, 1), False)]),
    ("C15", "S06", "县域动态", "动态", [(days_before(20), False)]),
    ("C16", "S01", "州长信箱", "互动", []),
    ("C17", "S02", "局长信箱", "互动", []),  # its page is refused: no working channel
    ("C18", "S05", "咨询投诉", "互动", []),
]

def every(first: int, step: int, last: int) -> list[tuple[dt.date, bool]]:
    """Non-pinned posts first, first + step, ... <= last days before the monitoring point."""
    return [(days_before(n), False) for n in range(first, last + 1, step)]


# account_id, unit, level, platform, name, platform_id, status, posts: (date, pinned)
ACCOUNTS = [
    ("A01", "州政府办公室", "州", "微信订阅号", "甘孜发布", "gh_a01", "active", every(2, 7, 90)),
    ("A02", "州文广旅局", "部门", "新浪微博", "微甘孜", "1000002", "active",
     [(days_before(1), True), *every(21, 10, 91)]),
    ("A03", "州市场监管局", "部门", "今日头条", "甘孜州市场监督管理局", "t03", "closed", every(60, 10, 90)),
    ("A04", "道孚县公安局", "县", "抖音短视频", "道孚公安", "d04", "active", []),
    ("A05", "州广播电视台", "部门", "抖音短视频", "这就是甘孜", "d05", "closed", []),
    ("A06", "巴塘县司法局", "县", "微信订阅号", "巴塘司法", "gh_a06", "closed", []),
    ("A07", "巴塘县应急管理局", "县", "微信服务号", "巴塘县应急管理局", "gh_a07", "active", every(15, 10, 90)),
    ("A08", "州市场监管局", "部门", "微信订阅号", "圣洁甘孜放心舒心", "gh_a08", "active",
     [*every(14, 14, 90), (MONITORING + dt.timedelta(days=5), False)]),
    ("A09", "丹巴县甲居镇人民政府", "县", "微信订阅号", "天下甲居", "gh_a09", "active",
     [(days_before(2), False), (days_before(10), False), (days_before(25), True), *every(40, 10, 90)]),
    ("A10", "新龙县文化广播电视和旅游局", "县", "微信订阅号", "新龙文旅", "gh_a10", "active", []),
]
# status check outcome when not ok (the collection failed: posts not collected)
OUTCOMES = {"A10": "rate_limited"}
UNVERIFIED = {"A07"}  # M6 未认证 (ganzi: a warning)
DISPLAY_NAMES = {"A09": "天下甲居镇"}  # M6 name differs from the inventory (a warning)
# platform search hits (unit, platform, name, platform id): only w999 is neither filed nor inventoried (M4)
CANDIDATES = [
    ("州文广旅局", "新浪微博", "甘孜文旅小号", "w999"),
    ("州广播电视台", "抖音短视频", "这就是甘孜", "d05"),  # in the roster
    ("州政府办公室", "微信订阅号", "甘孜发布", "gh_a01"),  # in the inventory
]

# site checks beyond updating (all scored in ganzi: no annex row):
#   W2 home page: S01 13 d, S02 15 d (late), S03 14 d, S04 undated only (late), S05 nothing listed (late),
#     S06 home page timed out (not evaluated)
HOME_ITEMS = {"S01": [days_before(13)], "S02": [days_before(15), days_before(30)], "S03": [days_before(14)],
              "S04": [None, None], "S05": []}
#   W4 messages (3 months, past 12 months): S01 one reply exactly 3 months later (in time), one a day later
#     (late); S05 unanswered for exactly 3 months (in time), one unanswered from before the 12 months (ignored)
MESSAGES = [("S01", "C16", dt.date(2024, 5, 10), dt.date(2024, 8, 10)),
            ("S01", "C16", dt.date(2024, 5, 10), dt.date(2024, 8, 11)),
            ("S05", "C18", dt.date(2024, 6, 10), None),
            ("S05", "C18", dt.date(2023, 8, 1), None)]
#   WS1 links: S01 one 404 among an ok and a challenged one; S02 one refused
LINKS = [("S01", "https://s01.gov.cn/a", "ok", 200), ("S01", "https://s01.gov.cn/old", "http_error", 404),
         ("S01", "https://waf.example/x", "challenged", 412), ("S02", "https://dead.example/", "refused", None)]
#   WS4 reposts (24 h, 州/县 portals only): r1 released 2024-09-01 09:00 Beijing; S01 after exactly 24 h (in
#     time), S02 25 h (a department: not evaluated), S03 not found (late); r2 released after the monitoring
#     point's start is not yet due
RELEASED = {"r1": dt.datetime(2024, 9, 1, 1, 0, tzinfo=UTC), "r2": dt.datetime(2024, 9, 9, 20, 0, tzinfo=UTC)}
REPOSTS = [("S01", "r1", 24), ("S02", "r1", 25), ("S03", "r1", None), ("S01", "r2", None)]

ROSTER = [
    # (unit, platform, name, platform_id, status)
    ("州广播电视台", "抖音短视频", "这就是甘孜", "d05", "正常"),
    ("州广播电视台", "今日头条", "这就是甘孜", "d05", "注销"),  # same id, other platform: not a filing for A05
    ("巴塘县司法局", "微信订阅号", "巴塘司法", "gh_a06", "注销"),
    ("州政府办公室", "微信订阅号", "甘孜发布", "gh_a01", "正常"),
]

CONNECTOR = {"新浪微博": "weibo", "微信订阅号": "wechat", "微信服务号": "wechat", "今日头条": "toutiao",
             "抖音短视频": "douyin"}


def plant_site_checks(put) -> None:
    """The website record types of the deeper collection (home items, links, content hits, messages, reposts)."""
    put("home_items", [
        {"site_id": s, "page_url": f"https://{s.lower()}.gov.cn/", "position": i, "title": f"{s} home {i}",
         "url": f"https://{s.lower()}.gov.cn/h{i}.html", "item_date": day, "date_text": day and day.isoformat(),
         "date_source": "list" if day else None, "pinned": False}
        for s, days in HOME_ITEMS.items() for i, day in enumerate(days, start=1)])
    put("discovered_columns", [{"site_id": "S01", "found_on": "https://s01.gov.cn/", "title": "政务公开",
                                "url": "https://s01.gov.cn/zwgk/", "reason": "navigation"}])
    put("links", [
        {"site_id": s, "found_on": f"https://{s.lower()}.gov.cn/", "link_text": f"link {i}", "url": u,
         "checked_at": dt.datetime(2024, 9, 10, 2, 0, tzinfo=UTC), "method": "HEAD", "status_code": code,
         "outcome": outcome} for i, (s, u, outcome, code) in enumerate(LINKS, start=1)])
    put("content_hits", [
        {"site_id": "S03", "column_id": "C06", "article_url": "https://s03.gov.cn/c06/9.html",
         "article_title": "公示", "article_date": days_before(20), "check": "privacy", "kind": "mobile",
         "matched": "138****1234", "context": "联系电话138****1234", "content_sha256": "sha-s03-9"},
        {"site_id": "S04", "column_id": "C08", "article_url": "https://s04.gov.cn/c08/3.html",
         "article_title": "会议", "article_date": days_before(13), "check": "wording", "kind": "错别字",
         "matched": "贯切落实", "suggestion": "贯彻落实", "context": "认真贯切落实", "content_sha256": "sha-s04-3"}])
    put("messages", [
        {"site_id": s, "column_id": c, "page_url": f"https://{s.lower()}.gov.cn/{c.lower()}/", "title": f"留言{i}",
         "url": f"https://{s.lower()}.gov.cn/{c.lower()}/m{i}.html", "asked_on": asked, "replied_on": replied,
         "status_text": "已回复" if replied else "未回复"}
        for i, (s, c, asked, replied) in enumerate(MESSAGES, start=1)])
    put("reposts", [
        {"site_id": s, "release_id": r, "release_title": f"重点信息{r}", "publisher": "国务院",
         "released_at": RELEASED[r], "found": hours is not None,
         "url": f"https://{s.lower()}.gov.cn/zc/{r}.html" if hours is not None else None,
         "reposted_at": RELEASED[r] + dt.timedelta(hours=hours) if hours is not None else None}
        for s, r, hours in REPOSTS])


def plant(root: Path, quarter: str = QUARTER) -> None:
    def put(record_type: str, rows: list[dict], part: str = "all") -> None:
        land(record_type, rows, quarter=quarter, run_id=RUN_ID, part=part, root=root)

    put("inventory_websites", [
        {"site_id": s, "unit": u, "level": lv, "site_name": n, "home_url": f"https://{s.lower()}.gov.cn/",
         "inventory_order": o} for s, u, lv, n, o in SITES])
    put("inventory_columns", [
        {"column_id": c, "site_id": s, "column_name": n, "category": cat,
         "url": f"https://{s.lower()}.gov.cn/{c.lower()}/", "inventory_order": i}
        for i, (c, s, n, cat, _items) in enumerate(COLUMNS, start=1)])
    # column items, one file per site (as the collectors write them), pinned items on top of the list
    for site_id, *_ in SITES:
        rows = []
        for c, s, _n, _cat, items in COLUMNS:
            if s != site_id:
                continue
            for pos, (day, pinned) in enumerate(sorted(items, key=lambda it: not it[1]), start=1):
                rows.append({"site_id": s, "column_id": c, "page_url": f"https://{s.lower()}.gov.cn/{c.lower()}/",
                             "position": pos, "title": f"{c} item {pos}",
                             "url": f"https://{s.lower()}.gov.cn/{c.lower()}/{pos}.html", "item_date": day,
                             "date_text": day.isoformat() if day else None,
                             "date_source": "list" if day else None, "pinned": pinned})
        put("column_items", rows, part=site_id)
    # home pages (S06's timed out: no W2 verdict) and one list page per column (C17's refused)
    put("pages", [
        *({"site_id": s, "page_kind": "home", "url": f"https://{s.lower()}.gov.cn/",
           "outcome": "timeout" if s == "S06" else "ok", "status_code": None if s == "S06" else 200,
           "content_sha256": None if s == "S06" else f"sha-home-{s}"} for s, *_ in SITES),
        *({"site_id": s, "column_id": c, "page_kind": "list", "url": f"https://{s.lower()}.gov.cn/{c.lower()}/",
           "outcome": "refused" if c == "C17" else "ok"} for c, s, *_ in COLUMNS),
    ])
    plant_site_checks(put)
    put("inventory_accounts", [
        {"account_id": a, "unit": u, "level": lv, "platform": p, "connector": CONNECTOR[p], "account_name": n,
         "platform_id": pid, "platform_alt_id": None, "inventory_order": i}
        for i, (a, u, lv, p, n, pid, _st, _posts) in enumerate(ACCOUNTS, start=1)])
    put("inventory_roster", [
        {"unit": u, "platform": p, "account_name": n, "platform_id": pid, "status": st,
         "opened_on": dt.date(2020, 1, 1), "closed_on": dt.date(2024, 6, 1) if st != "正常" else None,
         "inventory_order": i} for i, (u, p, n, pid, st) in enumerate(ROSTER, start=1)])
    put("account_statuses", [
        {"account_id": a, "platform": p, "connector": CONNECTOR[p],
         "fetched_at": dt.datetime(2024, 9, 10, 2, 0, tzinfo=UTC), "request_url": f"https://platform.example/{pid}",
         "http_status": 200, "outcome": OUTCOMES.get(a, "ok"), "status": st,
         "display_name": DISPLAY_NAMES.get(a, n), "verified": a not in UNVERIFIED, "raw_sha256": f"sha-{a}"}
        for a, _u, _lv, p, n, pid, st, _posts in ACCOUNTS])
    put("account_candidates", [
        {"platform": p, "connector": CONNECTOR[p], "query": u, "unit": u, "platform_id": pid, "account_name": n,
         "verified": False, "url": f"https://platform.example/{pid}",
         "fetched_at": dt.datetime(2024, 9, 10, 3, 0, tzinfo=UTC), "request_url": f"https://platform.example/s?q={u}",
         "raw_sha256": f"sha-search-{pid}"} for u, p, n, pid in CANDIDATES])
    put("posts", [
        {"account_id": a, "platform": p, "post_id": f"{a}-{k}",
         "published_at": dt.datetime.combine(day, dt.time(4, 0), tzinfo=UTC), "published_on": day,
         "title": f"{n} post {k}", "url": f"https://platform.example/{pid}/{k}", "pinned": pinned,
         "is_repost": False, "source": "connector"}
        for a, _u, _lv, p, n, pid, _st, posts in ACCOUNTS for k, (day, pinned) in enumerate(posts, start=1)])
    present = {p.name for p in (root / f"quarter={quarter}" / f"run={slug(RUN_ID)}").iterdir()}
    assert present == set(RUN_RECORD_TYPES)


# site_id: (probes a day, {day: probes that day}, outcome(day_index, probe_index) for the probes of the week)
def _outcome_s04(d: int, k: int) -> str:
    if k == 0 and d < 5:
        return "timeout"
    return "challenged" if 1 <= k <= 6 and d < 7 and (d, k) != (6, 6) and (d, k) != (5, 6) else "ok"


PROBES = {
    "S01": (20, {}, lambda d, k: "timeout" if k == 0 else "ok"),
    "S02": (25, {}, lambda d, k: "timeout" if k == 0 else "ok"),
    "S03": (24, {3: 19}, lambda d, k: "refused" if k < 2 else "ok"),
    "S04": (24, {}, _outcome_s04),
    "S05": (24, {}, lambda d, k: "ok"),
    "S06": (24, {}, lambda d, k: "ok"),
}
WEEK = [days_before(7 - d) for d in range(7)]  # 2024-09-03 .. 2024-09-09


def plant_probes(root: Path) -> None:
    """Probe rounds as the probe DAG lands them: one file per round instant, in its Beijing day's folder."""
    rounds: dict[dt.datetime, list[dict]] = {}

    def probe(site_id: str, instant: dt.datetime, outcome: str) -> None:
        rounds.setdefault(instant, []).append({
            "site_id": site_id, "url": f"https://{site_id.lower()}.gov.cn/", "probed_at": instant.astimezone(UTC),
            "outcome": outcome, "status_code": {"ok": 200, "challenged": 412}.get(outcome),
            "elapsed_ms": 15000.0 if outcome == "timeout" else 120.0,
            "error": None if outcome == "ok" else outcome})

    for site_id, (per_day, exceptions, outcome) in PROBES.items():
        for d, day in enumerate(WEEK):
            n = exceptions.get(d, per_day)
            for k in range(n):
                start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=BEIJING)
                probe(site_id, start + dt.timedelta(minutes=k * (1440 // n)), outcome(d, k))
    # outside the week: the monitoring day itself (one at 23:30 UTC the day before) and the day before the week
    probe("S05", dt.datetime(2024, 9, 9, 23, 30, tzinfo=UTC), "timeout")
    for h in range(12):
        probe("S05", dt.datetime.combine(MONITORING, dt.time(h, 5), tzinfo=BEIJING), "timeout")
        probe("S05", dt.datetime.combine(days_before(8), dt.time(h, 5), tzinfo=BEIJING), "timeout")
    for instant, probe_rows in rounds.items():
        local = instant.astimezone(BEIJING)
        land_probes(probe_rows, probe_run_id=f"test__{local:%Y-%m-%dT%H:%M}", day=local.date().isoformat(),
                    root=root)


def dbt(tmp: Path, *args: str, profile: str = "ganzi", db: str = "warehouse.duckdb", quarter: str = QUARTER) -> None:
    variables = {
        "raw_root": str(tmp / "raw"),
        "quarter": quarter,
        "run_slug": slug(RUN_ID),
        "monitoring_date": MONITORING.isoformat(),
        "rules_profile": profile,
    }
    env = os.environ | {
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "GOVINSPECT_DUCKDB_PATH": str(tmp / db),
        "GOVINSPECT_DATA_DIR": str(tmp),
    }
    result = subprocess.run(
        [str(DBT), *args, "--vars", json.dumps(variables), "--project-dir", str(PROJECT),
         "--profiles-dir", str(PROJECT), "--target-path", str(tmp / f"target-{profile}"),
         "--log-path", str(tmp / "logs")],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt")
    plant(tmp / "raw")
    plant_probes(tmp / "raw")
    dbt(tmp, "build")
    return tmp


def test_annex_websites(built: Path) -> None:
    """附件1 in the seed notice's order: counties (要闻 ones, then 动态 ones), then departments, then 州;
    within a site 要闻 before 动态; the site unreachable for exactly 5 % of its visits is listed (州, last)."""
    got = rows(built / "warehouse.duckdb",
               "select quarter, row_no, site_id, unit, site_name, problem from mart_annex_websites order by row_no")
    assert got == [
        (QUARTER, 1, "S03", "得荣县", "得荣县人民政府", "要闻类栏目超14天未更新"),
        (QUARTER, 2, "S04", "白玉县", "白玉县人民政府", "要闻类栏目超14天未更新；动态类栏目超14天未更新"),
        (QUARTER, 3, "S06", "甘孜县", "甘孜县人民政府", "动态类栏目超14天未更新"),  # first in inventory
        (QUARTER, 4, "S02", "州统计局", "甘孜州统计信息网", "要闻类栏目超14天未更新"),
        (QUARTER, 5, "S05", "州卫生健康委", "甘孜藏族自治州卫生健康委员会",
         "要闻类栏目超14天未更新；动态类栏目超14天未更新"),
        (QUARTER, 6, "S01", "甘孜州人民政府办公室", "甘孜藏族自治州人民政府", "站点无法访问"),
    ]


def test_annex_accounts(built: Path) -> None:
    """附件2 in the seed notice's order: every 断更 row, then every 注销未报备 row, each in inventory order;
    an account closed with its history kept is in both."""
    got = rows(built / "warehouse.duckdb", "select quarter, row_no, account_id, unit, platform, account_name, problem "
                                           "from mart_annex_accounts order by row_no")
    gap = "监测时间点三个月内有断更"
    assert got == [
        (QUARTER, 1, "A02", "州文广旅局", "新浪微博", "微甘孜", gap),
        (QUARTER, 2, "A03", "州市场监管局", "今日头条", "甘孜州市场监督管理局", gap),
        (QUARTER, 3, "A04", "道孚县公安局", "抖音短视频", "道孚公安", gap),
        (QUARTER, 4, "A07", "巴塘县应急管理局", "微信服务号", "巴塘县应急管理局", gap),
        (QUARTER, 5, "A09", "丹巴县甲居镇人民政府", "微信订阅号", "天下甲居", gap),
        (QUARTER, 6, "A03", "州市场监管局", "今日头条", "甘孜州市场监督管理局", "注销未报备"),
        (QUARTER, 7, "A05", "州广播电视台", "抖音短视频", "这就是甘孜", "注销未报备"),
    ]


def test_notice_summary(built: Path) -> None:
    con = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute("select * from mart_notice_summary")
        summary = [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    assert len(summary) == 1
    assert {k: summary[0][k] for k in (
        "quarter", "websites_checked", "websites_checked_prefecture", "websites_checked_department",
        "websites_checked_county", "websites_flagged_prefecture", "websites_flagged_department",
        "websites_flagged_county", "accounts_checked", "accounts_flagged", "accounts_closed_unfiled")} == {
        "quarter": QUARTER, "websites_checked": 6, "websites_checked_prefecture": 1,
        "websites_checked_department": 2, "websites_checked_county": 3, "websites_flagged_prefecture": 1,
        "websites_flagged_department": 2, "websites_flagged_county": 3,
        "accounts_checked": 9,  # A06's closure is filed: not a running account
        "accounts_flagged": 5,  # 断更: A02 A03 A04 A07 A09 (A03 also closed without filing)
        "accounts_closed_unfiled": 2}


UPDATE_RULES = ("M1_no_recent_post", "M2_gap_in_window", "M3_closed_unfiled", "W1_probes_insufficient",
                "W1_unreachable", "W3_column_stale_news", "W3_column_stale_updates")


def test_findings_and_verdicts(built: Path) -> None:
    db = built / "warehouse.duckdb"
    findings = rows(db, "select rule_id, object_id, severity, evidence, evidence_date from fct_findings "
                        f"where rule_id in {UPDATE_RULES} order by rule_id, object_id")
    closed = "平台显示账号已注销或关停（状态核查于2024-09-10），报备系统无该账号的关停或注销报备记录"
    assert findings == [
        # ganzi keeps the two-week rule as an early warning only
        ("M1_no_recent_post", "A02", "warning", "最新发文日期2024-08-20，距监测时间点21天（置顶除外）", days_before(21)),
        ("M1_no_recent_post", "A03", "warning", "最新发文日期2024-07-12，距监测时间点60天（置顶除外）", days_before(60)),
        ("M1_no_recent_post", "A04", "warning", "监测时间点前未采集到发文（置顶除外）", None),
        ("M1_no_recent_post", "A07", "warning", "最新发文日期2024-08-26，距监测时间点15天（置顶除外）", days_before(15)),
        ("M2_gap_in_window", "A02", "prominent", "2024-08-20至2024-09-10间隔21天未更新", days_before(21)),
        ("M2_gap_in_window", "A03", "prominent", "2024-07-12至2024-09-10间隔60天未更新", days_before(60)),
        ("M2_gap_in_window", "A04", "prominent", "2024-06-10至2024-09-10间隔92天未更新（期间无发文，置顶除外）", None),
        ("M2_gap_in_window", "A07", "prominent", "2024-08-26至2024-09-10间隔15天未更新", days_before(15)),
        ("M2_gap_in_window", "A09", "prominent", "2024-08-01至2024-08-31间隔30天未更新", days_before(40)),
        ("M3_closed_unfiled", "A03", "prominent", closed, MONITORING),
        ("M3_closed_unfiled", "A05", "prominent", closed, MONITORING),
        # 19 probes on 2024-09-06: no verdict on S03's availability, only a warning
        ("W1_probes_insufficient", "S03", "warning",
         "监测7天中有1天访问次数少于20次（单日最少19次；共163次访问，失败14次），不作无法访问判定", days_before(1)),
        # exactly 5 % with >= : veto (S02's 4 %, S04's challenges and S05's probes outside the week: nothing)
        ("W1_unreachable", "S01", "veto", "监测7天共140次访问，失败7次（5.0%）", days_before(1)),
        ("W3_column_stale_news", "C03", "prominent", "栏目“统计要闻”最新信息日期2024-08-21，距监测时间点20天",
         days_before(20)),
        ("W3_column_stale_news", "C05", "prominent", "栏目“得荣要闻”未采集到带日期的信息", None),
        ("W3_column_stale_news", "C09", "prominent", "栏目“图片新闻”未采集到带日期的信息", None),
        ("W3_column_stale_news", "C10", "prominent", "栏目“卫健要闻”最新信息日期2024-07-01，距监测时间点71天",
         dt.date(2024, 7, 1)),
        ("W3_column_stale_updates", "C07", "prominent", "栏目“部门动态”最新信息日期2024-08-26，距监测时间点15天",
         days_before(15)),
        ("W3_column_stale_updates", "C11", "prominent", "栏目“工作动态”未采集到带日期的信息", None),
        ("W3_column_stale_updates", "C15", "prominent", "栏目“县域动态”最新信息日期2024-08-21，距监测时间点20天",
         days_before(20)),
    ]
    assert rows(db, "select count(*), count(distinct finding_id) from fct_findings where quarter = "
                    f"'{QUARTER}' and rules_profile = 'ganzi'") == [(42, 42)]
    # the 断更 evidence links the post that opens the gap (A04 has none)
    assert rows(db, "select object_id, evidence_url from fct_findings where rule_id = 'M2_gap_in_window' "
                    "order by object_id") == [
        ("A02", "https://platform.example/1000002/2"), ("A03", "https://platform.example/t03/1"),
        ("A04", None), ("A07", "https://platform.example/gh_a07/1"), ("A09", "https://platform.example/gh_a09/4")]
    assert rows(db, "select site_id, findings, has_prominent_problem, availability_probes, availability_failures, "
                    "availability_status from mart_site_verdicts order by site_id") == [
        ("S01", 3, True, 140, 7, "unreachable"), ("S02", 6, True, 175, 7, "reachable"),
        ("S03", 6, True, 163, 14, "insufficient"), ("S04", 7, True, 168, 5, "reachable"),
        ("S05", 4, True, 168, 0, "reachable"), ("S06", 2, True, 168, 0, "reachable")]
    # challenges are visits, not failures; the measured evidence says so
    assert rows(db, "select evidence from intermediate.int_sites_availability_measured "
                    "where site_id = 'S04' and rule_id = 'W1_unreachable'") == [
        ("监测7天共168次访问，失败5次（3.0%）；另有40次遇反爬验证，不计为失败",)]
    assert rows(db, "select account_id, platform_status, status_outcome, last_post_on, has_prominent_problem, "
                    "closed_unfiled, updates_evaluated, verdict from mart_account_verdicts order by account_id") == [
        ("A01", "active", "ok", days_before(2), False, False, True, "clean"),
        ("A02", "active", "ok", days_before(21), True, False, True, "listed"),
        ("A03", "closed", "ok", days_before(60), True, True, True, "listed"),
        ("A04", "active", "ok", None, True, False, True, "listed"),
        ("A05", "closed", "ok", None, False, True, False, "listed"),
        ("A06", "closed", "ok", None, False, False, False, "clean"),
        ("A07", "active", "ok", days_before(15), True, False, True, "listed"),
        ("A08", "active", "ok", days_before(14), False, False, True, "clean"),
        ("A09", "active", "ok", days_before(2), True, False, True, "listed"),
        ("A10", "active", "rate_limited", None, False, False, False, "not_collected"),
    ]
    assert rows(db, "select notice_paragraph, notice_phrase from mart_notice_problems "
                    "order by notice_paragraph, phrase_order") == [
        (1, "网站无法访问"), (1, "栏目更新不及时"), (1, "互动交流质量不高"), (1, "功能设计不完善"),
        (1, "重点政务信息转载不及时"), (2, "表述不规范或错别字"),
        (3, "政务新媒体注销报备不及时"), (3, "私自开设政务新媒体")]


def test_national_profile_counts_stale_columns_together(built: Path) -> None:
    dbt(built, "build", "--exclude-resource-type", "unit_test", profile="national_2019", db="national.duckdb")
    db = built / "national.duckdb"
    # W2 首页 and W4 互动 are single-item vetoes there (annex 1); within a site in notice_order. W4 "no channel"
    # only where the inventoried 互动 column failed (S02): S03, S04 and S06 list none, which is no evidence.
    no_channel = "未提供网上有效咨询建言渠道"
    assert rows(db, "select row_no, site_id, problem from mart_annex_websites order by row_no") == [
        (1, "S04", "首页出现近14天未更新的情况"),
        (2, "S02", f"首页出现近14天未更新的情况；{no_channel}"), (3, "S05", "首页出现近14天未更新的情况；多个栏目超期未更新"),
        (4, "S01", "站点无法访问；网民留言回应时效性差")]
    assert rows(db, "select evidence from fct_findings where rule_id = 'W3_columns_stale_total'") == [
        ("超期未更新栏目共5个：“卫健要闻”、“工作动态”、“通知公告”、“政策文件”、“公示公告”",)]
    # single stale columns (10), S03's insufficient monitoring, long-stale (4) and blank (1) columns and the
    # account name mismatch, and the three sites whose inventory lists no 互动 column, are early warnings there
    assert rows(db, "select count(*) from fct_findings where severity = 'warning' and annex is null") == [(20,)]
    assert rows(db, "select object_id, severity from fct_findings where indicator = 'W1' order by rule_id") == [
        ("S03", "warning"), ("S01", "veto")]
    # the two-week rule is the veto of annex 2; 断更 is a scored item, not listed
    assert rows(db, "select row_no, account_id, problem from mart_annex_accounts order by row_no") == [
        (1, "A02", "监测时间点前两周内未更新"), (2, "A03", "监测时间点前两周内未更新"),
        (3, "A04", "监测时间点前两周内未更新"), (4, "A07", "监测时间点前两周内未更新"),
        (5, "A03", "注销未报备"), (6, "A05", "注销未报备")]
    assert rows(db, "select object_id, problem from fct_findings where severity = 'scored' and indicator like 'M%' "
                    "order by object_id, rule_id") == [
        ("A02", "内容断更超期"), ("A03", "内容断更超期"), ("A04", "内容断更超期"), ("A07", "内容断更超期"),
        ("A07", "新媒体未做机构认证"), ("A09", "内容断更超期"), ("candidate:新浪微博:w999", "私自开设政务新媒体")]
    assert rows(db, "select websites_flagged_department, websites_flagged_county, accounts_flagged, "
                    "accounts_closed_unfiled from mart_notice_summary") == [(2, 1, 4, 2)]
    # privacy has its own phrase nationally; M6 未认证 is a scored item of paragraph 3
    assert rows(db, "select notice_paragraph, notice_phrase from mart_notice_problems where notice_paragraph > 1 "
                    "order by notice_paragraph, phrase_order") == [
        (2, "表述不规范或错别字"), (2, "个人身份证号、手机号未进行脱敏处理"), (3, "政务新媒体更新不及时"),
        (3, "政务新媒体注销报备不及时"), (3, "私自开设政务新媒体"), (3, "新媒体未做机构认证")]


def test_parse_needs_no_data(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVINSPECT_")}
    result = subprocess.run(
        [str(DBT), "parse", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=PROJECT, env=env | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert "exposure.govinspect.notice" in manifest["exposures"]


def test_build_without_any_probe_file(tmp_path: Path) -> None:
    """A fresh installation: the probe DAG never ran, no probes/ folder at all. The build must not fail;
    every site is insufficiently monitored (a warning, not in the annex) and none is declared unreachable."""
    plant(tmp_path / "raw")
    assert not (tmp_path / "raw" / "probes").exists()
    dbt(tmp_path, "build", "--exclude-resource-type", "unit_test", db="no_probes.duckdb")
    db = tmp_path / "no_probes.duckdb"
    assert rows(db, "select count(*) from staging.stg_raw__probes") == [(0,)]
    assert rows(db, "select rule_id, object_id, severity, annex, evidence from fct_findings where indicator = 'W1' "
                    "order by object_id") == [
        ("W1_probes_insufficient", s, "warning", None,
         "监测7天中有7天访问次数少于20次（单日最少0次；共0次访问，失败0次），不作无法访问判定")
        for s in ("S01", "S02", "S03", "S04", "S05", "S06")]
    assert rows(db, "select distinct availability_status from mart_site_verdicts") == [("insufficient",)]
    # the annex and the notice are those of the other rules
    assert [r[0] for r in rows(db, "select site_id from mart_annex_websites order by row_no")] == [
        "S03", "S04", "S06", "S02", "S05"]
    assert rows(db, "select notice_phrase from mart_notice_problems where notice_paragraph = 1 "
                    "order by phrase_order") == [("栏目更新不及时",), ("互动交流质量不高",), ("功能设计不完善",),
                                                 ("重点政务信息转载不及时",)]


def test_site_and_account_checks(built: Path) -> None:
    """The checks beyond updating, on the planted rows (ganzi: scored or warning, never in an annex)."""
    db = built / "warehouse.duckdb"
    got = rows(db, "select rule_id, object_id, severity, annex, evidence, evidence_url, evidence_date, evidence_sha256 "
                   f"from fct_findings where rule_id not in {UPDATE_RULES} order by rule_id, object_id")
    never = "栏目“{}”未采集到带日期的信息"
    unlisted = "网站检查清单中无互动交流（咨询建言）类栏目，未能核验咨询建言渠道（请核实后补入清单）"
    assert got == [
        ("M4_unfiled_account", "candidate:新浪微博:w999", "scored", None,
         "按“州文广旅局”在新浪微博搜索发现账号“甘孜文旅小号”（ID w999），报备系统和检查清单中均无此账号（待人工确认）",
         "https://platform.example/w999", MONITORING, "sha-search-w999"),
        ("M6_name_mismatch", "A09", "warning", None, "平台显示名称“天下甲居镇”，清单名称“天下甲居”",
         "https://platform.example/gh_a09", MONITORING, "sha-A09"),
        ("M6_unverified", "A07", "warning", None, "平台显示账号“巴塘县应急管理局”未进行机构认证",
         "https://platform.example/gh_a07", MONITORING, "sha-A07"),
        # W2: 15 days and undated are late, 13 and 14 days are not; S06's home page timed out (no verdict)
        ("W2_home_not_updated", "S02", "scored", None, "首页最新信息日期2024-08-26（“S02 home 1”），距监测时间点15天",
         "https://s02.gov.cn/h1.html", days_before(15), None),
        ("W2_home_not_updated", "S04", "scored", None, "首页2条链接信息均无日期（无日期信息视为未更新）",
         "https://s04.gov.cn/", None, None),
        ("W2_home_not_updated", "S05", "scored", None, "首页未采集到带日期的链接信息（无日期信息视为未更新）",
         "https://s05.gov.cn/", None, None),
        # the empty 图片新闻 list opened: blank (the 互动 columns without items are not)
        ("W3_column_blank", "C09", "warning", None, "栏目“图片新闻”列表页正常打开但没有任何信息",
         "https://s04.gov.cn/c09/", None, None),
        ("W3_column_long_stale", "C04", "warning", None, "栏目“人事信息”最新信息日期2023-05-01，距监测时间点498天",
         "https://s02.gov.cn/c04/1.html", dt.date(2023, 5, 1), None),
        ("W3_column_long_stale", "C05", "warning", None, never.format("得荣要闻"), "https://s03.gov.cn/c05/", None, None),
        ("W3_column_long_stale", "C09", "warning", None, never.format("图片新闻"), "https://s04.gov.cn/c09/", None, None),
        ("W3_column_long_stale", "C11", "warning", None, never.format("工作动态"), "https://s05.gov.cn/c11/", None, None),
        ("W3_column_stale_1y", "C04", "scored", None, "栏目“人事信息”最新信息日期2023-05-01，距监测时间点498天",
         "https://s02.gov.cn/c04/1.html", dt.date(2023, 5, 1), None),
        ("W4_channel_unlisted", "S03", "warning", None, unlisted, "https://s03.gov.cn/", None, None),
        ("W4_channel_unlisted", "S04", "warning", None, unlisted, "https://s04.gov.cn/", None, None),
        ("W4_channel_unlisted", "S06", "warning", None, unlisted, "https://s06.gov.cn/", None, None),
        # a reply exactly 3 months later is in time, a day later is late; S05's unanswered one is exactly 3 months old
        ("W4_message_unanswered", "S01", "scored", None,
         "窗口内留言2条，其中1条超过3个月未回复；最早一条“留言2”提问于2024-05-10，2024-08-11回复",
         "https://s01.gov.cn/c16/m2.html", dt.date(2024, 5, 10), None),
        ("W4_no_channel", "S02", "scored", None, "互动交流栏目页面访问1次均未能打开（refused）",
         "https://s02.gov.cn/c17/", None, None),
        # a challenged link is not broken
        ("WS1_links_broken", "S01", "scored", None, "检查链接3个，打不开1个：“link 2”（https://s01.gov.cn/old，http_error 404）",
         "https://s01.gov.cn/", MONITORING, None),
        ("WS1_links_broken", "S02", "scored", None, "检查链接1个，打不开1个：“link 4”（https://dead.example/，refused）",
         "https://s02.gov.cn/", MONITORING, None),
        ("WS2_privacy_unmasked", "S03", "scored", None, "未脱敏个人信息1处：手机号138****1234（“公示”）",
         "https://s03.gov.cn/c06/9.html", days_before(20), "sha-s03-9"),
        ("WS3_wording_suspected", "S04", "scored", None, "疑似错误表述1处：“贯切落实”疑为“贯彻落实”（错别字）（“会议”）",
         "https://s04.gov.cn/c08/3.html", days_before(13), "sha-s04-3"),
        # 24 h exactly is in time (S01), not found is late; S02 is a department site (WS4 is for the 州/县 portals,
        # its 25 h would be late); r2 (released after the monitoring point) is not due
        ("WS4_repost_late", "S03", "scored", None, "应转载重点政务信息1条，超过24小时未转载或转载超时1条：“重点信息r1”未转载",
         "https://s03.gov.cn/", dt.date(2024, 9, 1), None),
    ]
    # the candidate's unit and level come from the search and the inventory
    assert rows(db, "select unit, level, object_name, platform from fct_findings where rule_id = 'M4_unfiled_account'") == [
        ("州文广旅局", "部门", "甘孜文旅小号", "新浪微博")]
    # no earlier quarter in the warehouse: everything is new, the repeat paragraph is absent
    assert rows(db, "select distinct comparison, previous_quarter, previous_quarter_checked from mart_findings_compared") == [
        ("new", "2024Q2", False)]


MARTS = ("fct_findings", "mart_annex_websites", "mart_annex_accounts", "mart_notice_summary", "mart_notice_problems",
         "mart_site_verdicts", "mart_account_verdicts", "mart_findings_compared")


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {m: sorted(con.execute(f"select * from {m}").fetchall(), key=repr) for m in MARTS}
    finally:
        con.close()


def test_quarters_side_by_side_rerun_and_comparison(tmp_path: Path) -> None:
    """2024Q2 then 2024Q3 in one warehouse: both quarters kept; Q3 compared with Q2 (repeat / new / fixed);
    a rerun of Q3 on the same raw data replaces exactly Q3 and gives identical marts; Q2 is untouched."""
    raw = tmp_path / "raw"
    plant(raw, quarter="2024Q2")
    plant(raw)
    # Q2 differs: A07 posted 3 days before (no 断更 then: new in Q3), and S06 had a wording hit (fixed in Q3)
    land("posts", [{"account_id": "A07", "platform": "微信服务号", "post_id": "A07-q2", "published_on": days_before(3),
                    "published_at": dt.datetime.combine(days_before(3), dt.time(4, 0), tzinfo=UTC), "pinned": False}],
         quarter="2024Q2", run_id=RUN_ID, part="extra", root=raw)
    land("content_hits", [{"site_id": "S06", "article_url": "https://s06.gov.cn/a.html", "article_date": days_before(30),
                           "check": "wording", "kind": "错别字", "matched": "既往不究", "suggestion": "既往不咎"}],
         quarter="2024Q2", run_id=RUN_ID, part="extra", root=raw)
    plant_probes(raw)
    skip_units = ("--exclude-resource-type", "unit_test")
    dbt(tmp_path, "build", *skip_units, db="q.duckdb", quarter="2024Q2")
    db = tmp_path / "q.duckdb"
    q2_before = rows(db, "select * from fct_findings where quarter = '2024Q2' order by finding_id")
    dbt(tmp_path, "build", *skip_units, db="q.duckdb")
    assert rows(db, "select quarter, count(*) from mart_annex_accounts group by quarter order by quarter") == [
        ("2024Q2", 6), ("2024Q3", 7)]
    assert rows(db, "select quarter, count(*) from mart_notice_summary group by quarter order by quarter") == [
        ("2024Q2", 1), ("2024Q3", 1)]
    compared = rows(db, "select comparison, rule_id, object_id, unit, object_name, problem from mart_findings_compared "
                        "where quarter = '2024Q3' and comparison <> 'repeat' order by comparison, rule_id, object_id")
    assert compared == [
        ("fixed", "WS3_wording_suspected", "S06", "甘孜县", "甘孜县人民政府", "存在错别字、表述不规范（疑似，待人工确认）"),
        ("new", "M2_gap_in_window", "A07", "巴塘县应急管理局", "巴塘县应急管理局", "监测时间点三个月内有断更"),
    ]
    # every non-warning finding of the unchanged landing repeats (warnings such as W4_channel_unlisted are not compared)
    repeated = rows(db, "select count(*) from fct_findings q3 where q3.quarter = '2024Q3' and q3.severity <> 'warning' "
                        "and exists (select 1 from fct_findings q2 where q2.quarter = '2024Q2' and q2.severity <> 'warning' "
                        "and q2.rule_id = q3.rule_id and q2.object_id = q3.object_id)")[0][0]
    assert repeated > 0
    assert rows(db, "select count(*), bool_and(previous_quarter_checked), min(previous_quarter) from mart_findings_compared "
                    "where quarter = '2024Q3' and comparison = 'repeat'") == [(repeated, True, "2024Q2")]
    assert rows(db, "select notice_phrase from mart_notice_problems where quarter = '2024Q3' and notice_paragraph = 4") == [
        ("同类问题重复出现",)]
    first = snapshot(db)
    dbt(tmp_path, "build", *skip_units, db="q.duckdb")
    assert snapshot(db) == first
    assert rows(db, "select * from fct_findings where quarter = '2024Q2' order by finding_id") == q2_before

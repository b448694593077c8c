"""Platform emulators of the simulated prefecture: Toutiao, Douyin, the search endpoints of every platform,
rate limits, extra (unfiled) accounts; and the accounts planted in the ganzi-2024q3 scenario.

Real loopback HTTP through ``Sandbox(..., port=0)`` with a plain httpx client. Expected values come from
the scenario (days before the monitoring point), not from the emulators' output.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import httpx
import pytest

from govinspect.sandbox import Sandbox, ScenarioError, load_scenario, parse_scenario
from govinspect.sandbox.platforms import KEEPS_HISTORY_WHEN_CLOSED

MP = date(2024, 9, 10)
CST = timezone(timedelta(hours=8))
TT_ACTIVE = "MS4wLjABAAAAttActive0000000000000000000000000000000000"
TT_CLOSED = "MS4wLjABAAAAttClosed0000000000000000000000000000000000"
TT_BLOCKED = "MS4wLjABAAAAttBlocked000000000000000000000000000000000"
TT_LIMITED = "MS4wLjABAAAAttLimited000000000000000000000000000000000"
TT_EXTRA = "MS4wLjABAAAAttExtra00000000000000000000000000000000000"
TT_UNKNOWN = "MS4wLjABAAAAttNobody0000000000000000000000000000000000"
DY_ACTIVE = "MS4wLjABAAAAdyActive0000000000000000000000000000000000"
DY_CLOSED = "MS4wLjABAAAAdyClosed0000000000000000000000000000000000"
DY_BLOCKED = "MS4wLjABAAAAdyBlocked000000000000000000000000000000000"
DY_EXTRA = "MS4wLjABAAAAdyExtra00000000000000000000000000000000000"
DY_UNKNOWN = "MS4wLjABAAAAdyNobody0000000000000000000000000000000000"


def acc(account_id, unit, platform, name, platform_id, **kw) -> dict:
    return {"account_id": account_id, "unit": unit, "level": "县", "platform": platform, "account_name": name,
            "platform_id": platform_id, **kw}


def scenario_data() -> dict:
    return {
        "name": "platforms",
        "monitoring_point": MP.isoformat(),
        "accounts": [
            acc("tt-active", "稻城县文化广播电视和旅游局", "今日头条", "稻城亚丁文旅", TT_ACTIVE,
                posts=[{"days_ago": 200, "pinned": True, "title": "【置顶】稻城亚丁旅游攻略"},
                       {"repeat": 25, "days_ago": 0, "every": 2}]),
            acc("tt-closed", "甘孜藏族自治州市场监督管理局", "今日头条", "甘孜州市场监督管理局", TT_CLOSED,
                status="closed", posts=[{"repeat": 5, "days_ago": 16, "every": 6}, {"repeat": 8, "days_ago": 58, "every": 5}]),
            acc("tt-blocked", "色达县人民政府办公室", "今日头条", "色达发布", TT_BLOCKED, status="blocked",
                posts=[{"repeat": 3, "days_ago": 1, "every": 3}]),
            acc("tt-limited", "乡城县人民政府办公室", "今日头条", "乡城发布", TT_LIMITED, rate_limit=2,
                verified=False, posts=[{"repeat": 3, "days_ago": 1, "every": 3}]),
            acc("dy-active", "甘孜藏族自治州公安局", "抖音短视频", "甘孜公安", DY_ACTIVE, platform_alt_id="gzgaj",
                posts=[{"days_ago": 100, "pinned": True, "title": "【置顶】反诈宣传片"},
                       {"days_ago": 30, "pinned": True, "title": "【置顶】夏季安全提示"},
                       {"repeat": 40, "days_ago": 0, "every": 2}]),
            acc("dy-closed", "甘孜藏族自治州广播电视台", "抖音短视频", "这就是甘孜", DY_CLOSED, status="closed",
                posts=[{"repeat": 10, "days_ago": 60, "every": 5}]),
            acc("dy-blocked", "九龙县人民政府办公室", "抖音短视频", "九龙发布", DY_BLOCKED, status="blocked"),
            acc("wb-active", "道孚县公安局", "新浪微博", "道孚警方", "3198746521",
                posts=[{"repeat": 5, "days_ago": 1, "every": 3}]),
            acc("wb-closed", "白玉县公安局", "新浪微博", "甘孜白玉警方", "3198746520", status="closed"),
            acc("wx-active", "道孚县公安局", "微信订阅号", "道孚公安", "MzA5NTQ2MDIxNw==",
                posts=[{"repeat": 5, "days_ago": 1, "every": 3}]),
        ],
        "roster": [{"account": a, "status": "正常"} for a in
                   ("tt-active", "tt-closed", "tt-blocked", "tt-limited", "dy-active", "dy-closed", "dy-blocked",
                    "wb-active", "wb-closed", "wx-active")],
        "extra_accounts": [
            acc("tt-extra", "道孚县公安局", "今日头条", "道孚公安在线", TT_EXTRA, verified=False,
                posts=[{"repeat": 3, "days_ago": 2, "every": 4}]),
            acc("dy-extra", "道孚县公安局", "抖音短视频", "道孚公安交警服务", DY_EXTRA, verified=False,
                posts=[{"repeat": 3, "days_ago": 2, "every": 4}]),
            acc("wb-extra", "道孚县公安局", "新浪微博", "道孚公安服务", "3198746599", verified=False),
            acc("wx-extra", "道孚县公安局", "微信订阅号", "道孚公安户政", "MzA5NTQ2MDIxOQ=="),
        ],
    }


SC = parse_scenario(scenario_data(), "platforms.yaml")


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with Sandbox(SC, port=0, host_prefix="127.62", inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


def get(url: str, **params) -> httpx.Response:
    return httpx.get(url, params=params or None, timeout=5)


def china_day(stamp: int) -> date:
    return datetime.fromtimestamp(stamp, tz=CST).date()


def days_of(account_id: str, scenario=SC) -> tuple[list[int], list[int]]:
    """(non-pinned days_ago, pinned days_ago) of an account, series expanded, newest first."""
    a = next(x for x in [*scenario.accounts, *scenario.extra_accounts] if x.account_id == account_id)
    plain, pinned = [], []
    for p in a.posts:
        for r in range(p.repeat):
            (pinned if p.pinned else plain).append(p.days_ago + r * p.every)
    return sorted(plain), sorted(pinned)


# --- Toutiao -------------------------------------------------------------------------------------------
def test_toutiao_profile_states(sb):
    base = sb.platform_urls["toutiao"]
    r = get(f"{base}/c/user/token/{TT_ACTIVE}/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "<title>稻城亚丁文旅的主页 - 今日头条(www.toutiao.com)</title>" in r.text
    assert r.text.count("稻城亚丁文旅") >= 2 and "认证：稻城县文化广播电视和旅游局" in r.text
    r = get(f"{base}/c/user/token/{TT_CLOSED}/")
    assert r.status_code == 200 and "该账号已注销" in r.text and "甘孜州市场监督管理局" not in r.text
    r = get(f"{base}/c/user/token/{TT_BLOCKED}/")
    assert r.status_code == 200 and "该账号已被封禁" in r.text
    r = get(f"{base}/c/user/token/{TT_UNKNOWN}/")
    assert r.status_code == 404 and "页面不存在" in r.text


def walk_toutiao(base: str, token: str) -> list[dict]:
    pages, cursor = [], 0
    for _ in range(50):
        body = get(f"{base}/api/pc/list/feed", category="profile_all", token=token, max_behot_time=cursor,
                   aid=24).json()
        assert body["message"] == "success"
        pages.append(body)
        if not body["has_more"]:
            return pages
        assert body["next"]["max_behot_time"] == body["data"][-1]["behot_time"]
        cursor = body["next"]["max_behot_time"]
    raise AssertionError("feed never ended")


def test_toutiao_feed_paging_pinned_first_page_only(sb):
    base = sb.platform_urls["toutiao"]
    pages = walk_toutiao(base, TT_ACTIVE)
    plain, pinned = days_of("tt-active")
    assert len(pages) == 3  # 1 pinned + 25 posts, 10 a page
    assert all(len(p["data"]) <= 10 for p in pages)
    first = pages[0]["data"]
    assert first[0].get("is_stick") is True and china_day(first[0]["publish_time"]) == MP - timedelta(days=pinned[0])
    assert all("is_stick" not in item for page in pages for item in page["data"][1:])
    assert all("is_stick" not in item for page in pages[1:] for item in page["data"])
    stream = [item for page in pages for item in page["data"] if not item.get("is_stick")]
    stamps = [item["behot_time"] for item in stream]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
    assert [(MP - china_day(i["publish_time"])).days for i in stream] == plain
    assert len({i["item_id"] for i in stream}) == len(stream)
    for item in stream:
        assert re.fullmatch(r"74\d{17}", item["item_id"]) and item["group_id"] == item["item_id"]
        assert item["article_url"] == f"https://www.toutiao.com/article/{item['item_id']}/"
        assert item["title"]
    # later pages only hold items older than the cursor
    cursor = pages[0]["next"]["max_behot_time"]
    assert all(i["behot_time"] < cursor for i in pages[1]["data"])
    assert pages[-1]["has_more"] is False


def test_toutiao_closed_account_still_serves_history(sb):
    base = sb.platform_urls["toutiao"]
    stream = [i for page in walk_toutiao(base, TT_CLOSED) for i in page["data"]]
    plain, _ = days_of("tt-closed")
    assert [(MP - china_day(i["publish_time"])).days for i in stream] == plain


def test_toutiao_unknown_and_blocked_feed_is_an_error(sb):
    base = sb.platform_urls["toutiao"]
    for token in (TT_UNKNOWN, TT_BLOCKED):
        body = get(f"{base}/api/pc/list/feed", category="profile_all", token=token, max_behot_time=0, aid=24).json()
        assert body == {"message": "error", "data": [], "has_more": False}


# --- Douyin --------------------------------------------------------------------------------------------
def test_douyin_profile_states(sb):
    base = sb.platform_urls["douyin"] + "/aweme/v1/web/user/profile/other/"
    user = get(base, sec_user_id=DY_ACTIVE).json()
    assert user["status_code"] == 0
    u = user["user"]
    plain, pinned = days_of("dy-active")
    assert (u["nickname"], u["sec_uid"], u["user_canceled"]) == ("甘孜公安", DY_ACTIVE, False)
    assert u["aweme_count"] == len(plain) + len(pinned) and u["enterprise_verify_reason"] == "甘孜藏族自治州公安局"
    closed = get(base, sec_user_id=DY_CLOSED).json()
    assert closed["status_code"] == 0
    assert closed["user"]["nickname"] == "账号已注销" and closed["user"]["user_canceled"] is True
    assert closed["user"]["aweme_count"] == 0 and closed["user"]["sec_uid"] == DY_CLOSED
    blocked = get(base, sec_user_id=DY_BLOCKED).json()
    assert blocked["status_code"] == 0 and blocked["user"]["special_state_info"]["title"] == "该账号已被封禁"
    assert get(base, sec_user_id=DY_UNKNOWN).json() == {"status_code": 2053, "status_msg": "用户不存在"}
    extra = get(base, sec_user_id=DY_EXTRA).json()["user"]
    assert extra["nickname"] == "道孚公安交警服务" and extra["enterprise_verify_reason"] == ""


def test_douyin_posts_paging_with_max_cursor(sb):
    base = sb.platform_urls["douyin"] + "/aweme/v1/web/aweme/post/"
    plain, pinned = days_of("dy-active")
    pages, cursor = [], 0
    while True:
        body = get(base, sec_user_id=DY_ACTIVE, max_cursor=cursor, count=18).json()
        assert body["status_code"] == 0
        pages.append(body)
        if cursor:
            assert all(a["create_time"] * 1000 < cursor for a in body["aweme_list"])
        assert body["max_cursor"] == body["aweme_list"][-1]["create_time"] * 1000
        if not body["has_more"]:
            break
        cursor = body["max_cursor"]
    assert [len(p["aweme_list"]) for p in pages] == [18, 18, 6]  # 2 pinned + 40 posts
    assert [a["is_top"] for a in pages[0]["aweme_list"][:2]] == [1, 1]
    assert sorted((MP - china_day(a["create_time"])).days for a in pages[0]["aweme_list"][:2]) == pinned
    rest = [a for p in pages for a in p["aweme_list"] if not a["is_top"]]
    assert all(a["is_top"] == 0 for p in pages[1:] for a in p["aweme_list"])
    assert [(MP - china_day(a["create_time"])).days for a in rest] == plain
    times = [a["create_time"] for a in rest]
    assert times == sorted(times, reverse=True) and len(set(times)) == len(times)
    assert len({a["aweme_id"] for a in rest}) == len(rest) and all(a["desc"] for a in rest)
    assert pages[-1]["has_more"] == 0


def test_douyin_closed_blocked_unknown_have_no_posts(sb):
    base = sb.platform_urls["douyin"] + "/aweme/v1/web/aweme/post/"
    for sec in (DY_CLOSED, DY_BLOCKED, DY_UNKNOWN):
        assert get(base, sec_user_id=sec, max_cursor=0, count=18).json() == {
            "status_code": 0, "aweme_list": [], "has_more": 0, "max_cursor": 0}


# --- rate limits ---------------------------------------------------------------------------------------
def test_account_rate_limit_429_then_ok(tmp_path):
    with Sandbox(SC, port=0, host_prefix="127.63", inventory_dir=tmp_path) as sandbox:
        base = sandbox.platform_urls["toutiao"]
        url = f"{base}/c/user/token/{TT_LIMITED}/"
        for _ in range(2):
            r = get(url)
            assert r.status_code == 429 and r.headers["retry-after"] == "2"
        r = get(url)
        assert r.status_code == 200 and "乡城发布的主页" in r.text
        assert "认证" not in r.text  # unverified account
        # other accounts are not limited
        assert get(f"{base}/c/user/token/{TT_ACTIVE}/").status_code == 200


def test_platform_rate_limit_429_then_ok(tmp_path):
    data = scenario_data() | {"rate_limits": {"douyin": 3}}
    with Sandbox(parse_scenario(data, "limited.yaml"), port=0, host_prefix="127.63", inventory_dir=tmp_path) as sandbox:
        base = sandbox.platform_urls["douyin"]
        calls = [
            ("/aweme/v1/web/user/profile/other/", {"sec_user_id": DY_ACTIVE}),
            ("/aweme/v1/web/aweme/post/", {"sec_user_id": DY_ACTIVE, "max_cursor": 0, "count": 18}),
            ("/aweme/v1/web/discover/search/", {"keyword": "甘孜", "search_channel": "aweme_user_web"}),
        ]
        for path, params in calls:
            r = get(base + path, **params)
            assert r.status_code == 429 and r.headers["retry-after"] == "2"
        for path, params in calls:
            r = get(base + path, **params)
            assert r.status_code == 200 and r.json()["status_code"] == 0
        # the other platforms are not limited
        assert get(f"{sandbox.platform_urls['toutiao']}/c/user/token/{TT_ACTIVE}/").status_code == 200


# --- search --------------------------------------------------------------------------------------------
def test_weibo_search_finds_extra_accounts(sb):
    base = sb.platform_urls["weibo"]
    r = httpx.get(f"{base}/api/container/getIndex?containerid=100103type%3D3%26q%3D{quote('道孚')}"
                  f"&page_type=searchall", timeout=5)
    body = r.json()
    assert body["ok"] == 1
    users = [g["user"] for card in body["data"]["cards"] for g in card["card_group"] if g["card_type"] == 10]
    assert {u["screen_name"]: u["verified"] for u in users} == {"道孚警方": True, "道孚公安服务": False}
    assert {u["id"] for u in users} == {3198746521, 3198746599}
    # closed accounts are not found; no hit is an empty card list
    none = httpx.get(f"{base}/api/container/getIndex?containerid=100103type%3D3%26q%3D{quote('白玉')}"
                     "&page_type=searchall", timeout=5).json()
    assert none == {"ok": 1, "data": {"cards": []}}


def test_wechat_searchbiz_finds_extra_accounts(sb):
    base = sb.platform_urls["wechat"]
    body = get(f"{base}/cgi-bin/searchbiz", action="search_biz", begin=0, count=5, query="道孚公安",
               token=sb.wechat_token, lang="zh_CN", f="json", ajax=1).json()
    assert body["base_resp"]["ret"] == 0
    assert {x["nickname"]: x["fakeid"] for x in body["list"]} == {
        "道孚公安": "MzA5NTQ2MDIxNw==", "道孚公安户政": "MzA5NTQ2MDIxOQ=="}


def test_toutiao_search_finds_extra_accounts(sb):
    base = sb.platform_urls["toutiao"]
    body = get(f"{base}/api/search/content/", keyword="道孚公安", pd="user", offset=0).json()
    assert [(x["name"], x["token"]) for x in body["data"]] == [("道孚公安在线", TT_EXTRA)]
    assert body["data"][0]["user_id"].isdigit()
    # substring match; closed and blocked accounts are not found
    names = {x["name"] for x in get(f"{base}/api/search/content/", keyword="发布", pd="user", offset=0).json()["data"]}
    assert names == {"乡城发布"}
    assert get(f"{base}/api/search/content/", keyword="市场监督", pd="user", offset=0).json()["data"] == []


def test_douyin_search_finds_extra_accounts(sb):
    base = sb.platform_urls["douyin"]
    body = get(f"{base}/aweme/v1/web/discover/search/", keyword="公安", search_channel="aweme_user_web",
               offset=0, count=10).json()
    assert body["status_code"] == 0
    assert {(u["user_info"]["nickname"], u["user_info"]["sec_uid"]) for u in body["user_list"]} == {
        ("甘孜公安", DY_ACTIVE), ("道孚公安交警服务", DY_EXTRA)}
    closed = get(f"{base}/aweme/v1/web/discover/search/", keyword="这就是甘孜", search_channel="aweme_user_web",
                 offset=0, count=10).json()
    assert closed["user_list"] == [] and closed["has_more"] == 0


# --- sandbox wiring ------------------------------------------------------------------------------------
def test_env_and_inventory_cover_toutiao_and_douyin(sb):
    env = sb.env()
    for code in ("toutiao", "douyin"):
        conn = json.loads(env[f"AIRFLOW_CONN_GOVINSPECT_{code.upper()}"])
        assert set(conn) == {"conn_type", "host", "port", "schema"}
        assert f"http://{conn['host']}:{conn['port']}" == sb.platform_urls[code] == env[f"GOVINSPECT_{code.upper()}_URL"]
    assert sb.platform_urls["toutiao"].startswith("http://127.62.250.3:")
    assert sb.platform_urls["douyin"].startswith("http://127.62.250.4:")
    # extra accounts are on the platforms but never in the inventory
    accounts_csv = (sb.inventory_dir / "accounts.csv").read_text(encoding="utf-8")
    assert "稻城亚丁文旅" in accounts_csv and "道孚公安在线" not in accounts_csv
    assert "道孚公安户政" not in (sb.inventory_dir / "roster.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["accounts"][7].update(status="blocked"), "accounts[7]: 'blocked' and 'rate_limit' are emulated"),
    (lambda d: d["accounts"][0].update(platform_id="12345"), "accounts[0]: platform_id: a toutiao user token"),
    (lambda d: d["accounts"][4].update(platform_id="abc"), "accounts[4]: platform_id: a douyin sec_user_id"),
    (lambda d: d["roster"].append({"account": "tt-extra"}), "roster[10].account: 'tt-extra' is an extra account"),
    (lambda d: d["extra_accounts"][0].update(platform_id=TT_ACTIVE), "extra_accounts[0].platform_id: duplicate"),
    (lambda d: d.update(rate_limits={"weibo": 2}), "rate_limits: unknown rate-limited platform 'weibo'"),
])
def test_scenario_validation_of_the_new_fields(mutate, expected):
    data = scenario_data()
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "bad.yaml")
    assert any(p.startswith(f"bad.yaml: {expected}") for p in info.value.problems), info.value.problems


# --- the ganzi-2024q3 scenario: what its accounts plant, from the model alone ------------------------------
GANZI = load_scenario("ganzi-2024q3")
GAP_WORDING, CLOSED_WORDING = "监测时间点三个月内有断更", "注销未报备"
ALLOWED_GAP = 14


def window_start(mp: date, months: int = 3) -> date:
    month = mp.month - months
    year = mp.year + (month - 1) // 12
    return mp.replace(year=year, month=(month - 1) % 12 + 1)


def running(sc) -> list:
    filed_closed = {e.account for e in sc.roster if e.status in ("关停", "注销")}
    return [a for a in sc.accounts if a.account_id not in filed_closed]


def served_days(a) -> list[int]:
    """days_ago of the non-pinned posts the platform serves for this account."""
    if a.status != "active" and not (a.status == "closed" and a.connector in KEEPS_HISTORY_WHEN_CLOSED):
        return []
    return sorted(p.days_ago + r * p.every for p in a.posts if not p.pinned for r in range(p.repeat))


def longest_gap(days: list[int], window_days: int, clip: bool = True) -> int:
    """Longest gap (days) in the window [window_days … 0 days ago], edges included.

    clip=True: a gap straddling the window start counts from the start; clip=False: from the post before it.
    """
    inside = [d for d in days if d <= window_days]
    if not inside:
        return window_days
    before = [d for d in days if d > window_days]
    start = window_days if clip or not before else min(before)
    points = [0, *inside, start]
    return max(b - a for a, b in zip(points, points[1:], strict=False))


def test_ganzi_accounts_plant_the_notice():
    sc, mp = GANZI, GANZI.monitoring_point
    run = running(sc)
    assert len(run) == 145 == sc.expected.summary.accounts_checked
    window = (mp - window_start(mp)).days
    assert window == 92  # 2024-06-10 … 2024-09-10

    def key(a):
        return {"unit": a.unit, "platform": a.platform, "account_name": a.account_name}

    served = {a.account_id: served_days(a) for a in run}
    gaps = [a for a in run if served[a.account_id] and longest_gap(served[a.account_id], window) > ALLOWED_GAP]
    closed = [a for a in run if a.status in ("closed", "not_found")]
    expected_gaps = [r.model_dump(exclude={"problem"}) for r in sc.expected.annex2 if r.problem == GAP_WORDING]
    expected_closed = [r.model_dump(exclude={"problem"}) for r in sc.expected.annex2 if r.problem == CLOSED_WORDING]
    assert len(expected_gaps) == 10 and len(expected_closed) == 11
    assert len(expected_gaps) + len(expected_closed) == len(sc.expected.annex2)
    # same rows, same order (the inventory order is the office's list order the notice follows)
    assert [key(a) for a in gaps] == expected_gaps
    assert [key(a) for a in closed] == expected_closed
    assert len(gaps) == sc.expected.summary.accounts_flagged
    assert len(closed) == sc.expected.summary.accounts_closed_unfiled

    # robust to the other readings: a 90-day window, gaps straddling the window start not clipped
    for window_days, clip in ((90, True), (92, False), (90, False)):
        again = [a for a in run if served[a.account_id]
                 and longest_gap(served[a.account_id], window_days, clip) > ALLOWED_GAP]
        assert again == gaps, (window_days, clip)
    # WeChat's MP back-end list has no pin flag (a pinned post is listed at its publication date), so a
    # pinned WeChat post inside the window would be indistinguishable from an ordinary update: none is planted.
    assert not [a.account_name for a in run if a.connector == "wechat"
                and any(p.pinned and p.days_ago <= window for p in a.posts)]
    # on the platforms that flag pins, old pinned posts sit on top of accounts that are (not) in the annex
    assert any(p.pinned for a in run if a.connector == "weibo" for p in a.posts)
    # the only closed account whose history is served is both closed-unfiled and 断更
    both = [a for a in closed if served[a.account_id]]
    assert [(a.platform, a.account_name) for a in both] == [("今日头条", "甘孜州市场监督管理局")]
    assert both[0] in gaps

    # no other problem planted among running accounts: every active one posted in the 14 days before the
    # monitoring point (no 监测时间点前两周内未更新 row), at least 3 exactly-14-day boundaries (not 断更)
    active = [a for a in run if a.status == "active"]
    assert all(served[a.account_id][0] <= ALLOWED_GAP for a in active)
    boundary = [a for a in active if longest_gap(served[a.account_id], window) == ALLOWED_GAP]
    assert len(boundary) >= 3
    assert any(p.pinned for a in active if a not in gaps for p in a.posts)
    assert any(not a.verified for a in run)
    # every inventory account is filed; filed closures are closed on their platform and not running
    assert {e.account for e in sc.roster} == {a.account_id for a in sc.accounts}
    filed_closed = [a for a in sc.accounts if a not in run]
    assert len(filed_closed) >= 2 and all(a.status == "closed" for a in filed_closed)
    # platforms and levels covered; every seed account present with its unit, platform and name
    assert {a.platform for a in run} == {"新浪微博", "微信订阅号", "微信服务号", "今日头条", "抖音短视频"}
    assert {a.level for a in run} == {"州", "部门", "县"}
    # prefecture-level units first, then the counties
    levels = [a.level != "县" for a in sc.accounts]
    assert levels == sorted(levels, reverse=True)
    # 私自开设: extra accounts of existing units, active, in neither inventory nor roster
    assert 1 <= len(sc.extra_accounts) <= 2
    units = {a.unit for a in sc.accounts}
    for x in sc.extra_accounts:
        assert x.unit in units and x.status == "active"
        assert (x.platform, x.account_name) not in {(a.platform, a.account_name) for a in sc.accounts}
        assert longest_gap(served_days(x), window) <= ALLOWED_GAP


def test_ganzi_platforms_serve_the_planted_accounts(tmp_path):
    sc = GANZI
    mkt = next(a for a in sc.accounts if a.platform == "今日头条" and a.account_name == "甘孜州市场监督管理局")
    weigz = next(a for a in sc.accounts if a.account_name == "微甘孜")
    extra = sc.extra_accounts[0]
    with Sandbox(sc, port=0, host_prefix="127.64", inventory_dir=tmp_path) as sandbox:
        tt = sandbox.platform_urls["toutiao"]
        assert "该账号已注销" in get(f"{tt}/c/user/token/{mkt.platform_id}/").text
        stream = [i for page in walk_toutiao(tt, mkt.platform_id) for i in page["data"]]
        assert [(sc.monitoring_point - china_day(i["publish_time"])).days for i in stream] == served_days(mkt)
        wb = sandbox.platform_urls["weibo"]
        profile = get(f"{wb}/api/container/getIndex", type="uid", value=weigz.platform_id).json()
        assert profile["data"]["userInfo"]["screen_name"] == "微甘孜"
        dy = sandbox.platform_urls["douyin"]
        found = get(f"{dy}/aweme/v1/web/discover/search/", keyword=extra.account_name,
                    search_channel="aweme_user_web", offset=0, count=10).json()
        assert [u["user_info"]["sec_uid"] for u in found["user_list"]] == [extra.platform_id]
        accounts_csv = (sandbox.inventory_dir / "accounts.csv").read_text(encoding="utf-8")
        assert accounts_csv.count("\n") == len(sc.accounts) + 1

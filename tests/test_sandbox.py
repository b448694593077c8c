"""The simulated prefecture: scenario validation, CMS pages, platform emulators, inventory, life cycle.

Expected values are derived from the scenario file (days before the monitoring point), not copied from
the implementation's output.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from lxml import etree, html

from govinspect.inventory import load_inventory
from govinspect.sandbox import Sandbox, ScenarioError, load_scenario
from govinspect.sandbox.scenario import scenario_path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "include" / "scenarios" / "small.yaml"
SC = load_scenario(SMALL)
MP = SC.monitoring_point


# --- helpers: what the scenario says ------------------------------------------------------------------
def item_days(items) -> list[int | None]:
    """days_ago of every entry (series expanded); None for undated."""
    out: list[int | None] = []
    for it in items:
        for r in range(it.repeat):
            out.append(None if getattr(it, "undated", False) else it.days_ago + r * it.every)
    return out


def column(site_id: str, name: str):
    return next(c for c in SC.site(site_id).columns if c.name == name)


def day(days_ago: int) -> date:
    return MP - timedelta(days=days_ago)


def china_day(stamp: int) -> date:
    return datetime.fromtimestamp(stamp, tz=timezone(timedelta(hours=8))).date()


def get(url: str, **kw) -> httpx.Response:
    return httpx.get(url, timeout=5, **kw)


def text_of(resp: httpx.Response, site_id: str) -> str:
    enc = "gb18030" if SC.site(site_id).encoding == "gbk" else "utf-8"
    return resp.content.decode(enc)


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with Sandbox(SMALL, port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


# --- scenario validation ------------------------------------------------------------------------------
def _small_data() -> dict:
    return yaml.safe_load(SMALL.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set_category(d):
    d["sites"][2]["columns"][0]["category"] = "xx"


def _set_level(d):
    d["sites"][1]["level"] = "省"


def _negative_days(d):
    d["sites"][0]["columns"][1]["items"][0]["days_ago"] = -3


def _negative_post(d):
    d["accounts"][2]["posts"][0] = -1


def _platform(d):
    d["accounts"][0]["platform"] = "脸书"


def _missing(d):
    del d["sites"][3]["site_name"]


def _unknown_field(d):
    d["sites"][0]["colums"] = []


def _roster_ref(d):
    d["roster"][1]["account"] = "nobody"


def _closed_without_date(d):
    del d["roster"][5]["closed_on"]


def _duplicate_site(d):
    d["sites"][1]["site_id"] = d["sites"][0]["site_id"]


def _trs_col_id(d):
    d["sites"][0]["columns"][0]["col_id"] = 5


@pytest.mark.parametrize(("mutate", "expected"), [
    (_set_category, "bad.yaml: sites[2].columns[0].category: unknown category 'xx'"),
    (_set_level, "bad.yaml: sites[1].level: unknown level '省'"),
    (_negative_days, "bad.yaml: sites[0].columns[1].items[0].days_ago: days_ago must be >= 0"),
    (_negative_post, "bad.yaml: accounts[2].posts[0].days_ago: days_ago must be >= 0"),
    (_platform, "bad.yaml: accounts[0].platform: unknown platform '脸书'"),
    (_missing, "bad.yaml: sites[3].site_name: field required"),
    (_unknown_field, "bad.yaml: sites[0].colums: unknown field"),
    (_roster_ref, "bad.yaml: roster[1].account: unknown account 'nobody'"),
    (_closed_without_date, "bad.yaml: roster[5]: status '注销' needs closed_on"),
    (_duplicate_site, "bad.yaml: sites[1].site_id: duplicate site_id 'gzz'"),
    (_trs_col_id, "bad.yaml: sites[0]: columns[0]: 'col_id' does not apply to cms 'trs'"),
])
def test_scenario_errors_name_file_and_field(tmp_path, mutate, expected):
    data = _small_data()
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, data))
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


def test_scenario_reports_every_problem_and_yaml_errors(tmp_path):
    data = _small_data()
    _set_category(data)
    _set_level(data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, data))
    assert len(info.value.problems) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("sites: [\n  - {a: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"broken\.yaml: line \d+"):
        load_scenario(broken)


def test_scenario_by_name_resolves_to_include_scenarios():
    assert scenario_path("small") == SMALL
    assert load_scenario("small").name == "small"


def test_small_scenario_plants_what_the_brief_asks():
    assert SC.monitoring_point.isoformat() == "2024-09-10"
    assert len(SC.sites) == 4 and len(SC.accounts) == 6
    assert {s.cms for s in SC.sites} == {"trs", "hanweb"} and {s.encoding for s in SC.sites} == {"utf-8", "gbk"}
    assert sorted(s.level for s in SC.sites) == sorted(["州", "部门", "县", "县"])
    assert {a.platform for a in SC.accounts} == {"新浪微博", "微信订阅号", "微信服务号"}
    assert all(3 <= len(s.columns) <= 4 for s in SC.sites)


# --- an independent reading of the served pages (what a collector would do) ---------------------------
def trs_items(url: str, site_id: str) -> list[dict]:
    """All items of a TRS column, following createPageHTML."""
    items, page, pages = [], 0, 1
    base = url.rsplit("/", 1)[0]
    while page < pages:
        resp = get(f"{base}/index.html" if page == 0 else f"{base}/index_{page}.html")
        assert resp.status_code == 200
        text = text_of(resp, site_id)
        m = re.search(r'createPageHTML\((\d+),\s*(\d+),\s*"index",\s*"html"\)', text)
        assert m and int(m.group(2)) == page
        pages = int(m.group(1))
        items += parse_items(html.fromstring(text).xpath('//ul[@class="list"]/li'))
        page += 1
    return items


def parse_items(lis) -> list[dict]:
    out = []
    for li in lis:
        a = li.xpath(".//a")[0]
        span = li.xpath("./span/text()")
        out.append({"href": a.get("href"), "title": a.get("title"), "text": a.text_content(),
                    "date": date.fromisoformat(span[0]) if span else None,
                    "pinned": "置顶" in li.text_content().replace(a.text_content(), "")})
    return out


def hanweb_items(url: str, site_id: str) -> tuple[list[dict], list[str]]:
    """All items of a Hanweb column: the embedded datastore, then dataproxy pages. Returns items, proxy URLs."""
    resp = get(url)
    text = text_of(resp, site_id)
    block = re.search(r'<script type="text/xml">(.*?)</script>', text, re.S).group(1)
    store = etree.fromstring(block.encode("utf-8"))
    items = [parse_items(html.fromstring(r.text).xpath("//li"))[0] for r in store.iter("record")]
    nxt = html.fromstring(store.findtext("nextgroup") or "<p></p>").xpath("//a/@href")
    proxies = []
    if nxt:
        q = parse_qs(urlsplit(nxt[0]).query)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        page = int(q["page"][0])
        while True:
            proxy = (f"{origin}/module/web/jpage/dataproxy.jsp?page={page}"
                     f"&columnid={q['columnid'][0]}&unitid={q['unitid'][0]}")
            proxies.append(proxy)
            xml = etree.fromstring(get(proxy).content)  # the XML declaration names the encoding
            items += [parse_items(html.fromstring(r.text).xpath("//li"))[0] for r in xml.iter("record")]
            if page >= int(xml.findtext("totalpage")):
                break
            page += 1
    return items, proxies


def column_items(sb: Sandbox, site_id: str, name: str) -> list[dict]:
    inv = load_inventory(sb.inventory_dir)
    col = next(c for c in inv.columns if c.site_id == site_id and c.column_name == name)
    if SC.site(site_id).cms == "trs":
        return trs_items(col.url, site_id)
    return hanweb_items(col.url, site_id)[0]


# --- TRS ----------------------------------------------------------------------------------------------
def test_trs_list_pages_pinned_and_pager(sb):
    days = item_days(column("drx", "得荣要闻").items)
    items = column_items(sb, "drx", "得荣要闻")
    assert len(items) == len(days)
    assert sorted(i["date"] for i in items) == sorted(day(d) for d in days)
    pinned_day = next(it.days_ago for it in column("drx", "得荣要闻").items if it.pinned)
    assert items[0]["pinned"] and items[0]["date"] == day(pinned_day)  # old pinned item on top
    assert not any(i["pinned"] for i in items[1:])
    newest = max(i["date"] for i in items if not i["pinned"])
    assert (MP - newest).days == min(d for d in days if d != pinned_day)
    for i in items:
        m = re.fullmatch(r"\./(\d{6})/t(\d{8})_(\d+)\.html", i["href"])
        assert m and m.group(2) == i["date"].strftime("%Y%m%d") and m.group(1) == m.group(2)[:6]
        assert i["text"].endswith("…") == (len(i["title"]) > len(i["text"].rstrip("…")))
        assert i["title"].startswith(i["text"].rstrip("…"))


def test_trs_multi_page_column_and_404_past_the_end(sb):
    days = item_days(column("gzz", "甘孜要闻").items)
    items = column_items(sb, "gzz", "甘孜要闻")
    assert len(days) > 20  # the column spans several pages
    assert sorted(i["date"] for i in items) == sorted(day(d) for d in days)
    assert len({i["href"] for i in items}) == len(items)
    pages = -(-len(days) // 20)
    assert get(f"{sb.site_urls['gzz']}/gzyw/index_{pages}.html").status_code == 404
    assert get(f"{sb.site_urls['gzz']}/gzyw/").status_code == 200
    assert any(len(i["title"]) > 20 and i["text"].endswith("…") for i in items)


def test_article_page_meta(sb):
    items = column_items(sb, "gzz", "甘孜要闻")
    first = items[0]
    url = f"{sb.site_urls['gzz']}/gzyw/{first['href'][2:]}"
    doc = html.fromstring(get(url).content.decode("utf-8"))
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    assert meta["ArticleTitle"] == first["title"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", meta["PubDate"])
    assert meta["PubDate"][:10] == first["date"].isoformat() == day(0).isoformat()
    assert meta["ColumnName"] == "甘孜要闻"
    assert meta["SiteName"] == SC.site("gzz").site_name


def test_home_page_meta_widget_and_column_links(sb):
    inv = load_inventory(sb.inventory_dir)
    for site in SC.sites:
        resp = get(sb.site_urls[site.site_id] + "/")
        doc = html.fromstring(text_of(resp, site.site_id))
        meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
        assert meta["SiteName"] == site.site_name and meta["SiteIDCode"] == site.site_code
        assert meta["SiteDomain"] == site.domain
        hrefs = set(doc.xpath("//a/@href"))
        for col in inv.columns_of(site.site_id):
            assert urlsplit(col.url).path in hrefs, col.url
        # widget dates are MM-DD, and each is the date of some item of the scenario (year inferred)
        shown = doc.xpath("//ul[@class='box-list']/li/span/text()")
        assert shown and all(re.fullmatch(r"\d{2}-\d{2}", s) for s in shown)
        all_days = {day(d).strftime("%m-%d") for c in site.columns for d in item_days(c.items) if d is not None}
        assert set(shown) <= all_days
        newest = min(d for c in site.columns for d in item_days(c.items) if d is not None)
        assert day(newest).strftime("%m-%d") in shown
    assert get(sb.site_urls["gzz"] + "/index.html").status_code == 200


def test_unknown_path_is_404_page(sb):
    resp = get(sb.site_urls["drx"] + "/no/such/page.html")
    assert resp.status_code == 404 and "404" in resp.text
    resp = get(sb.site_urls["byx"] + "/col/col9999/index.html")
    assert resp.status_code == 404


# --- Hanweb -------------------------------------------------------------------------------------------
def test_hanweb_datastore_and_dataproxy_paging(sb):
    days = item_days(column("byx", "白玉要闻").items)
    inv = load_inventory(sb.inventory_dir)
    col = next(c for c in inv.columns if c.column_name == "白玉要闻")
    assert re.fullmatch(r"http://[\d.]+:\d+/col/col1651/index\.html", col.url)
    items, proxies = hanweb_items(col.url, "byx")
    assert proxies, "more than one page expected"
    assert sorted(i["date"] for i in items) == sorted(day(d) for d in days)
    xml = etree.fromstring(get(proxies[0]).content)
    assert int(xml.findtext("totalrecord")) == len(days)
    assert int(xml.findtext("totalpage")) == len(proxies) + 1
    ids = []
    for i in items:
        m = re.fullmatch(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_1651_(\d+)\.html", i["href"])
        assert m, i["href"]
        assert date(int(m.group(1)), int(m.group(2)), int(m.group(3))) == i["date"]
        assert not m.group(2).startswith("0") and not m.group(3).startswith("0")
        ids.append(int(m.group(4)))
    by_date = [i for _, i in sorted(zip([x["date"] for x in items], ids, strict=True))]
    assert by_date != sorted(by_date), "article ids must not follow the date order"
    # past the end: empty record set; wrong unit id: empty
    last = proxies[-1].replace(f"page={len(proxies) + 1}", f"page={len(proxies) + 5}")
    assert list(etree.fromstring(get(last).content).iter("record")) == []
    wrong = proxies[0].replace("unitid=", "unitid=1")
    assert list(etree.fromstring(get(wrong).content).iter("record")) == []


def test_hanweb_undated_item_has_no_date_anywhere(sb):
    items = column_items(sb, "byx", "乡镇动态")
    days = item_days(column("byx", "乡镇动态").items)
    assert items[0]["date"] is None and days[0] is None
    assert not re.search(r"\d{4}/\d{1,2}/\d{1,2}", items[0]["href"])
    page = get(sb.site_urls["byx"] + items[0]["href"])
    assert page.status_code == 200
    doc = html.fromstring(page.text)
    assert not doc.xpath("//meta[@name='PubDate']")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", doc.xpath("string(//div[@class='article'])"))
    dated = [i["date"] for i in items if i["date"]]
    assert (MP - max(dated)).days > 14  # the column is stale once the undated item is discounted


def test_gbk_page_decodes_only_as_gb18030(sb):
    resp = get(sb.site_urls["tjj"] + "/col/col3261/index.html")
    assert resp.headers["content-type"] == "text/html"  # no charset in HTTP
    raw = resp.content
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "\ufffd" in resp.text  # what a client trusting the HTTP header gets
    text = raw.decode("gb18030")
    assert re.search(r'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', text)
    assert "统计要闻" in text and "王喆" in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")  # the declared label is a trap: GBK-only characters
    items = column_items(sb, "tjj", "统计要闻")
    assert sorted(i["date"] for i in items) == sorted(day(d) for d in item_days(column("tjj", "统计要闻").items))
    art = get(sb.site_urls["tjj"] + items[1]["href"])
    meta = html.fromstring(art.content.decode("gb18030")).xpath("//meta[@name='ArticleTitle']/@content")
    assert meta == [items[1]["title"]]


# --- Weibo --------------------------------------------------------------------------------------------
def weibo(sb, **params) -> dict:
    resp = get(sb.platform_urls["weibo"] + "/api/container/getIndex", params=params)
    assert resp.status_code == 200
    return resp.json()


def test_weibo_profile_and_posts(sb):
    acc = SC.account("gzz-weibo-gzfb")
    uid = acc.platform_id
    profile = weibo(sb, type="uid", value=uid)
    assert profile["ok"] == 1
    info = profile["data"]["userInfo"]
    assert info["id"] == int(uid) and info["screen_name"] == acc.account_name
    assert info["verified"] is True and info["verified_type"] == 7
    tab = next(t for t in profile["data"]["tabsInfo"]["tabs"] if t["tab_type"] == "weibo")
    assert tab["containerid"] == f"107603{uid}"
    expected_days = item_days(acc.posts)
    blogs, page = [], 1
    while page is not None:
        data = weibo(sb, type="uid", value=uid, containerid=tab["containerid"], page=page)
        assert data["ok"] == 1 and len(data["data"]["cards"]) <= 10
        assert data["data"]["cardlistInfo"]["total"] == len(expected_days)
        blogs += [c["mblog"] for c in data["data"]["cards"] if c["card_type"] == 9]
        page = data["data"]["cardlistInfo"]["page"]
    assert len(blogs) == len(expected_days) == info["statuses_count"]
    fmt = "%a %b %d %H:%M:%S %z %Y"
    dates = [datetime.strptime(b["created_at"], fmt).date() for b in blogs]
    assert sorted(dates) == sorted(day(d) for d in expected_days)
    pinned_days = [p.days_ago for p in acc.posts if p.pinned]
    assert blogs[0].get("isTop") == 1 and dates[0] == day(pinned_days[0])
    assert [b for b in blogs if b.get("isTop")] == blogs[: len(pinned_days)]
    rest = dates[len(pinned_days):]
    assert rest == sorted(rest, reverse=True) and rest[0] == day(0)
    reposts = [b for b in blogs if "retweeted_status" in b]
    assert len(reposts) == sum(1 for p in acc.posts if p.repost)
    assert reposts[0]["retweeted_status"]["user"]["screen_name"]
    past = weibo(sb, type="uid", value=uid, containerid=tab["containerid"], page=99)
    assert past == {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}


def test_weibo_closed_and_not_found(sb):
    closed = next(a for a in SC.accounts if a.connector == "weibo" and a.status == "closed")
    assert weibo(sb, type="uid", value=closed.platform_id) == {"ok": 0, "errno": "20003", "msg": "该账号已注销"}
    assert weibo(sb, type="uid", value="1000000001") == {"ok": 0, "errno": "20003", "msg": "用户不存在"}


# --- WeChat -------------------------------------------------------------------------------------------
def wechat(sb, path, **params) -> dict:
    resp = get(sb.platform_urls["wechat"] + path, params=params)
    assert resp.status_code == 200
    return resp.json()


def test_wechat_searchbiz_and_appmsg_paging(sb):
    token = sb.env()["GOVINSPECT_WECHAT_TOKEN"]
    acc = SC.account("drx-wechat-drfb")
    found = wechat(sb, "/cgi-bin/searchbiz", action="search_biz", begin=0, count=5, query=acc.account_name,
                   token=token, lang="zh_CN", f="json", ajax=1)
    assert found["base_resp"] == {"ret": 0, "err_msg": "ok"}
    row = next(r for r in found["list"] if r["nickname"] == acc.account_name)
    assert row["fakeid"] == acc.platform_id and row["alias"] == acc.platform_alt_id and row["service_type"] == 1
    service = SC.account("tjj-wechat-gztj")
    found = wechat(sb, "/cgi-bin/searchbiz", action="search_biz", begin=0, count=5, query=service.account_name,
                   token=token, f="json")
    assert [r["service_type"] for r in found["list"]] == [2]
    expected_days = item_days(acc.posts)
    msgs, begin = [], 0
    while True:
        data = wechat(sb, "/cgi-bin/appmsg", action="list_ex", begin=begin, count=5, fakeid=row["fakeid"], type=9,
                      query="", token=token, lang="zh_CN", f="json", ajax=1)
        assert data["base_resp"]["ret"] == 0 and data["app_msg_cnt"] == len(expected_days)
        if not data["app_msg_list"]:
            break
        assert len(data["app_msg_list"]) <= 5
        msgs += data["app_msg_list"]
        begin += 5
    assert len(msgs) == len(expected_days)
    stamps = [m["create_time"] for m in msgs]
    assert stamps == sorted(stamps, reverse=True)
    assert sorted(china_day(s) for s in stamps) == sorted(day(d) for d in expected_days)
    assert all(m["link"].startswith(f"https://mp.weixin.qq.com/s?__biz={acc.platform_id}") for m in msgs)
    assert len({m["appmsgid"] for m in msgs}) == len(msgs)


def test_wechat_stale_account_last_post(sb):
    token = sb.env()["GOVINSPECT_WECHAT_TOKEN"]
    acc = SC.account("drx-wechat-drfg")
    data = wechat(sb, "/cgi-bin/appmsg", action="list_ex", begin=0, count=5, fakeid=acc.platform_id, type=9,
                  token=token, f="json")
    latest = china_day(data["app_msg_list"][0]["create_time"])
    assert (MP - latest).days == min(item_days(acc.posts)) > 14


def test_wechat_token_and_closed(sb):
    acc = SC.account("drx-wechat-drfb")
    invalid = {"base_resp": {"ret": 200003, "err_msg": "invalid session"}}
    assert wechat(sb, "/cgi-bin/appmsg", action="list_ex", begin=0, count=5, fakeid=acc.platform_id,
                  token="123", f="json") == invalid
    assert wechat(sb, "/cgi-bin/searchbiz", action="search_biz", query="得荣", f="json") == invalid
    token = sb.env()["GOVINSPECT_WECHAT_TOKEN"]
    closed = next(a for a in SC.accounts if a.connector == "wechat" and a.status == "closed")
    data = wechat(sb, "/cgi-bin/appmsg", action="list_ex", begin=0, count=5, fakeid=closed.platform_id,
                  type=9, token=token, f="json")
    assert data == {"base_resp": {"ret": 200002, "err_msg": "invalid args"}}
    found = wechat(sb, "/cgi-bin/searchbiz", action="search_biz", query=closed.account_name, token=token)
    assert found["list"] == [] and found["total"] == 0


def test_wechat_profile_ext(sb):
    def page(biz):
        resp = get(sb.platform_urls["wechat"] + "/mp/profile_ext", params={"action": "home", "__biz": biz})
        assert resp.status_code == 200
        return resp.text

    active = SC.account("drx-wechat-drfg")
    closed = next(a for a in SC.accounts if a.connector == "wechat" and a.status == "closed")
    assert active.account_name in page(active.platform_id)
    assert "该帐号已注销" in page(closed.platform_id) and closed.account_name not in page(closed.platform_id)
    assert "该公众号不存在" in page("MzAwMDAwMDAwMA==")


# --- inventory, env, clock ----------------------------------------------------------------------------
def test_generated_inventory_loads_and_answers(sb):
    inv = load_inventory(sb.inventory_dir)
    assert [w.site_id for w in inv.websites] == [s.site_id for s in SC.sites]
    assert len(inv.columns) == sum(len(s.columns) for s in SC.sites)
    assert {a.platform_id for a in inv.accounts} == {a.platform_id for a in SC.accounts}
    assert {(r.platform_id, r.status) for r in inv.roster} == {
        (SC.account(e.account).platform_id, e.status) for e in SC.roster
    }
    for w in inv.websites:
        assert w.home_url == sb.site_urls[w.site_id] + "/"
        assert get(w.home_url).status_code == 200
    for c in inv.columns:
        assert get(c.url).status_code == 200, c.url


def test_env_points_at_the_sandbox(sb):
    env = sb.env()
    assert env["GOVINSPECT_INVENTORY"] == str(sb.inventory_dir)
    assert env["GOVINSPECT_MONITORING_DATE"] == "2024-09-10"
    weibo_conn = json.loads(env["AIRFLOW_CONN_GOVINSPECT_WEIBO"])
    wechat_conn = json.loads(env["AIRFLOW_CONN_GOVINSPECT_WECHAT"])
    for conn, code in ((weibo_conn, "weibo"), (wechat_conn, "wechat")):
        assert conn["conn_type"] == "http" and conn["schema"] == "http"
        assert f"http://{conn['host']}:{conn['port']}" == sb.platform_urls[code] == env[f"GOVINSPECT_{code.upper()}_URL"]
        assert conn["host"].startswith("127.61.")
    assert "password" not in weibo_conn
    assert wechat_conn["password"] == env["GOVINSPECT_WECHAT_TOKEN"]
    hosts = {urlsplit(u).hostname for u in [*sb.site_urls.values(), *sb.platform_urls.values()]}
    assert len(hosts) == len(SC.sites) + len(sb.platform_urls) == len(SC.sites) + 4  # every host its own address


def test_simulated_clock_hides_the_future(tmp_path):
    with Sandbox(SMALL, port=0, inventory_dir=tmp_path) as sandbox:
        url = sandbox.site_urls["gzz"] + "/gzyw/index.html"
        first = parse_items(html.fromstring(get(url).text).xpath('//ul[@class="list"]/li'))[0]
        assert first["date"] == day(0)
        assert get(f"{sandbox.site_urls['gzz']}/gzyw/{first['href'][2:]}").status_code == 200
        sandbox.set_clock(datetime(2024, 9, 7, 12, 0))
        items = parse_items(html.fromstring(get(url).text).xpath('//ul[@class="list"]/li'))
        assert max(i["date"] for i in items) <= date(2024, 9, 7)
        assert get(f"{sandbox.site_urls['gzz']}/gzyw/{first['href'][2:]}").status_code == 404
        assert get(url).headers["date"].startswith("Sat, 07 Sep 2024 04:00")
        uid = SC.account("gzz-weibo-gzfb").platform_id
        data = httpx.get(sandbox.platform_urls["weibo"] + "/api/container/getIndex",
                         params={"type": "uid", "value": uid, "containerid": f"107603{uid}", "page": 1}).json()
        fmt = "%a %b %d %H:%M:%S %z %Y"
        assert all(datetime.strptime(c["mblog"]["created_at"], fmt).date() <= date(2024, 9, 7)
                   for c in data["data"]["cards"])


# --- the expected block matches what is served ----------------------------------------------------------
def test_expected_block_matches_served_content(sb):
    """Re-derive annex rows from the live pages and endpoints with the plain rule (> 14 days, undated =
    not updated, pinned ignored) and compare with the scenario's expected block."""
    inv = load_inventory(sb.inventory_dir)
    annex1 = []
    for w in inv.websites:
        problems = []
        for category, wording in (("要闻", "要闻类栏目超14天未更新"), ("动态", "动态类栏目超14天未更新")):
            stale = False
            for col in (c for c in inv.columns_of(w.site_id) if c.category == category):
                items = column_items(sb, w.site_id, col.column_name)
                dates = [i["date"] for i in items if i["date"] and not i["pinned"]]
                stale |= not dates or (MP - max(dates)).days > 14
            if stale:
                problems.append(wording)
        if problems:
            annex1.append({"unit": w.unit, "site_name": w.site_name, "problem": "；".join(problems)})
    assert annex1 == [r.model_dump() for r in SC.expected.annex1]

    token = sb.env()["GOVINSPECT_WECHAT_TOKEN"]
    filed = {(r.platform, r.platform_id): r.status for r in inv.roster}
    window_start = MP.replace(month=MP.month - 3)  # 断更: the 3 calendar months before the monitoring point
    gap_rows, closed_rows, checked = [], [], 0
    for a in inv.accounts:
        days: set[date] = set()  # days with a non-pinned post inside the window
        if a.connector == "weibo":
            data = weibo(sb, type="uid", value=a.platform_id)
            closed = data.get("msg") == "该账号已注销"
            page = 1
            while data["ok"] and page:
                body = weibo(sb, type="uid", value=a.platform_id, containerid=f"107603{a.platform_id}", page=page)
                for c in body["data"]["cards"]:
                    if not c["mblog"].get("isTop"):
                        days.add(datetime.strptime(c["mblog"]["created_at"], "%a %b %d %H:%M:%S %z %Y").date())
                page = body["ok"] and body["data"]["cardlistInfo"]["page"]
        else:
            text = get(sb.platform_urls["wechat"] + "/mp/profile_ext",
                       params={"action": "home", "__biz": a.platform_id}).text
            closed = "该帐号已注销" in text
            begin = 0
            while not closed:
                body = wechat(sb, "/cgi-bin/appmsg", action="list_ex", begin=begin, count=5, fakeid=a.platform_id,
                              type=9, token=token)
                days.update(china_day(m["create_time"]) for m in body["app_msg_list"])
                begin += 5
                if not body["app_msg_list"] or begin >= body["app_msg_cnt"]:
                    break
        status = filed.get((a.platform, a.platform_id))
        if status == "正常":
            checked += 1
        row = {"unit": a.unit, "platform": a.platform, "account_name": a.account_name}
        if closed and status == "正常":
            closed_rows.append(row | {"problem": "注销未报备"})
        elif not closed:
            points = sorted({window_start, MP} | {d for d in days if window_start <= d <= MP})
            if max((b - a).days for a, b in zip(points, points[1:], strict=False)) > 14:
                gap_rows.append(row | {"problem": "监测时间点三个月内有断更"})
    annex2 = gap_rows + closed_rows  # the notice lists 断更 rows first, then 注销未报备, each in inventory order
    assert annex2 == [r.model_dump() for r in SC.expected.annex2]

    summary = SC.expected.summary
    for level, counts in summary.websites.items():
        sites = [w for w in inv.websites if w.level == level]
        assert counts.checked == len(sites)
        assert counts.flagged == sum(1 for r in annex1 if r["site_name"] in {w.site_name for w in sites})
    assert summary.accounts.checked == checked
    assert summary.accounts.closed_unfiled == sum(1 for r in annex2 if r["problem"] == "注销未报备")
    assert summary.accounts.flagged == sum(1 for r in annex2 if r["problem"] != "注销未报备")


# --- server core and life cycle -----------------------------------------------------------------------
def _raw(url: str, payload: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(payload)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_http_head_methods_and_bad_requests(sb):
    url = sb.site_urls["gzz"]
    host = urlsplit(url).netloc.encode()
    head = _raw(url, b"HEAD /index.html HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    status, _, rest = head.partition(b"\r\n")
    assert status == b"HTTP/1.1 200 OK"
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert body == b"" and int(re.search(rb"Content-Length: (\d+)", headers).group(1)) > 1000
    assert _raw(url, b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").startswith(b"HTTP/1.1 405")
    assert _raw(url, b"garbage\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert _raw(url, b"GET /gzyw/index.html HTTP/1.0\n\n").startswith(b"HTTP/1.1 200")  # bare LF


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
        return True
    except OSError:
        return False


def _sandbox_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("govinspect-sandbox")]


def test_start_stop_leaves_nothing_behind(tmp_path):
    before = len(_sandbox_threads())
    sandbox = Sandbox(SMALL, port=0, inventory_dir=tmp_path)
    sandbox.start()
    urls = [*sandbox.site_urls.values(), *sandbox.platform_urls.values()]
    assert len(_sandbox_threads()) == before + 1
    assert all(_listening(u) for u in urls)
    # a client that connects and never sends must not block stop()
    idle = socket.create_connection((urlsplit(urls[0]).hostname, urlsplit(urls[0]).port))
    started = time.monotonic()
    sandbox.stop()
    assert time.monotonic() - started < 5
    idle.close()
    assert len(_sandbox_threads()) == before
    assert not any(_listening(u) for u in urls)
    with pytest.raises(RuntimeError):
        sandbox.env()


def test_fixed_port_in_use_fails_cleanly(tmp_path):
    before = len(_sandbox_threads())
    blocker = socket.socket()
    blocker.bind(("127.62.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        sandbox = Sandbox(SMALL, port=port, host_prefix="127.62", inventory_dir=tmp_path)
        with pytest.raises(OSError, match="127.62.0.1"):
            sandbox.start()
        assert not sandbox.running
        assert len(_sandbox_threads()) == before
    finally:
        blocker.close()


def test_cli_serve_prints_exports_and_stops_on_sigterm(tmp_path):
    env = dict(os.environ, GOVINSPECT_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "plugins"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "govinspect.sandbox", "serve", "--scenario", "small", "--port", "0",
         "--host-prefix", "127.63"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("# Ctrl-C"):
                break
        exports = dict(re.fullmatch(r"export (\w+)='(.*)'", x).groups() for x in lines if x.startswith("export"))
        assert set(exports) >= {"GOVINSPECT_INVENTORY", "GOVINSPECT_MONITORING_DATE", "AIRFLOW_CONN_GOVINSPECT_WEIBO",
                                "AIRFLOW_CONN_GOVINSPECT_WECHAT", "GOVINSPECT_WECHAT_TOKEN"}
        assert exports["GOVINSPECT_INVENTORY"] == str(tmp_path / "sandbox" / "small" / "inventory")
        inv = load_inventory(exports["GOVINSPECT_INVENTORY"])
        assert get(inv.websites[0].home_url).status_code == 200
        assert any("inventory:" in x for x in lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert not _listening(inv.websites[0].home_url)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_summary_flat_views_follow_the_nested_counts():
    s = SC.expected.summary
    assert s.websites_checked_prefecture == s.websites["州"].checked
    assert s.websites_checked_department == s.websites["部门"].checked
    assert s.websites_checked_county == s.websites["县"].checked
    assert s.websites_flagged_county == s.websites["县"].flagged
    assert (s.accounts_checked, s.accounts_flagged, s.accounts_closed_unfiled) == (
        s.accounts.checked, s.accounts.flagged, s.accounts.closed_unfiled)

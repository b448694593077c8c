"""The simulated prefecture's website side: Sichuan and Kaipu families, TRS/Hanweb list variants, planted
content (personal data, wording errors, broken links, guestbook, reposts) and the ganzi-2024q3 sites.

Served over real loopback HTTP; expected values come from the scenario (days before the monitoring point).
"""

from __future__ import annotations

import json
import re
import socket
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree, html

from govinspect.inventory import load_inventory
from govinspect.sandbox import Sandbox, ScenarioError, load_scenario, parse_scenario
from govinspect.sandbox.site_fields import id_check_digit

ROOT = Path(__file__).resolve().parent.parent
MP = date(2024, 9, 10)

# A compact scenario exercising every new family and variant.
DATA = {
    "name": "cms-variants",
    "monitoring_point": "2024-09-10",
    "important_releases": [
        {"release_id": "gwy", "title": "国务院关于促进服务消费高质量发展的意见", "publisher": "国务院",
         "days_ago": 38, "time": "17:00"},
        {"release_id": "scb", "title": "四川省人民政府办公厅关于做好秋冬季森林草原防灭火工作的通知",
         "publisher": "四川省人民政府办公厅", "days_ago": 12, "time": "09:30"},
    ],
    "wording_errors": [
        {"wrong": "甘孜州国土资源局", "right": "甘孜州自然资源局", "kind": "过时机构名称", "site": "kp"},
    ],
    "sites": [
        {"site_id": "sc", "unit": "甘孜藏族自治州人民政府", "level": "州", "site_name": "甘孜藏族自治州人民政府",
         "cms": "sichuan", "site_path": "gzzrmzf",
         "broken_links": [
             {"text": "旧栏目", "path": "/gzzrmzf/c100099/list.shtml"},
             {"text": "旧版网站", "path": "/index.html", "dead_host": True},
             {"text": "已删除的文件", "path": "/gzzrmzf/c100044/2023/1/5/deadbeef.shtml", "on_page": "政策文件"},
         ],
         "reposts": [{"release": "gwy", "column": "政策文件", "after_hours": 2},
                     {"release": "scb", "column": "政策文件", "after_hours": 30}],
         "columns": [
             {"name": "甘孜要闻", "category": "要闻", "col_id": 100040, "items": [
                 {"days_ago": 200, "pinned": True, "title": "甘孜州2024年政府工作报告"},
                 {"undated": True, "title": "无日期的稿件"},
                 {"days_ago": 1, "title": "州政府常务会议召开"},
                 {"repeat": 44, "days_ago": 2, "every": 2}]},
             {"name": "部门动态", "category": "动态", "col_id": 100041, "article_url": "ym",
              "items": [{"repeat": 5, "days_ago": 3, "every": 4}]},
             {"name": "县市动态", "category": "动态", "col_id": 100042, "list_style": "json", "items": [
                 {"days_ago": 300, "pinned": True, "title": "置顶的旧稿件"},
                 {"undated": True, "title": "县市动态无日期稿件"},
                 {"repeat": 45, "days_ago": 8, "every": 1}]},
             {"name": "政策文件", "category": "政策文件", "col_id": 100044, "items": [{"days_ago": 60}]},
             {"name": "州长信箱", "category": "互动", "col_id": 100045, "messages": [
                 {"days_ago": 130, "title": "关于农贸市场排水不畅的反映", "replied_after": 100},
                 {"days_ago": 120, "title": "关于网购食品质量问题的投诉", "unanswered": True},
                 {"days_ago": 5, "title": "咨询高龄津贴申领条件", "replied_after": 2}]},
         ]},
        {"site_id": "kp", "unit": "乡城县", "level": "县", "site_name": "乡城县人民政府", "cms": "kaipu",
         "encoding": "gbk", "charset_label": "gb2312",
         "columns": [
             {"name": "乡城要闻", "category": "要闻", "slug": "xwzx/yw", "items": [
                 {"days_ago": 2, "title": "乡城县召开自然资源领域专项整治工作推进会",
                  "body": "会议传达了甘孜州国土资源局关于开展耕地保护专项整治的工作要求。"},
                 {"days_ago": 9, "pinned": True, "title": "置顶：乡城县2024年重点工作"},
                 {"repeat": 30, "days_ago": 3, "every": 3}]},
             {"name": "通知公告", "category": "通知公告", "items": [
                 {"days_ago": 9, "title": "乡城县2024年城乡居民最低生活保障拟保对象公示",
                  "leaks": [{"kind": "id_card", "value": "513336197803124525"},
                            {"kind": "mobile", "value": "13981465203"},
                            {"kind": "masked_id_card", "value": "513336********2213"},
                            {"kind": "masked_mobile", "value": "138****1234"}]}]},
         ]},
        {"site_id": "trs", "unit": "雅江县", "level": "县", "site_name": "雅江县人民政府", "cms": "trs",
         "columns": [
             {"name": "乡镇动态", "category": "动态", "slug": "xzdt", "list_style": "date_in_title", "items": [
                 {"days_ago": 25, "title": "呷拉镇开展松茸采收季安全生产检查工作并召开专题会议部署下一步工作"},
                 {"undated": True, "title": "无日期的动态"},
                 {"repeat": 25, "days_ago": 30, "every": 2}]},
             {"name": "雅江要闻", "category": "要闻", "slug": "yw", "items": [{"days_ago": 1}]},
         ]},
        {"site_id": "hw", "unit": "石渠县", "level": "县", "site_name": "石渠县人民政府", "cms": "hanweb",
         "list_style": "table", "unit_id": 20032,
         "columns": [
             {"name": "乡镇动态", "category": "动态", "col_id": 1651, "items": [
                 {"days_ago": 16, "title": "尼呷镇开展牦牛疫病防控培训"},
                 {"days_ago": 40, "pinned": True, "title": "置顶的旧动态"},
                 {"repeat": 20, "days_ago": 20, "every": 5}]},
         ]},
    ],
}
# fix the example ID number's check digit from the first 17 digits (the test re-checks it independently)
_ID17 = "51333619780312452"
DATA["sites"][1]["columns"][1]["items"][0]["leaks"][0]["value"] = _ID17 + id_check_digit(_ID17)
SC = parse_scenario(DATA, "cms-variants.yaml")


def day(days_ago: int) -> date:
    return MP - timedelta(days=days_ago)


def days_of(items) -> list[int | None]:
    out: list[int | None] = []
    for it in items:
        for r in range(it.repeat):
            out.append(None if it.undated else it.days_ago + r * it.every)
    return out


def col(site_id: str, name: str):
    return next(c for c in SC.site(site_id).columns if c.name == name)


def get(url: str, **kw) -> httpx.Response:
    return httpx.get(url, timeout=5, **kw)


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with Sandbox(SC, port=0, inventory_dir=tmp_path_factory.mktemp("inv")) as sandbox:
        yield sandbox


def col_url(sb: Sandbox, site_id: str, name: str) -> str:
    inv = load_inventory(sb.inventory_dir)
    return next(c.url for c in inv.columns if c.site_id == site_id and c.column_name == name)


def lis(doc, xpath: str) -> list[dict]:
    out = []
    for li in doc.xpath(xpath):
        a = li.xpath(".//a")[0]
        outside = "".join(li.itertext()).replace(a.text_content(), "")
        out.append({"href": a.get("href"), "title": a.get("title"), "text": a.text_content(), "outside": outside,
                    "pinned": "置顶" in outside})
    return out


# --- Sichuan ----------------------------------------------------------------------------------------------
def sichuan_pages(sb: Sandbox, url: str) -> list[dict]:
    items, page, pages = [], 1, 1
    base = url.rsplit("/", 1)[0]
    while page <= pages:
        resp = get(url if page == 1 else f"{base}/list_{page}.shtml")
        assert resp.status_code == 200
        m = re.search(r"createPageHTML\('page_div',\s*(\d+),\s*(\d+),\s*'list',\s*'shtml',\s*(\d+)\)", resp.text)
        assert m and int(m.group(2)) == page
        pages = int(m.group(1))
        items += lis(html.fromstring(resp.text), '//ul[@class="list"]/li')
        page += 1
    return items


def test_sichuan_paths_paging_and_article_urls(sb):
    url = col_url(sb, "sc", "甘孜要闻")
    assert re.fullmatch(r"http://[\d.]+:\d+/gzzrmzf/c100040/list\.shtml", url)
    items = sichuan_pages(sb, url)
    days = days_of(col("sc", "甘孜要闻").items)
    assert len(items) == len(days) > 20
    assert items[0]["pinned"] and items[0]["title"] == "甘孜州2024年政府工作报告"
    dated = []
    for it in items:
        m = re.fullmatch(r"/gzzrmzf/c100040/(\d{4})/(\d{1,2})/(\d{1,2})/([0-9a-f]{32})\.shtml", it["href"])
        if it["title"] == "无日期的稿件":
            assert m is None and re.fullmatch(r"/gzzrmzf/c100040/[0-9a-f]{32}\.shtml", it["href"])
            assert not re.search(r"\d{4}-\d{2}-\d{2}", it["outside"])
            continue
        assert m, it["href"]
        assert not m.group(2).startswith("0") and not m.group(3).startswith("0")
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        assert re.search(r"\d{4}-\d{2}-\d{2}", it["outside"]).group(0) == d.isoformat()
        dated.append(d)
    assert sorted(dated) == sorted(day(d) for d in days if d is not None)
    base = url.rsplit("/", 1)[0]
    pages = -(-len(days) // 20)
    assert get(f"{base}/list_{pages + 1}.shtml").status_code == 404
    assert get(f"{base}/list_1.shtml").status_code == 404
    # an article page answers with its date
    art = get(urlsplit(url)._replace(path=items[1]["href"]).geturl())
    meta = {m.get("name"): m.get("content") for m in html.fromstring(art.text).xpath("//meta[@name]")}
    assert meta["ColumnName"] == "甘孜要闻" and meta["ArticleTitle"] == items[1]["title"]


def test_sichuan_yyyymm_article_variant(sb):
    items = sichuan_pages(sb, col_url(sb, "sc", "部门动态"))
    assert len(items) == 5
    for it in items:
        m = re.fullmatch(r"/gzzrmzf/c100041/(\d{6})/[0-9a-f]{32}\.shtml", it["href"])
        assert m and re.search(r"(\d{4})-(\d{2})", it["outside"]).group(0).replace("-", "") == m.group(1)


def test_sichuan_json_list_api(sb):
    url = col_url(sb, "sc", "县市动态")
    page = get(url)
    doc = html.fromstring(page.text)
    assert doc.xpath('//ul[@class="list"]/li') == []  # the HTML list is empty: filled client-side
    container = doc.xpath('//*[@data-url]')[0]
    api = container.get("data-url")
    assert api == "/gzzrmzf/c100042/list.json"
    assert f'getList("{api}", 1)' in page.text
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    rows, n = [], 1
    while True:
        resp = get(f"{origin}{api}", params={"page": n})
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
        data = resp.json()["data"]
        assert set(data) >= {"list", "total", "pageCount"}
        if n > data["pageCount"]:
            assert data["list"] == []
            break
        rows += data["list"]
        n += 1
    days = days_of(col("sc", "县市动态").items)
    assert data["total"] == len(rows) == len(days) and data["pageCount"] == 3
    assert rows[0]["isTop"] == 1 and rows[0]["title"] == "置顶的旧稿件"
    undated = [r for r in rows if r["publishTime"] == ""]
    assert [r["title"] for r in undated] == ["县市动态无日期稿件"]
    stamps = [datetime.strptime(r["publishTime"], "%Y-%m-%d %H:%M:%S") for r in rows if r["publishTime"]]
    assert sorted(s.date() for s in stamps) == sorted(day(d) for d in days if d is not None)
    assert all(re.fullmatch(r"/gzzrmzf/c100042/\d{4}/\d{1,2}/\d{1,2}/[0-9a-f]{32}\.shtml", r["url"])
               for r in rows if r["publishTime"])
    assert get(f"{origin}{rows[2]['url']}").status_code == 200
    assert get(f"{origin}/gzzrmzf/c100042/list_2.shtml").status_code == 404  # JSON columns: one HTML page
    assert get(f"{origin}/gzzrmzf/c100040/list.json").status_code == 404  # only JSON-style columns have it


# --- Kaipu ------------------------------------------------------------------------------------------------
def test_kaipu_cmspro_documents_chinese_dates_and_paging(sb):
    url = col_url(sb, "kp", "乡城要闻")
    assert re.fullmatch(r"http://[\d.]+:\d+/xwzx/yw/index\.shtml", url)
    raw = get(url)
    assert raw.headers["content-type"] == "text/html"
    text = raw.content.decode("gb18030")
    assert 'charset=gb2312' in text
    assert re.search(r"<cmspro_documents [^>]*channelcode=\"xwzx/yw\"", text)
    items, page = [], 1
    while True:
        text = get(url if page == 1 else url.replace("index.shtml", f"index_{page}.shtml")).content.decode("gb18030")
        block = re.search(r"<cmspro_documents[^>]*>(.*?)</cmspro_documents>", text, re.S).group(1)
        items += lis(html.fromstring(block), "//li")
        assert f"共{-(-len(days_of(col('kp', '乡城要闻').items)) // 15)}页" in text
        if 'index_' + str(page + 1) + '.shtml">下一页' not in text:
            break
        page += 1
    days = days_of(col("kp", "乡城要闻").items)
    assert len(items) == len(days) and page == 3
    assert items[0]["pinned"]
    dates = []
    for it in items:
        m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", it["outside"])
        dates.append(date(*map(int, m.groups())))
        assert re.fullmatch(r"/xwzx/yw/content_[0-9a-f]{32}\.shtml", it["href"])  # no date in the URL
    assert sorted(dates) == sorted(day(d) for d in days)
    assert any("月0" not in it["outside"] and re.search(r"年\d月", it["outside"]) for it in items)  # no padding
    assert get(url.replace("index.shtml", "index_1.shtml")).status_code == 404
    assert get(url.replace("index.shtml", "index_4.shtml")).status_code == 404


# --- TRS date-in-title, Hanweb table rows ----------------------------------------------------------------
def test_trs_date_only_in_link_text(sb):
    url = col_url(sb, "trs", "乡镇动态")
    doc = html.fromstring(get(url).text)
    items = lis(doc, '//ul[@class="list"]/li')
    assert not doc.xpath('//ul[@class="list"]/li/span')  # no date element anywhere
    first = next(i for i in items if i["title"].startswith("呷拉镇"))
    assert first["text"] == f"{first['title']}（{day(25).isoformat()}）"  # full title, then the date
    undated = next(i for i in items if i["title"] == "无日期的动态")
    assert undated["text"] == "无日期的动态"
    assert all(re.search(r"（\d{4}-\d{2}-\d{2}）$", i["text"]) for i in items if i is not undated)


def test_hanweb_table_rows(sb):
    url = col_url(sb, "hw", "乡镇动态")
    text = get(url).text
    block = re.search(r'<script type="text/xml">(.*?)</script>', text, re.S).group(1)
    store = etree.fromstring(block.encode("utf-8"))
    rows = []
    for record in store.iter("record"):
        tr = html.fromstring(record.text).xpath("//tr")[0]
        tds = tr.xpath("./td")
        assert len(tds) == 2 and tds[0].xpath(".//a")
        rows.append((tds[0].xpath(".//a")[0].get("title"), tds[1].text_content().strip(), tr))
    assert len(rows) == 15  # first page; the rest through dataproxy.jsp
    assert all(re.fullmatch(r"\[\d{4}-\d{2}-\d{2}\]", d) for _, d, _ in rows)
    assert rows[0][0] == "置顶的旧动态" and "置顶" in etree.tostring(rows[0][2], encoding="unicode")
    newest = max(date.fromisoformat(d[1:-1]) for t, d, _ in rows if t != "置顶的旧动态")
    assert (MP - newest).days == 16


# --- planted content ------------------------------------------------------------------------------------
def _valid_id(value: str) -> bool:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return "10X98765432"[sum(int(c) * w for c, w in zip(value[:17], weights, strict=True)) % 11] == value[17]


def test_personal_data_in_article_body(sb):
    url = col_url(sb, "kp", "通知公告")
    block = get(url).content.decode("gb18030")
    href = re.search(r'<a href="([^"]+)" title="乡城县2024年城乡居民最低生活保障拟保对象公示"', block).group(1)
    text = get(sb.site_urls["kp"] + href).content.decode("gb18030")
    body = html.fromstring(text).xpath("string(//div[@id='zoom'])")
    ids = re.findall(r"(?<![\d*])\d{17}[\dX](?![\d*])", body)
    assert len(ids) == 1 and _valid_id(ids[0])
    assert ids[0][:6] == "513336" and 1900 < int(ids[0][6:10]) < 2024
    assert re.findall(r"(?<![\d*])1[3-9]\d{9}(?![\d*])", body) == ["13981465203"]
    assert "513336********2213" in body and "138****1234" in body  # masked forms present, not leaks
    masked_digits = re.sub(r"\D", "", "513336********2213")
    assert masked_digits not in ids


def test_id_card_validator_rejects_a_wrong_check_digit():
    data = json.loads(json.dumps(DATA))
    value = data["sites"][1]["columns"][1]["items"][0]["leaks"][0]["value"]
    data["sites"][1]["columns"][1]["items"][0]["leaks"][0]["value"] = value[:17] + ("0" if value[17] != "0" else "1")
    with pytest.raises(ScenarioError, match=r"leaks\[0\]: value: .* valid GB 11643 check digit"):
        parse_scenario(data, "bad.yaml")
    data = json.loads(json.dumps(DATA))
    data["wording_errors"][0]["wrong"] = "不存在的错误"
    with pytest.raises(ScenarioError, match=r"wording_errors\[0\]\.wrong: '不存在的错误' appears in no title"):
        parse_scenario(data, "bad.yaml")


def test_wording_error_is_served(sb):
    err = SC.wording_errors[0]
    url = col_url(sb, "kp", "乡城要闻")
    block = get(url).content.decode("gb18030")
    href = re.search(r'<a href="([^"]+)" title="乡城县召开自然资源领域专项整治工作推进会"', block).group(1)
    assert err.wrong in get(sb.site_urls[err.site] + href).content.decode("gb18030")


def _connects(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 80), timeout=2).close()
        return True
    except OSError:
        return False


def test_broken_links_answer_404_or_fail_to_connect(sb):
    home = sb.site_urls["sc"]
    doc = html.fromstring(get(home + "/").text)
    links = {a.text_content(): a.get("href") for a in doc.xpath('//div[@class="links"]//a')}
    assert set(links) == {"旧栏目", "旧版网站"}
    assert get(home + links["旧栏目"]).status_code == 404
    dead = links["旧版网站"]
    assert urlsplit(dead).hostname.split(".")[2] == "249" and urlsplit(dead).hostname != urlsplit(home).hostname
    assert not _connects(dead)
    with pytest.raises(httpx.ConnectError):
        httpx.get(dead, timeout=3)
    listing = html.fromstring(get(col_url(sb, "sc", "政策文件")).text)
    on_list = listing.xpath('//div[@class="links"]//a/@href')
    assert on_list == ["/gzzrmzf/c100044/2023/1/5/deadbeef.shtml"]
    assert get(home + on_list[0]).status_code == 404
    # every ordinary link of the home page works
    for a in doc.xpath("//a/@href"):
        if a.startswith("/") and a not in links.values():
            assert get(home + a).status_code == 200, a


def test_guestbook_message_and_reply_dates(sb):
    url = col_url(sb, "sc", "州长信箱")
    doc = html.fromstring(get(url).text)
    rows = doc.xpath('//table[@class="gb-list"]/tbody/tr')
    got = {}
    for tr in rows:
        a = tr.xpath(".//a")[0]
        asked = date.fromisoformat(tr.xpath('string(./td[@class="ask-time"])'))
        reply_text = tr.xpath('string(./td[@class="reply-time"])').strip()
        got[a.get("title")] = (asked, date.fromisoformat(reply_text) if reply_text else None, a.get("href"))
    msgs = col("sc", "州长信箱").messages
    assert len(got) == len(msgs)
    for m in msgs:
        asked, replied, _ = got[m.title]
        assert asked == day(m.days_ago)
        if m.unanswered:
            assert replied is None
        else:
            assert replied == day(m.days_ago - m.replied_after)
    late = got["关于农贸市场排水不畅的反映"]
    assert (late[1] - late[0]).days > 90
    assert (MP - got["关于网购食品质量问题的投诉"][0]).days > 90
    page = get(sb.site_urls["sc"] + late[2])
    assert page.status_code == 200
    assert f"留言时间：{late[0].isoformat()}" in page.text and f"回复时间：{late[1].isoformat()}" in page.text
    unanswered = get(sb.site_urls["sc"] + got["关于网购食品质量问题的投诉"][2]).text
    assert "未回复" in unanswered and "回复时间" not in unanswered


def test_reposts_of_important_releases(sb):
    items = sichuan_pages(sb, col_url(sb, "sc", "政策文件"))
    origin = sb.site_urls["sc"]
    for rp in SC.site("sc").reposts:
        rel = next(r for r in SC.important_releases if r.release_id == rp.release)
        it = next(i for i in items if i["title"] == rel.title)
        doc = html.fromstring(get(origin + it["href"]).text)
        meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
        h, mi = map(int, rel.time.split(":"))
        released = datetime.combine(day(rel.days_ago), datetime.min.time()).replace(hour=h, minute=mi)
        reposted = datetime.strptime(meta["PubDate"], "%Y-%m-%d %H:%M")
        assert reposted - released == timedelta(hours=rp.after_hours)
        assert meta["ContentSource"] == rel.publisher
    late = [rp for rp in SC.site("sc").reposts if rp.after_hours > 24]
    assert [rp.release for rp in late] == ["scb"]


def test_option_checks_per_family(tmp_path):
    bad = json.loads(json.dumps(DATA))
    bad["sites"][2]["columns"][0]["list_style"] = "json"
    bad["sites"][1]["columns"][1]["col_id"] = 5
    bad["sites"][0]["columns"][4]["items"] = [{"days_ago": 1}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(bad, "bad.yaml")
    text = "\n".join(info.value.problems)
    assert "sites[2]: columns[0]: list_style 'json' does not apply to cms 'trs'" in text
    assert "sites[1]: columns[1]: 'col_id' does not apply to cms 'kaipu'" in text
    assert "sites[0].columns[4]: a guestbook column has 'messages', not 'items'" in text
    refs = json.loads(json.dumps(DATA))  # references are checked once every entry is valid
    refs["sites"][0]["reposts"][0]["release"] = "nope"
    refs["sites"][0]["broken_links"][2]["on_page"] = "没有的栏目"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(refs, "bad.yaml")
    assert info.value.problems == [
        "bad.yaml: sites[0].broken_links[2].on_page: no column named '没有的栏目' (or 'home')",
        "bad.yaml: sites[0].reposts[0].release: unknown release 'nope'",
    ]


# --- ganzi-2024q3: the sites section --------------------------------------------------------------------
GANZI = load_scenario("ganzi-2024q3")
STALE_WORDING = {"要闻": "要闻类栏目超14天未更新", "动态": "动态类栏目超14天未更新"}


def staleness(column) -> int | None:
    """Days since the newest dated item (pinned included: its own date); None = nothing dated."""
    dated = [d for d in days_of(column.items) if d is not None]
    return min(dated) if dated else None


def test_ganzi_sites_reproduce_annex1_from_the_model():
    sites = GANZI.sites
    assert len(sites) == 38
    assert [s.level for s in sites].count("州") == 1 and sites[0].level == "州"
    assert [s.level for s in sites].count("部门") == 19 and [s.level for s in sites].count("县") == 18
    assert {s.cms for s in sites} == {"trs", "hanweb", "sichuan", "kaipu"}
    assert sites[0].cms == "sichuan" and sites[0].unit == sites[0].site_name == "甘孜藏族自治州人民政府"
    assert sum(s.encoding == "gbk" for s in sites) >= 4
    counties = [s.unit for s in sites if s.level == "县"]
    assert set(counties) == {"康定市", "泸定县", "丹巴县", "九龙县", "雅江县", "道孚县", "炉霍县", "甘孜县", "新龙县",
                             "德格县", "白玉县", "石渠县", "色达县", "理塘县", "巴塘县", "乡城县", "稻城县", "得荣县"}
    assert all(s.site_name == f"{s.unit}人民政府" for s in sites if s.level == "县")
    findings: dict[tuple[str, str], list[str]] = {}
    for s in sites:
        assert 3 <= len(s.columns) <= 6, s.site_id
        cats = [c.category for c in s.columns]
        assert "要闻" in cats and "动态" in cats and ({"通知公告", "政策文件"} & set(cats)), s.site_id
        assert sum(1 for c in s.columns if not c.items and not c.messages) < 5
        for c in s.columns:
            days = staleness(c)
            if c.category in ("通知公告", "政策文件"):
                assert days is not None and days <= 180, (s.site_id, c.name)
            if c.category in STALE_WORDING and (days is None or days > 14):
                problems = findings.setdefault((s.unit, s.site_name), [])
                if STALE_WORDING[c.category] not in problems:
                    problems.append(STALE_WORDING[c.category])
    # the notice's order: by level in list order, then per problem group, then list order
    levels = list(dict.fromkeys(s.level for s in sites))
    order = []
    for level in levels:
        for wording in STALE_WORDING.values():
            for s in sites:
                if s.level == level and wording in findings.get((s.unit, s.site_name), []):
                    order.append({"unit": s.unit, "site_name": s.site_name, "problem": wording})
    assert all(len(p) == 1 for p in findings.values())
    assert order == [r.model_dump() for r in GANZI.expected.annex1]


def test_ganzi_boundaries_and_planted_scored_content():
    by_days = [staleness(c) for s in GANZI.sites for c in s.columns if c.category in STALE_WORDING]
    assert 14 in by_days and 13 in by_days  # boundary columns, not stale
    flagged = {r.site_name for r in GANZI.expected.annex1}
    planted = {
        "leak": {s.site_id for s in GANZI.sites for c in s.columns for i in c.items
                 if any(x.kind in ("id_card", "mobile") for x in i.leaks)},
        "masked": {s.site_id for s in GANZI.sites for c in s.columns for i in c.items
                   if i.leaks and all(x.kind.startswith("masked") for x in i.leaks)},
        "wording": {e.site for e in GANZI.wording_errors},
        "links": {s.site_id for s in GANZI.sites if s.broken_links},
        "late_reply": {s.site_id for s in GANZI.sites for c in s.columns for m in c.messages
                       if m.unanswered and m.days_ago > 90 or (m.replied_after or 0) > 90},
        "late_repost": {s.site_id for s in GANZI.sites for r in s.reposts if r.after_hours > 24},
    }
    assert all(planted.values()), planted
    for ids in planted.values():
        assert not {GANZI.site(i).site_name for i in ids} & flagged  # scored problems, not annex 1
    assert len(set().union(*planted.values())) >= 6


def test_ganzi_sites_are_served(tmp_path):
    with Sandbox("ganzi-2024q3", port=0, inventory_dir=tmp_path) as sandbox:
        inv = load_inventory(sandbox.inventory_dir)
        assert len(inv.websites) == 38
        with httpx.Client(timeout=5) as client:  # one client: building an SSL context per request is slow
            for w in inv.websites:
                assert client.get(w.home_url).status_code == 200
            for c in inv.columns:
                assert client.get(c.url).status_code == 200, c.url

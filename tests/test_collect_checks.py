"""The website checks one by one, on page shapes as real CMS families publish them: pagination, personal
numbers and their masking, the wording dictionary, important releases and reposts, guestbook messages,
home-page columns, article pages and the link check (HEAD with GET fallback)."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from govinspect.collect.article import content_hits, read_article
from govinspect.collect.home import discover_columns
from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.collect.interaction import extract_messages, reply_from_letter
from govinspect.collect.links import LinkRef, check_links, page_links
from govinspect.collect.listpage import ListItem, extract_all_items
from govinspect.collect.pagination import next_page, with_page, worth_following
from govinspect.collect.privacy import find_personal_numbers, id_check_digit, is_id_number, luhn_ok, mask_all
from govinspect.collect.reposts import matches, normalise, repost_rows
from govinspect.collect.wording import Dictionary, DictionaryError
from govinspect.releases import BEIJING, Release, ReleasesError, load_releases

AS_OF = date(2024, 9, 10)
ROOT = Path(__file__).resolve().parent.parent


# --- pagination --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "url", "expected"),
    [
        # TRS: 0-based current page
        ('<script>createPageHTML(3, 0, "index", "html");</script>', "http://a.gov.cn/yw/index.html",
         "http://a.gov.cn/yw/index_1.html"),
        ('<script>createPageHTML(3, 1, "index", "html");</script>', "http://a.gov.cn/yw/index_1.html",
         "http://a.gov.cn/yw/index_2.html"),
        ('<script>createPageHTML(3, 2, "index", "html");</script>', "http://a.gov.cn/yw/index_2.html", ""),
        # Sichuan platform: named target, 1-based current page
        ("<script>createPageHTML('page_div', 3, 1, 'list', 'shtml', 48);</script>",
         "http://a.gov.cn/s/c1/list.shtml", "http://a.gov.cn/s/c1/list_2.shtml"),
        ("<script>createPageHTML('page_div', 3, 3, 'list', 'shtml', 48);</script>",
         "http://a.gov.cn/s/c1/list_3.shtml", ""),
        # Hanweb: the next group's dataproxy link (raw & inside CDATA, or &amp;)
        ('<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=2&columnid=9&unitid=7">'
         "</a>]]></nextgroup></datastore>", "http://a.gov.cn/col/col9/index.html",
         "http://a.gov.cn/module/web/jpage/dataproxy.jsp?page=2&columnid=9&unitid=7"),
        ("<datastore><nextgroup><![CDATA[]]></nextgroup><totalpage>1</totalpage></datastore>",
         "http://a.gov.cn/module/web/jpage/dataproxy.jsp?page=1", ""),
        # Kaipu and generic sites: a 下一页 link
        ('<div class="page"><span>共3页</span><a href="index.shtml">首页</a><a href="index_3.shtml">下一页</a></div>',
         "http://a.gov.cn/tzgg/index_2.shtml", "http://a.gov.cn/tzgg/index_3.shtml"),
        # ?page= links without a label
        ('<div class="pager"><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a></div>',
         "http://a.gov.cn/list?page=2", "http://a.gov.cn/list?page=3"),
        # JSON list API
        ('{"code":0,"data":{"list":[],"pageCount":3,"pageNo":1}}', "http://a.gov.cn/s/c1/list.json",
         "http://a.gov.cn/s/c1/list.json?page=2"),
        ('{"code":0,"data":{"list":[],"pageCount":3,"pageNo":3}}', "http://a.gov.cn/s/c1/list.json?page=3", ""),
        # no pager at all
        ("<ul><li><a href='a.html'>标题</a></li></ul>", "http://a.gov.cn/x/", None),
    ],
)
def test_next_page_per_cms_family(page, url, expected):
    assert next_page(page, url) == expected


def test_with_page_keeps_the_other_parameters():
    assert with_page("http://a/p.jsp?columnid=9&page=1&x=2", 2) == "http://a/p.jsp?columnid=9&x=2&page=2"
    assert with_page("http://a/l.json?pageNo=4", 5) == "http://a/l.json?pageNo=5"


def _item(d: date | None, pinned: bool = False) -> ListItem:
    return ListItem("标题", "http://a/x.html", d, None, None, pinned)


def test_pagination_stops_when_a_page_is_older_than_the_horizon():
    old, recent = date(2023, 8, 1), date(2024, 8, 1)
    assert worth_following([_item(recent), _item(old)], AS_OF, 366)
    assert not worth_following([_item(old), _item(date(2023, 7, 1))], AS_OF, 366)
    assert not worth_following([_item(recent, pinned=True), _item(old)], AS_OF, 366)  # pinned keep old dates up top
    assert worth_following([_item(None), _item(old)], AS_OF, 366)  # undated: may be recent
    assert not worth_following([], AS_OF, 366)


# --- personal numbers --------------------------------------------------------------------------------------
def _valid_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def test_id_numbers_need_a_valid_check_digit_and_birth_date():
    good = _valid_id("51330119780312452")
    assert good == "513301197803124523" and is_id_number(good)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert not is_id_number(wrong_check)
    assert not is_id_number(_valid_id("51330119781332452"))  # month 13
    assert not is_id_number(_valid_id("51330130780312452"), today=AS_OF)  # born in 3078
    assert is_id_number(_valid_id("51330119800101002").replace("x", "X"))


def test_unmasked_numbers_are_found_and_only_their_masked_forms_leave():
    idn = _valid_id("51330119780312452")
    text = (f"张三（身份证号码：{idn}）；联系电话：13981465203；账号6222021234567890128。"
            "已脱敏：513301********2213、139****5821、51330019********2X。")
    hits = find_personal_numbers(text, AS_OF)
    assert [(h.kind, h.masked) for h in hits] == [
        ("id_card", "513301********4523"), ("mobile", "139****5203"), ("bank_card", "6222***********0128")]
    masked = mask_all(text, AS_OF)
    assert idn not in masked and "13981465203" not in masked and "6222021234567890128" not in masked
    assert "513301********2213" in masked  # already masked text is left as it is


def test_numbers_that_are_not_personal_are_not_hits():
    text = ("文号川府发〔2024〕18号，编码20240912000012345678，电话0836-2822222，"
            "139123456789（12位），订单号1398146520312，卡号6222021234567890127（Luhn 不通过）")
    assert find_personal_numbers(text, AS_OF) == []
    assert luhn_ok("6222021234567890128") and not luhn_ok("6222021234567890127")


def test_excerpts_mask_every_long_digit_run_even_unvalidated_ones():
    from govinspect.collect.privacy import excerpt

    idn = _valid_id("51330119780312452")
    bad_check = idn[:17] + ("0" if idn[17] != "0" else "1")
    text = f"公示：{idn}，另有{bad_check}，卡号6222021234567890127，电话13981465203。"
    start = text.index(idn)
    out = excerpt(text, start, start + 18, width=80)
    assert re.search(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|[0-9]{15,19})(?![0-9])", out) is None, out
    assert "513301********4523" in out and "139****5203" in out


def test_an_id_number_is_not_also_a_bank_card_or_mobile():
    idn = _valid_id("13072119900101123")
    hits = find_personal_numbers(f"身份证{idn}", AS_OF)
    assert [h.kind for h in hits] == ["id_card"]


# --- wording dictionary ------------------------------------------------------------------------------------
def test_shipped_dictionary_loads_and_finds_the_planted_forms():
    d = Dictionary.load(ROOT / "include/dictionaries/wording.csv")
    hits = d.find("州长泽仁多杰到稻城县调研，州长泽仁多吉出席。甘孜州卫生和计划生育委员会")
    assert [(h.entry.wrong, h.entry.right, h.entry.kind) for h in hits] == [
        ("泽仁多杰", "泽仁多吉", "领导姓名"), ("甘孜州卫生和计划生育委员会", "甘孜州卫生健康委员会", "过时机构名称")]


@pytest.mark.parametrize(
    ("content", "row", "field"),
    [
        ("wrong,right,kind\n甲,乙,错别字\n", 1, "header"),
        ("wrong,right,kind,note\n布署,部署,错别字,\n签定,,错别字,\n", 3, "right"),
        ("wrong,right,kind,note\n布署,部署,别字,\n", 2, "kind"),
        ("wrong,right,kind,note\n布署,部署,错别字,\n布署,部署,错别字,\n", 3, "wrong"),
        ("wrong,right,kind,note\n国土局,国土局局,错别字,\n", 2, "right"),  # every right use would be a hit
        ("wrong,right,kind,note\n布署,部署\n", 2, "-"),
    ],
)
def test_dictionary_errors_name_file_row_and_field(tmp_path, content, row, field):
    path = tmp_path / "wording.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError) as info:
        Dictionary.load(path)
    assert (info.value.row, info.value.field) == (row, field)
    assert str(path) in str(info.value) and f"row {row}" in str(info.value)


# --- articles ----------------------------------------------------------------------------------------------
ARTICLE = """<html><head><meta charset="utf-8"><title>x</title>
<meta name="ArticleTitle" content="州长泽仁多杰到稻城县调研"><meta name="PubDate" content="2024-09-05 10:08">
</head><body><div class="nav"><a href="/">首页</a></div><h1>州长泽仁多杰到稻城县调研</h1>
<div class="content" id="zoom"><p>州长泽仁多杰到稻城县调研。</p><p>经审核，扎西（身份证号码：513301197803124523）。</p>
<p>联系电话：151****0367。</p></div></body></html>"""


def test_article_pages_give_title_time_and_hits_with_masked_evidence():
    article = read_article(ARTICLE)
    assert article.title == "州长泽仁多杰到稻城县调研"
    assert (article.published, article.published_source) == (datetime(2024, 9, 5, 10, 8), "meta")
    rows = content_hits(article, Dictionary.load(ROOT / "include/dictionaries/wording.csv"), AS_OF)
    assert [(r["check"], r["kind"], r["matched"], r["suggestion"]) for r in rows] == [
        ("privacy", "id_card", "513301********4523", None), ("wording", "领导姓名", "泽仁多杰", "泽仁多吉")]
    assert all("513301197803124523" not in r["context"] for r in rows)
    assert "513301********4523" in rows[0]["context"]


def test_article_time_from_the_page_text_without_meta():
    page = "<html><body><h1>通知</h1><div class='info'>发布时间：2024年9月2日 16:30</div><div>正文</div></body></html>"
    article = read_article(page)
    assert (article.published, article.published_source) == (datetime(2024, 9, 2, 16, 30), "text")


# --- important releases and reposts ------------------------------------------------------------------------
def test_releases_file_is_optional_and_validated(tmp_path):
    assert load_releases(tmp_path) == []
    (tmp_path / "important_releases.csv").write_text(
        "release_id,title,publisher,released_at,url\n"
        "gwy-1,国务院关于促进服务消费高质量发展的意见,国务院,2024-08-03 17:00,https://www.gov.cn/x.htm\n"
        "scb-1,四川省人民政府办公厅关于做好防灭火工作的通知,四川省人民政府办公厅,2024-08-29 09:30,\n", encoding="utf-8")
    releases = load_releases(tmp_path)
    assert [r.release_id for r in releases] == ["gwy-1", "scb-1"]
    assert releases[0].released_at == datetime(2024, 8, 3, 17, 0, tzinfo=BEIJING) and releases[1].url is None
    (tmp_path / "important_releases.csv").write_text(
        "release_id,title,publisher,released_at,url\ngwy-1,标题,国务院,2024-08-03,\n", encoding="utf-8")
    with pytest.raises(ReleasesError, match=r"row 2, field 'released_at'"):
        load_releases(tmp_path)
    (tmp_path / "important_releases.csv").write_text(
        "release_id,title,publisher,released_at\ngwy-1,标题,国务院,2024-08-03 17:00\ngwy-1,标题2,国务院,2024-08-03 17:00\n",
        encoding="utf-8")
    with pytest.raises(ReleasesError, match=r"row 3, field 'release_id'"):
        load_releases(tmp_path)


def test_title_matching_ignores_punctuation_and_accepts_containment():
    release = "国务院关于促进服务消费高质量发展的意见"
    assert normalise("《国务院关于促进服务消费 高质量发展的意见》") == normalise(release)
    assert matches(release, "转发：国务院关于促进服务消费高质量发展的意见（国发〔2024〕18号）")
    assert matches(release, "国务院关于促进服务消费高质量发展的意见")
    assert not matches(release, "国务院关于")  # too short to stand for the release
    assert not matches(release, "国务院关于促进数字经济高质量发展的意见")


def test_repost_rows_take_the_article_time_else_the_list_date():
    rel = Release("gwy-1", "国务院关于促进服务消费高质量发展的意见", "国务院", datetime(2024, 8, 3, 17, 0, tzinfo=BEIJING), None)
    other = Release("scb-1", "四川省人民政府办公厅关于做好防灭火工作的通知", "四川省人民政府办公厅",
                    datetime(2024, 8, 29, 9, 30, tzinfo=BEIJING), None)
    items = [{"column_id": "s/政策文件", "title": "国务院关于促进服务消费高质量发展的意见", "url": "http://a/1.html",
              "item_date": date(2024, 8, 5)}]
    rows = repost_rows("s", [rel, other], items, lambda url: (datetime(2024, 8, 5, 21, 0), "meta"))
    assert rows[0]["found"] and rows[0]["reposted_at"] == datetime(2024, 8, 5, 21, 0, tzinfo=BEIJING)
    assert rows[0]["date_source"] == "meta" and rows[0]["column_id"] == "s/政策文件"
    assert not rows[1]["found"] and rows[1]["reposted_at"] is None
    rows = repost_rows("s", [rel], items, lambda url: (None, None))
    assert rows[0]["reposted_at"] == datetime(2024, 8, 5, 0, 0, tzinfo=BEIJING) and rows[0]["date_source"] == "item_date"


# --- guestbook ---------------------------------------------------------------------------------------------
GUESTBOOK = """<table class="gb-list"><thead><tr><th>信件标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>
</thead><tbody>
<tr><td><a href="msg_1.html" title="关于农贸市场排水不畅的反映">关于农贸市场排水…</a></td><td>2024-05-03</td>
<td>2024-08-11</td><td>已回复</td></tr>
<tr><td><a href="msg_2.html">关于路灯不亮的问题</a></td><td>2024-09-01</td><td></td><td>未回复</td></tr>
<tr><td><a href="msg_3.html">咨询社保缴费</a></td><td>2024-08-20</td><td></td><td>已回复</td></tr>
</tbody></table>"""


def test_guestbook_rows_give_asked_and_reply_dates():
    msgs = extract_messages(GUESTBOOK, "http://a.gov.cn/hdjl/index.html", AS_OF)
    assert [(m.title, m.asked_on, m.replied_on, m.status_text) for m in msgs] == [
        ("关于农贸市场排水不畅的反映", date(2024, 5, 3), date(2024, 8, 11), "已回复"),
        ("关于路灯不亮的问题", date(2024, 9, 1), None, "未回复"),
        ("咨询社保缴费", date(2024, 8, 20), None, "已回复"),
    ]
    assert msgs[0].url == "http://a.gov.cn/hdjl/msg_1.html"
    assert [m.needs_letter for m in msgs] == [False, False, True]  # answered, but no date on the list
    letter = "<div class='reply'><p class='reply-time'>回复时间：2024-08-23 10:12</p></div>"
    assert reply_from_letter(letter) == date(2024, 8, 23)


def test_guestbooks_written_as_lists():
    page = """<ul class="nav"><li><a href="/">首页</a></li></ul><ul class="xx-list">
    <li><a href="/hd/1.html">关于供暖的咨询</a><span class="state">已回复</span><span class="ask">2024-08-01</span>
    <span class="reply">2024-08-05</span></li>
    <li><a href="/hd/2.html">关于停车难</a><span>留言时间：2024-09-02</span><span>未回复</span></li></ul>"""
    msgs = extract_messages(page, "http://a.gov.cn/hd/", AS_OF)
    assert [(m.title, m.asked_on, m.replied_on, m.status_text) for m in msgs] == [
        ("关于供暖的咨询", date(2024, 8, 1), date(2024, 8, 5), "已回复"),
        ("关于停车难", date(2024, 9, 2), None, "未回复")]


# --- home page ---------------------------------------------------------------------------------------------
HOME = """<html><body><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/yw/index.html">要闻</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="javascript:void(0)">无障碍</a></li></ul></div>
<div class="box"><h3>通知公告</h3><a class="more" href="/tzgg/index.html">更多&gt;&gt;</a><ul>
<li><a href="./tzgg/202409/t20240905_1.html" title="关于开展安全检查的通知">关于开展安全检查…</a><span>09-05</span></li>
<li><a href="./tzgg/art_2.html" title="关于秋季防火的通知">关于秋季防火…</a><span>09-12</span></li>
<li><a href="./tzgg/art_3.html">没有日期的公告</a></li>
<li><a href="./tzgg/202409/t20240909_4.html">关于中秋值班的通知</a><span>09-09</span></li>
<li><a href="./tzgg/202409/t20240911_5.html">关于国庆值班的通知</a><span>09-11</span></li></ul></div>
<div class="links"><ul><li><a href="/col/col1234/index.html">旧栏目</a></li><li><a href="http://www.gov.cn/">中国政府网</a></li>
<li><a href="/bsfw/crj/index.shtml">出入境指南</a></li></ul></div></body></html>"""


def test_home_items_infer_the_year_never_after_the_monitoring_point():
    dated = {i.title: i.date for i in extract_all_items(HOME, "http://a.gov.cn/", AS_OF) if i.date}
    assert dated == {"关于开展安全检查的通知": date(2024, 9, 5),
                     "关于秋季防火的通知": date(2023, 9, 12),  # 09-12 is after 2024-09-10: last year
                     "关于中秋值班的通知": date(2024, 9, 9)}
    # "09-11" from an article URL of 2024-09-11: after the monitoring point, so not a dated home item at all
    # (and not misread as 2023-09-11)


def test_columns_the_inventory_lacks_are_discovered_with_a_reason():
    known = ["http://a.gov.cn/yw/", "http://a.gov.cn/tzgg/index.html"]
    found = {row["url"]: row["reason"] for row in discover_columns(HOME, "http://a.gov.cn/", known)}
    assert found == {"http://a.gov.cn/zwgk/": "folder", "http://a.gov.cn/col/col1234/index.html": "hanweb_column",
                     "http://a.gov.cn/bsfw/crj/index.shtml": "list_page"}


# --- link check --------------------------------------------------------------------------------------------
def test_links_are_deduplicated_headed_and_fall_back_to_get():
    calls: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path))
        path = request.url.path
        if path == "/nohead.html":  # servers that refuse HEAD
            return httpx.Response(405 if request.method == "HEAD" else 200, text="ok")
        if path == "/gone.html":
            return httpx.Response(404, text="404")
        return httpx.Response(200, text="ok")

    page = ('<a href="/a.html">甲</a><a href="/a.html#top">甲again</a><a href="/nohead.html">乙</a>'
            '<a href="/gone.html">丙</a><a href="mailto:x@a.gov.cn">信</a><a href="javascript:;">js</a>'
            '<a href="/known.html">已抓取</a><a href="/extra.html">超出</a>')
    refs = page_links(page, "http://a.gov.cn/")
    assert [r.url for r in refs].count("http://a.gov.cn/a.html") == 2 and len(refs) == 6

    async def go():
        policy = FetchPolicy(max_attempts=1, allowed_networks=("0.0.0.0/0",))
        async with Fetcher(policy, transport=httpx.MockTransport(handler)) as f:
            known = await f.get("http://a.gov.cn/known.html")
            calls.clear()
            return await check_links(refs, f, fetched={"http://a.gov.cn/known.html": known}, max_links=3)

    rows = {r["url"].rsplit("/", 1)[1]: r for r in asyncio.run(go())}
    assert list(rows) == ["a.html", "nohead.html", "gone.html", "known.html", "extra.html"]
    assert (rows["a.html"]["method"], rows["a.html"]["outcome"]) == ("HEAD", "ok")
    assert (rows["nohead.html"]["method"], rows["nohead.html"]["outcome"]) == ("GET", "ok")
    assert "HEAD gave http_error 405" in rows["nohead.html"]["error"]
    assert (rows["gone.html"]["outcome"], rows["gone.html"]["status_code"]) == ("http_error", 404)
    assert rows["known.html"]["outcome"] == "ok"  # reused: not requested again
    assert rows["extra.html"]["outcome"] == "not_collected" and "budget" in rows["extra.html"]["error"]
    assert sorted(calls) == sorted([("HEAD", "/a.html"), ("HEAD", "/nohead.html"), ("GET", "/nohead.html"),
                                    ("HEAD", "/gone.html"), ("GET", "/gone.html")])


def test_off_site_links_still_meet_the_ssrf_guard():
    async def go():
        async with Fetcher(FetchPolicy(max_attempts=1), transport=httpx.MockTransport(lambda r: httpx.Response(200))) as f:
            return await check_links([LinkRef("http://169.254.169.254/latest/", "http://a.gov.cn/", "元数据")], f,
                                     fetched={}, max_links=5)

    (row,) = asyncio.run(go())
    assert (row["outcome"], row["method"]) == ("blocked_by_policy", "HEAD")


# --- one site end to end, on a mock transport ---------------------------------------------------------------
SITE_PAGES = {
    "/": '<div class="nav"><a href="/tzgg/index.html">通知公告</a></div><ul><li><a href="/tzgg/202409/t20240905_1.html"'
         ' title="关于开展安全检查的通知">关于开展安全检查…</a><span>09-05</span></li></ul>'
         '<div class="links"><a href="/old/index.html">旧栏目</a></div>',
    "/tzgg/index.html": '<ul class="list"><li><a href="./202409/t20240905_1.html">关于开展安全检查的通知</a>'
                        '<span>2024-09-05</span></li><li><a href="./202408/t20240801_2.html">关于暑期安全的通知</a>'
                        '<span>2024-08-01</span></li></ul><script>createPageHTML(2, 0, "index", "html");</script>',
    "/tzgg/index_1.html": '<ul class="list"><li><a href="./202301/t20230105_3.html">关于元旦值班的通知</a>'
                          '<span>2023-01-05</span></li></ul><script>createPageHTML(2, 1, "index", "html");</script>',
    "/tzgg/202409/t20240905_1.html": '<meta name="PubDate" content="2024-09-05 09:00"><h1>关于开展安全检查的通知</h1>'
                                     '<div id="zoom">联系人：王五，电话13981465203。</div>',
    "/tzgg/202408/t20240801_2.html": '<h1>关于暑期安全的通知</h1><div id="zoom">正文</div>',
}


def _site_handler(request: httpx.Request) -> httpx.Response:
    body = SITE_PAGES.get(request.url.path)
    if body is None:
        return httpx.Response(404, text="404")
    return httpx.Response(200, text=f"<html><body>{body}</body></html>", headers={"content-type": "text/html; charset=utf-8"})


def _collect_mock_site(monkeypatch, tmp_path):
    from govinspect.collect.site import CollectLimits, collect_site

    monkeypatch.setenv("GOVINSPECT_DATA_DIR", str(tmp_path))
    site = {"site_id": "m", "home_url": "http://m.gov.cn/"}
    columns = [{"site_id": "m", "column_id": "m/通知公告", "column_name": "通知公告", "category": "通知公告",
                "url": "http://m.gov.cn/tzgg/index.html"}]

    async def go():
        async with Fetcher(FetchPolicy(max_attempts=1), transport=httpx.MockTransport(_site_handler)) as f:
            return await collect_site(site, columns, AS_OF, f, limits=CollectLimits(), dictionary=None)

    return asyncio.run(go())


def test_one_site_end_to_end(monkeypatch, tmp_path):
    result = _collect_mock_site(monkeypatch, tmp_path)
    assert [p["page_kind"] for p in result.pages] == ["home", "list", "list", "article", "article"]
    assert [(i["title"], i["page_url"].rsplit("/", 1)[1], i["position"]) for i in result.items] == [
        ("关于开展安全检查的通知", "index.html", 1), ("关于暑期安全的通知", "index.html", 2),
        ("关于元旦值班的通知", "index_1.html", 3)]  # the 2023 item is outside the window: not read
    assert [(h["kind"], h["matched"], h["article_date"]) for h in result.content_hits] == [
        ("mobile", "139****5203", date(2024, 9, 5))]
    assert [d["url"] for d in result.discovered_columns] == ["http://m.gov.cn/old/index.html"]
    broken = [x["url"] for x in result.links if x["outcome"] != "ok"]
    assert broken == ["http://m.gov.cn/old/index.html", "http://m.gov.cn/tzgg/202301/t20230105_3.html"]
    assert result.summary()["failed_stages"] == []


def test_a_parsing_bug_loses_nothing_already_collected(monkeypatch, tmp_path):
    import govinspect.collect.site as site_module

    def broken(page):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(site_module, "read_article", broken)
    result = _collect_mock_site(monkeypatch, tmp_path)
    assert result.summary()["failed_stages"] == ["articles"]
    assert len(result.items) == 3 and result.links and len(result.pages) == 5  # the other stages still ran


# --- configuration ------------------------------------------------------------------------------------------
def test_depth_and_politeness_come_from_the_environment(monkeypatch):
    from govinspect.collect.site import CollectLimits
    from govinspect.pipeline import SITE_POLICY, site_policy

    assert CollectLimits.from_env() == CollectLimits()
    assert site_policy().min_interval == SITE_POLICY.min_interval
    monkeypatch.setenv("GOVINSPECT_MAX_LIST_PAGES", "3")
    monkeypatch.setenv("GOVINSPECT_MAX_LINKS", "0")
    monkeypatch.setenv("GOVINSPECT_SITE_MIN_INTERVAL", "0")
    monkeypatch.setenv("GOVINSPECT_SITE_PER_HOST", "1")
    limits = CollectLimits.from_env()
    assert (limits.max_list_pages, limits.max_links, limits.max_articles) == (3, 0, CollectLimits().max_articles)
    assert (site_policy().min_interval, site_policy().per_host) == (0.0, 1)
    monkeypatch.setenv("GOVINSPECT_MAX_ARTICLES", "many")
    with pytest.raises(ValueError, match="GOVINSPECT_MAX_ARTICLES"):
        CollectLimits.from_env()
    monkeypatch.setenv("GOVINSPECT_SITE_MIN_INTERVAL", "-0.5")
    with pytest.raises(ValueError, match="GOVINSPECT_SITE_MIN_INTERVAL: -0.5 is below 0"):
        site_policy()
    monkeypatch.setenv("GOVINSPECT_SITE_MIN_INTERVAL", "0")
    monkeypatch.setenv("GOVINSPECT_SITE_PER_HOST", "0")
    with pytest.raises(ValueError, match="GOVINSPECT_SITE_PER_HOST: 0 is below 1"):
        site_policy()

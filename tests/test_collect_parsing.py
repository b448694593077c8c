"""Dates, decoding and list-page extraction on the shapes real government CMS pages have."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from govinspect.collect.dates import date_in_text, date_in_url, infer_year, parse_date
from govinspect.collect.decode import decode_body
from govinspect.collect.listpage import extract_items, extract_json_items, json_list_source, newest_date

AS_OF = date(2024, 9, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月15日", date(2024, 3, 15)),  # generic extractors read this as 2024-01-01
        ("发布时间：2024年9月2日 10:00", date(2024, 9, 2)),
        ("[2024-09-12]", date(2024, 9, 12)),
        ("2024/09/02", date(2024, 9, 2)),
        ("2024.9.1", date(2024, 9, 1)),
        ("关于开展安全检查的通知（2024-08-04）", date(2024, 8, 4)),
        ("09-05", date(2024, 9, 5)),
        ("09-12", date(2023, 9, 12)),  # after the monitoring point: last year
        ("12-30", date(2023, 12, 30)),
        ("没有日期", None),
        ("2024-02-30", None),
    ],
)
def test_dates_in_text(text, expected):
    found = date_in_text(text, AS_OF)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    ("url", "expected", "source"),
    [
        ("http://x.gov.cn/xwzx/202409/t20240912_4321.html", date(2024, 9, 12), "url"),
        ("http://x.gov.cn/art/2024/9/3/art_1234_98765.html", date(2024, 9, 3), "url"),
        ("http://www.sc.gov.cn/gzz/c100/2024/8/30/0123456789abcdef0123456789abcdef.shtml", date(2024, 8, 30), "url"),
        ("http://www.sc.gov.cn/gzz/c100/202408/0123456789abcdef0123456789abcdef.shtml", date(2024, 8, 1), "url_month"),
        ("http://x.gov.cn/content/123.html", None, None),
    ],
)
def test_dates_in_urls(url, expected, source):
    found = date_in_url(url)
    assert (found.value, found.source) == (expected, source) if expected else found is None


def test_year_inference_never_in_the_future():
    assert infer_year(9, 10, AS_OF) == date(2024, 9, 10)
    assert infer_year(9, 11, AS_OF) == date(2023, 9, 11)
    assert infer_year(2, 29, date(2025, 3, 1)) == date(2024, 2, 29)
    assert parse_date("2020-09-11 08:38") == date(2020, 9, 11)


def test_gbk_page_with_charset_only_in_meta():
    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            '<body>甘孜州统计局 镕 𠀀</body></html>').encode("gb18030")
    text, enc = decode_body(body, "text/html")
    assert enc == "gb18030" and "甘孜州统计局 镕" in text  # 镕 is outside GB2312: needs GB18030


def test_header_charset_wins_and_bom_and_detection():
    assert decode_body("甘孜".encode("gbk"), "text/html; charset=GBK") == ("甘孜", "gb18030")
    assert decode_body(b"\xef\xbb\xbf<p>\xe7\x94\x98\xe5\xad\x9c</p>", None)[0] == "<p>甘孜</p>"
    text, _ = decode_body(("<html><body>" + "甘孜藏族自治州人民政府办公室关于印发通知的通知。" * 20 + "</body></html>")
                          .encode("gbk"), "text/html")
    assert "甘孜藏族自治州人民政府办公室" in text


def test_utf8_bytes_under_a_gb_label_are_read_as_utf8():
    text, enc = decode_body("<meta charset='gbk'>甘孜州人民政府".encode(), "text/html; charset=gbk")
    assert enc == "utf-8" and "甘孜州人民政府" in text


TRS = """<html><head><meta name="ColumnName" content="今日甘孜"></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="list"><ul>
<li class="top"><span class="zd">[置顶]</span><a href="./202301/t20230105_101.html" title="甘孜州深入学习贯彻党的二十大精神动员部署会议召开">甘孜州深入学习贯彻党的二十大精神动员…</a><span>2023-01-05</span></li>
<li><a href="./202408/t20240821_205.html" title="州政府召开第45次常务会议">州政府召开第45次常务会议</a><span>2024-08-21</span></li>
<li><a href="./202408/t20240826_207.html" title="全州森林草原防灭火工作会议召开">全州森林草原防灭火工作会议召开</a><span>2024/08/26</span></li>
<li><a href="./202408/t20240815_199.html" title="甘孜州开展安全生产大检查">甘孜州开展安全生产大检查</a><span>2024-08-15</span></li>
</ul></div>
<script>createPageHTML(5, 0, "index", "html");</script></body></html>"""

HANWEB = """<html><body><div id="4321"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&appid=1&webid=1&path=/&columnid=4321&unitid=8765&webname=x&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2024/8/2/art_4321_900.html" title="得荣县召开县委常委会议" target="_blank">得荣县召开县委常委会议</a><span>2024-08-02</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2024/8/20/art_4321_850.html" title="得荣县开展防汛应急演练">得荣县开展防汛应急演练</a><span>2024-08-20</span></li>]]></record>
</recordset></datastore></script></div></body></html>"""

TABLE = """<table class="list"><tr><td><a href="/art/2017/4/24/art_1_2.html">关于2017年清明节放假的通知</a></td><td>[2017-04-24]</td></tr>
<tr><td><a href="/art/2017/4/20/art_1_1.html">县政府第十次常务会议</a></td><td>[2017-04-20]</td></tr></table>"""

KAIPU = """<cmspro_documents><div class="news"><ul><li><a href="/xxgk/c1/1.shtml">关于征求意见的公告</a><em>2024年9月2日</em></li>
<li><a href="/xxgk/c1/2.shtml">无日期的信息</a></li></ul></div></cmspro_documents>"""


def test_trs_list_full_titles_pinned_and_newest_is_max_not_first():
    items = extract_items(TRS, "http://www.gzz.gov.cn/jrgz/index.html", AS_OF)
    assert len(items) == 4  # the navigation menu is not the list
    assert items[0].pinned and items[0].title == "甘孜州深入学习贯彻党的二十大精神动员部署会议召开"
    assert items[0].url == "http://www.gzz.gov.cn/jrgz/202301/t20230105_101.html"
    assert not any(i.pinned for i in items[1:])
    assert newest_date(items, AS_OF) == date(2024, 8, 26)


def test_hanweb_datastore_records():
    items = extract_items(HANWEB, "http://www.derong.gov.cn/col/col4321/index.html", AS_OF)
    assert [i.title for i in items] == ["得荣县召开县委常委会议", "得荣县开展防汛应急演练"]
    assert items[1].url == "http://www.derong.gov.cn/art/2024/8/20/art_4321_850.html"
    assert newest_date(items) == date(2024, 8, 20)  # ids are not in date order; the max date counts


def test_table_rows_with_bracketed_dates():
    items = extract_items(TABLE, "http://old.gov.cn/col/col1/index.html", AS_OF)
    assert [i.date for i in items] == [date(2017, 4, 24), date(2017, 4, 20)]
    assert items[0].date_text == "2017-04-24"


def test_kaipu_chinese_dates_and_undated_item_stays_undated():
    items = extract_items(KAIPU, "http://x.gov.cn/xxgk/index.shtml", AS_OF)
    assert items[0].date == date(2024, 9, 2)
    assert items[1].date is None and items[1].date_source is None


def test_home_widget_month_day_dates():
    page = "<ul><li><a href='/a/1.html'>州长调研</a><span>09-05</span></li><li><a href='/a/2.html'>年终总结</a><span>12-28</span></li></ul>"
    items = extract_items(page, "http://x.gov.cn/", AS_OF)
    assert [i.date for i in items] == [date(2024, 9, 5), date(2023, 12, 28)]


def test_date_from_url_when_the_page_prints_none():
    page = "<ul><li><a href='./202409/t20240903_1.html'>一条</a></li><li><a href='./202409/t20240901_2.html'>二条</a></li></ul>"
    items = extract_items(page, "http://x.gov.cn/c/", AS_OF)
    assert [(i.date, i.date_source) for i in items] == [(date(2024, 9, 3), "url"), (date(2024, 9, 1), "url")]


def test_extract_list_cli(tmp_path):
    page = tmp_path / "list.html"
    page.write_bytes(TRS.replace("<head>", '<head><meta charset="gbk">').encode("gbk"))
    out = subprocess.run(
        [sys.executable, "-m", "govinspect", "extract-list", str(page), "--url", "http://www.gzz.gov.cn/jrgz/",
         "--as-of", "2024-09-10"], capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert rows[1] == {"title": "州政府召开第45次常务会议", "url": "http://www.gzz.gov.cn/jrgz/202408/t20240821_205.html",
                       "date": "2024-08-21", "date_text": "2024-08-21", "date_source": "text", "pinned": False}
    assert len(rows) == 4


SICHUAN_JSON_PAGE = """<html><body><ul class="list" id="listContent" data-url="/gzz/c100421/list.json" data-page-size="15"></ul>
<script type="text/javascript">getList("/gzz/c100421/list.json", 1);</script></body></html>"""

SICHUAN_JSON = """{"code":0,"msg":"success","data":{"list":[
{"id":"a1","title":"甘孜县召开乡村振兴工作推进会","url":"/gzz/c100421/2024/8/1/0123456789abcdef0123456789abcdef.shtml","publishTime":"2024-08-01 10:30:00","isTop":0},
{"id":"a2","title":"甘孜县开展防汛演练","url":"/gzz/c100421/2024/7/20/fedcba9876543210fedcba9876543210.shtml","publishTime":"","isTop":0},
{"id":"a3","title":"置顶：学习贯彻全会精神","url":"/gzz/c100421/2023/1/5/00000000000000000000000000000000.shtml","publishTime":"2023-01-05 09:00:00","isTop":1}
],"total":3,"pageCount":1,"pageNo":1,"pageSize":15}}"""


def test_client_side_list_names_its_json_source_and_items_come_from_it():
    base = "http://www.sc.gov.cn/gzz/c100421/list.shtml"
    assert extract_items(SICHUAN_JSON_PAGE, base, AS_OF) == []
    source = json_list_source(SICHUAN_JSON_PAGE, base)
    assert source == "http://www.sc.gov.cn/gzz/c100421/list.json"
    items = extract_json_items(SICHUAN_JSON, source, AS_OF)
    assert [i.title for i in items] == ["甘孜县召开乡村振兴工作推进会", "甘孜县开展防汛演练", "置顶：学习贯彻全会精神"]
    assert items[0].date == date(2024, 8, 1) and items[0].url.startswith("http://www.sc.gov.cn/gzz/c100421/2024/8/1/")
    assert (items[1].date, items[1].date_source) == (date(2024, 7, 20), "url")  # empty publishTime: the URL's date
    assert items[2].pinned and not items[0].pinned
    assert extract_json_items("not json", source, AS_OF) == []

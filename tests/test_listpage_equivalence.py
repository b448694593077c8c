"""The faster list-page reading (per-page URL joiner, per-entry memo, largest-container-first selection) must
give exactly what the straightforward reading gives."""

from __future__ import annotations

import random
from urllib.parse import urljoin

import pytest

from govinspect.collect.listpage import _Joiner, extract_all_items, extract_items

BASES = ["http://s.gov.cn/col/col12/index.html", "http://s.gov.cn", "https://s.gov.cn/a/b/", "http://s/a?q=1#f",
         "http://s/a;x/b", "https://s.gov.cn:8443/x/./y/../z.html", ""]
PIECES = ["a", "/", ".", "..", "?", "#", "x=1", ":", "http:", "https://h", "//h2", " ", "%2e", ";p", "b.html",
          "t20240912_1.html", "../", "./", "\t", "javascript:", ""]


@pytest.mark.parametrize("base", BASES)
def test_joiner_answers_as_urljoin(base: str):
    rng = random.Random(base)
    join = _Joiner(base)
    hrefs = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 7))) for _ in range(5000)]
    assert [join(h) for h in hrefs] == [urljoin(base, h) for h in hrefs]
    assert [join(h) for h in hrefs] == [urljoin(base, h) for h in hrefs]  # memoised answers too


def _li(title: str, day: str | None, n: int) -> str:
    date_span = f"<span>{day}</span>" if day else ""
    return f'<li><a href="./a{n}.html">{title}</a>{date_span}</li>'


def test_on_a_tie_the_first_list_in_the_document_wins():
    first = "".join(_li(f"第一个列表的标题{n}", "2024-09-0" + str(n + 1), n) for n in range(3))
    second = "".join(_li(f"第二个列表的标题{n}", "2024-08-0" + str(n + 1), 10 + n) for n in range(3))
    page = f"<html><body><ul class='a'>{first}</ul><ul class='b'>{second}</ul></body></html>"
    items = extract_items(page, "http://s.gov.cn/col/index.html")
    assert [i.title for i in items] == [f"第一个列表的标题{n}" for n in range(3)]


def test_more_dated_entries_beat_more_entries_and_small_lists_are_still_read():
    undated = "".join(_li(f"没有日期的标题{n}", None, n) for n in range(8))
    dated = "".join(_li(f"有日期的标题{n}", "2024-09-1" + str(n), 20 + n) for n in range(4))
    page = f"<html><body><ul>{undated}</ul><ul>{dated}</ul></body></html>"
    items = extract_items(page, "http://s.gov.cn/col/index.html")
    assert [i.title for i in items] == [f"有日期的标题{n}" for n in range(4)]
    assert all(i.url.startswith("http://s.gov.cn/col/a2") for i in items)


def test_table_rows_read_once_are_the_same_items_for_table_and_all_items():
    rows = "".join(f'<tr><td><a href="/art/2024/9/{n + 1}/art_{n}.html" title="完整的标题{n}">完整的…</a></td>'
                   f"<td>[09-{n + 1:02d}]</td></tr>" for n in range(5))
    page = f"<html><body><table><tbody>{rows}</tbody></table></body></html>"
    from datetime import date
    items = extract_items(page, "http://s.gov.cn/col/index.html", date(2024, 9, 30))
    assert [(i.title, i.date.isoformat(), i.url) for i in items] == [
        (f"完整的标题{n}", f"2024-09-{n + 1:02d}", f"http://s.gov.cn/art/2024/9/{n + 1}/art_{n}.html") for n in range(5)]
    assert {i.url for i in extract_all_items(page, "http://s.gov.cn/", date(2024, 9, 30))} == {i.url for i in items}

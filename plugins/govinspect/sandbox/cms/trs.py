"""TRS WCM sites: static pages published per column.

- column lists ``/<slug>/index.html`` (also ``/<slug>/``), then ``index_1.html``, ``index_2.html``…;
  the pager is the script call ``createPageHTML(<pages>, <current, 0-based>, "index", "html")``;
- items ``<li><a href="./YYYYMM/tYYYYMMDD_<id>.html" title="full title">shortened…</a><span>YYYY-MM-DD</span></li>``,
  pinned items first with a ``置顶`` marker; undated items link to ``./art_<id>.html`` and show no date;
- articles ``/<slug>/YYYYMM/tYYYYMMDD_<id>.html``; ids grow with the publication date;
- ``list_style: date_in_title``: no date element, the date is printed only inside the link text, after
  the full (untruncated) title: ``<li><a href="./…" title="标题">标题（2024-12-04）</a></li>``.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from govinspect.sandbox.cms.base import CmsSite, attr
from govinspect.sandbox.content import Article, ColumnContent
from govinspect.sandbox.server import Request, Response

_LIST_FILE = re.compile(r"^index(?:_(\d+))?\.html$")


class TrsSite(CmsSite):
    family = "trs"
    server_header = "Apache"
    article_ids = "chronological"
    default_page_size = 20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_slug = {col.key: col for col in self.content.columns}

    def column_path(self, col: ColumnContent) -> str:
        return f"/{col.key}/index.html"

    def relative_link(self, art: Article) -> str:
        if art.published is None:
            return f"./art_{art.art_id}.html"
        return f"./{art.published:%Y%m}/t{art.published:%Y%m%d}_{art.art_id}.html"

    def article_path(self, col: ColumnContent, art: Article) -> str:
        return f"/{col.key}/{self.relative_link(art)[2:]}"

    def column_aliases(self, col: ColumnContent) -> tuple[str, ...]:
        return (f"/{col.key}/",)

    def home_link(self, col: ColumnContent, art: Article) -> str:
        return f"./{col.key}/{self.relative_link(art)[2:]}"

    def route(self, request: Request, now: datetime) -> Response | None:
        if request.path.strip("/") in self.by_slug and not request.path.endswith("/"):
            return Response(301, b"", None, [("Location", request.path + "/")])
        folder, _, name = request.path.rpartition("/")
        col = self.by_slug.get(folder.lstrip("/"))
        match = _LIST_FILE.match(name or "index.html")
        if col is None or match is None:
            return None
        current = int(match.group(1) or 0)
        if match.group(1) == "0":
            return None  # TRS never publishes index_0.html
        items = col.visible(now)
        pages = self.pages(items)
        if current >= pages:
            return None
        return self.page(self.render_list(col, items, current, pages))

    def render_list(self, col: ColumnContent, items: list[Article], current: int, pages: int) -> str:
        chunk = items[current * self.page_size:(current + 1) * self.page_size]
        item = self.title_dated_item if col.list_style == "date_in_title" else self.list_item
        lis = "\n".join(item(self.relative_link(a), a) for a in chunk)
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(col.column.name)}</span></div>\n'
            f'<div class="list-main"><h2>{escape(col.column.name)}</h2>\n<ul class="list">\n{lis}\n</ul>\n'
            '<div class="page"><script type="text/javascript">'
            f'createPageHTML({pages}, {current}, "index", "html");</script></div></div>'
            f"{self.links_block(col.column.name)}"
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{col.column.name}_{self.site.site_name}", metas, body)

    def title_dated_item(self, href: str, art: Article) -> str:
        """``标题（2024-12-04）``: the date only inside the link text (full title, no date element)."""
        mark = '<em class="zd">置顶</em>' if art.pinned else ""
        cls = ' class="top"' if art.pinned else ""
        text = art.title + (f"（{art.published:%Y-%m-%d}）" if art.published else "")
        return (f'<li{cls}>{mark}<a href="{attr(href)}" title="{attr(art.title)}" target="_blank">'
                f"{escape(text)}</a></li>")

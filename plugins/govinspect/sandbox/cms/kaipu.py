"""开普 (Kaipu) sites: the template tag ``<cmspro_documents>`` survives in the published HTML around the list.

- columns ``/<slug>/index.shtml`` (also ``/<slug>/``), then ``index_2.shtml``, ``index_3.shtml``…; the pager
  is ``<div id="page-div" class="page">`` with ``共N页`` and plain links (首页 上一页 下一页 尾页);
- the list: ``<cmspro_documents sitecode=… channelcode="<slug>" documenttype="0|1|2|3|8|9" num="1000"
  startpos="0" pagesize="N" pagenavigationid="page-div"><ul class="list"><li><a href=… title="full title">
  shortened…</a><span class="time">2024年9月2日</span></li>…</ul></cmspro_documents>`` (Chinese dates, no
  zero padding);
- articles ``/<slug>/content_<32 hex>.shtml``: the URL carries no date.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from html import escape

from govinspect.sandbox.cms.base import CmsSite, attr
from govinspect.sandbox.content import Article, ColumnContent
from govinspect.sandbox.server import Request, Response

_LIST_FILE = re.compile(r"^index(?:_(\d+))?\.shtml$")


def cn_date(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class KaipuSite(CmsSite):
    family = "kaipu"
    server_header = "Apache-Coyote/1.1"
    article_ids = "chronological"
    default_page_size = 15

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_slug = {col.key: col for col in self.content.columns}

    def column_path(self, col: ColumnContent) -> str:
        return f"/{col.key}/index.shtml"

    def column_aliases(self, col: ColumnContent) -> tuple[str, ...]:
        return (f"/{col.key}/",)

    def article_path(self, col: ColumnContent, art: Article) -> str:
        hex_id = hashlib.md5(f"{self.site.site_id}/{col.key}/{art.art_id}".encode()).hexdigest()
        return f"/{col.key}/content_{hex_id}.shtml"

    def route(self, request: Request, now: datetime) -> Response | None:
        folder, _, name = request.path.rpartition("/")
        col = self.by_slug.get(folder.lstrip("/"))
        match = _LIST_FILE.match(name or "index.shtml")
        if col is None or match is None:
            return None
        page = int(match.group(1) or 1)
        if match.group(1) is not None and page < 2:
            return None  # index_1.shtml is never published
        items = col.visible(now)
        pages = self.pages(items)
        if page > pages:
            return None
        return self.page(self.render_list(col, items, page, pages))

    def list_item(self, href: str, art: Article) -> str:
        mark = '<span class="zd">[置顶]</span>' if art.pinned else ""
        day = f'<span class="time">{cn_date(art.published)}</span>' if art.published else ""
        return (f'<li>{mark}<a href="{attr(href)}" title="{attr(art.title)}" target="_blank">'
                f"{escape(self.short(art.title))}</a>{day}</li>")

    def pager(self, page: int, pages: int) -> str:
        def name(n: int) -> str:
            return "index.shtml" if n == 1 else f"index_{n}.shtml"

        links = [f'<span class="total">共{pages}页</span>', f'<a href="{name(1)}">首页</a>']
        if page > 1:
            links.append(f'<a href="{name(page - 1)}">上一页</a>')
        links.append(f'<span class="current">{page}</span>')
        if page < pages:
            links.append(f'<a href="{name(page + 1)}">下一页</a>')
        links.append(f'<a href="{name(pages)}">尾页</a>')
        return f'<div id="page-div" class="page">{"".join(links)}</div>'

    def render_list(self, col: ColumnContent, items: list[Article], page: int, pages: int) -> str:
        chunk = items[(page - 1) * self.page_size:page * self.page_size]
        lis = "\n".join(self.list_item(self.article_path(col, a), a) for a in chunk)
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(col.column.name)}</span></div>\n'
            f'<div class="list-main"><h2>{escape(col.column.name)}</h2>\n'
            f'<cmspro_documents sitecode="{attr(self.site_code)}" channelcode="{attr(col.key)}" '
            f'documenttype="0|1|2|3|8|9" num="1000" startpos="0" pagesize="{self.page_size}" '
            f'pagenavigationid="page-div">\n<ul class="list">\n{lis}\n</ul>\n</cmspro_documents>\n'
            f"{self.pager(page, pages)}</div>{self.links_block(col.column.name)}"
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{col.column.name}_{self.site.site_name}", metas, body)

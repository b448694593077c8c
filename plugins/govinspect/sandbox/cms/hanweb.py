"""Hanweb / 大汉 jcms sites.

- column ``/col/col<id>/index.html``: the first page of the list is embedded as
  ``<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=2&…">]]>
  </nextgroup><recordset><record><![CDATA[<li>…</li>]]></record>…</recordset></datastore></script>``;
- further pages: ``GET /module/web/jpage/dataproxy.jsp?page=N&columnid=<id>&unitid=<unit>`` (optional
  ``perpage``) → XML ``<datastore>`` with ``<nextgroup>``, ``<recordset>``, ``<totalrecord>``, ``<totalpage>``;
  a wrong column or unit id gives an empty record set;
- articles ``/art/YYYY/M/D/art_<colid>_<artid>.html`` (no zero padding); ids are **not** in date order;
  undated items link to ``/art/art_<colid>_<artid>.html`` and show no date;
- ``list_style: table`` (older sites): each record is a one-row table
  ``<table …><tr><td><a href=… title=…>…</a></td><td>[2017-04-24]</td></tr></table>``.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from urllib.parse import quote

from govinspect.sandbox.cms.base import CmsSite, attr
from govinspect.sandbox.content import Article, ColumnContent, stable_int
from govinspect.sandbox.server import Request, Response

_COLUMN = re.compile(r"^/col/col(\d+)/(?:index\.html)?$")
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
JPAGE_JS = "/module/web/jpage/jpage.js"


class HanwebSite(CmsSite):
    family = "hanweb"
    server_header = "nginx"
    article_ids = "scrambled"
    default_page_size = 15

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id = self.site.unit_id or 10000 + stable_int(self.site.site_id, "unit") % 90000
        self.web_id = stable_int(self.site.site_id, "web") % 900 + 1
        self.by_id = {col.key: col for col in self.content.columns}

    def column_path(self, col: ColumnContent) -> str:
        return f"/col/col{col.key}/index.html"

    def column_aliases(self, col: ColumnContent) -> tuple[str, ...]:
        return (f"/col/col{col.key}/",)

    def article_path(self, col: ColumnContent, art: Article) -> str:
        if art.published is None:
            return f"/art/art_{col.key}_{art.art_id}.html"
        p = art.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_{col.key}_{art.art_id}.html"

    def route(self, request: Request, now: datetime) -> Response | None:
        if request.path == DATAPROXY:
            return self.dataproxy(request, now)
        if request.path == JPAGE_JS:
            return Response(200, b"/* jpage */\n", "application/javascript")
        m = _COLUMN.match(request.path)
        col = self.by_id.get(m.group(1)) if m else None
        if col is None:
            return None
        return self.page(self.render_column(col, col.visible(now)))

    # --- data ------------------------------------------------------------------------------------------
    def proxy_url(self, col: ColumnContent, page: int) -> str:
        return (f"{DATAPROXY}?page={page}&appid=1&webid={self.web_id}&path=/&columnid={col.key}"
                f"&unitid={self.unit_id}&webname={quote(self.site.site_name)}&permissiontype=0")

    def records(self, col: ColumnContent, items: list[Article], page: int, per_page: int) -> str:
        chunk = items[(page - 1) * per_page:page * per_page]
        item = self.table_row if col.list_style == "table" else self.list_item
        return "\n".join(
            f"<record><![CDATA[\n{item(self.article_path(col, a), a)}\n]]></record>" for a in chunk
        )

    def table_row(self, href: str, art: Article) -> str:
        """Older jcms templates: one table row per record, the date in brackets in its own cell."""
        mark = '<img src="/images/top.gif" alt="置顶">' if art.pinned else ""
        day = f"[{art.published:%Y-%m-%d}]" if art.published else ""
        return ('<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
                f'<td class="bt_link">{mark}<a href="{attr(href)}" title="{attr(art.title)}" target="_blank">'
                f'{escape(self.short(art.title))}</a></td><td width="90" class="bt_time">{day}</td></tr></table>')

    def nextgroup(self, col: ColumnContent, page: int, pages: int) -> str:
        link = f'<a href="{self.proxy_url(col, page + 1)}"></a>' if page < pages else ""
        return f"<nextgroup><![CDATA[{link}]]></nextgroup>"

    def dataproxy(self, request: Request, now: datetime) -> Response:
        col = self.by_id.get(request.arg("columnid") or "")
        items = col.visible(now) if col and request.arg("unitid") == str(self.unit_id) else []
        try:
            page = max(1, int(request.arg("page") or 1))
            per_page = min(100, max(1, int(request.arg("perpage") or self.page_size)))
        except ValueError:
            page, per_page = 1, self.page_size
        total = len(items)
        pages = -(-total // per_page)
        body = (
            f'<?xml version="1.0" encoding="{self.site.label}"?>\n<datastore>\n'
            f"{self.nextgroup(col, page, pages) if col else '<nextgroup><![CDATA[]]></nextgroup>'}\n"
            f"<recordset>\n{self.records(col, items, page, per_page) if col else ''}\n</recordset>\n"
            f"<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n</datastore>\n"
        )
        ctype = "text/xml;charset=UTF-8" if self.site.encoding == "utf-8" else "text/xml"
        return Response(200, self.encode(body), ctype)

    def render_column(self, col: ColumnContent, items: list[Article]) -> str:
        pages = self.pages(items)
        div = f"{stable_int(self.site.site_id, col.key) % 10**6}"
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(col.column.name)}</span></div>\n'
            f'<div class="list-main"><h2>{escape(col.column.name)}</h2>\n<div id="{div}">'
            f'<script type="text/xml"><datastore>\n{self.nextgroup(col, 1, pages)}\n'
            f"<recordset>\n{self.records(col, items, 1, self.page_size)}\n</recordset>\n</datastore></script></div>\n"
            f'<script type="text/javascript" src="{JPAGE_JS}"></script>\n'
            f"<script type=\"text/javascript\">$('#{div}').jpage({{dataStore: dataStore, perPage: {self.page_size}, "
            f"totalRecord: {len(items)}, proxyUrl: '{DATAPROXY}', "
            f"ajaxParam: {{columnid: {col.key}, unitid: {self.unit_id}, webid: {self.web_id}}}}});</script></div>"
            f"{self.links_block(col.column.name)}"
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{col.column.name}_{self.site.site_name}", metas, body)

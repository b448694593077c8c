"""Sichuan provincial intensive platform (四川省政府网站集约化平台), the one the Ganzi portal runs on.

- columns ``/<site>/c<channelId>/list.shtml``, then ``list_2.shtml``, ``list_3.shtml``…; the pager is the
  script call ``createPageHTML('page_div', <pages>, <current, 1-based>, 'list', 'shtml', <total>)``;
- items ``<li><a href="/<site>/c<channelId>/YYYY/M/D/<32 hex>.shtml" title="full title">shortened…</a>
  <span>YYYY-MM-DD</span></li>`` (absolute links, no zero padding in the date folders); columns with
  ``article_url: ym`` publish under ``/<site>/c<channelId>/YYYYMM/<32 hex>.shtml``; undated items live at
  ``/<site>/c<channelId>/<32 hex>.shtml`` and show no date;
- ``list_style: json``: ``list.shtml`` carries an empty ``<ul id="listContent" data-url="/<site>/c<id>/list.json"
  data-page-size="N">`` filled client-side (``getList("/<site>/c<id>/list.json", 1)`` in a ``<script>``);
  ``GET /<site>/c<channelId>/list.json?page=N`` (optional ``pageSize``) → ``{"code":0,"msg":"success",
  "data":{"list":[{"id","title","url","publishTime":"2024-09-02 10:30:00","isTop":0|1}],"total","pageCount",
  "pageNo","pageSize"}}`` (undated: ``"publishTime":""``; past the end: an empty list). Such columns have
  no ``list_2.shtml``.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from html import escape

from govinspect.sandbox.cms.base import CmsSite, attr
from govinspect.sandbox.content import Article, ColumnContent
from govinspect.sandbox.server import Request, Response

_LIST = re.compile(r"^/(?P<site>[^/]+)/c(?P<ch>\d+)/(?:(?P<file>list(?:_(?P<n>\d+))?\.(?P<ext>shtml|json)))?$")
LIST_JS = "js/list.js"


class SichuanSite(CmsSite):
    family = "sichuan"
    server_header = "nginx"
    article_ids = "chronological"
    default_page_size = 20

    def __init__(self, *args, **kwargs):
        self.site_path = args[0].site_path or args[0].site_id
        super().__init__(*args, **kwargs)
        self.by_channel = {col.key: col for col in self.content.columns}

    def base(self, col: ColumnContent) -> str:
        return f"/{self.site_path}/c{col.key}"

    def column_path(self, col: ColumnContent) -> str:
        return f"{self.base(col)}/list.shtml"

    def column_aliases(self, col: ColumnContent) -> tuple[str, ...]:
        return (f"{self.base(col)}/",)

    def json_path(self, col: ColumnContent) -> str:
        return f"{self.base(col)}/list.json"

    def hex_id(self, col: ColumnContent, art: Article) -> str:
        return hashlib.md5(f"{self.site.site_id}/{col.key}/{art.art_id}".encode()).hexdigest()

    def article_path(self, col: ColumnContent, art: Article) -> str:
        hex_id = self.hex_id(col, art)
        p = art.published
        if p is None:
            return f"{self.base(col)}/{hex_id}.shtml"
        if col.column.article_url == "ym":
            return f"{self.base(col)}/{p:%Y%m}/{hex_id}.shtml"
        return f"{self.base(col)}/{p.year}/{p.month}/{p.day}/{hex_id}.shtml"

    def route(self, request: Request, now: datetime) -> Response | None:
        if request.path == f"/{self.site_path}/{LIST_JS}":
            return Response(200, b"/* list */\n", "application/javascript")
        m = _LIST.match(request.path)
        if not m or m.group("site") != self.site_path:
            return None
        col = self.by_channel.get(m.group("ch"))
        if col is None:
            return None
        items = col.visible(now)
        json_style = col.list_style == "json"
        if m.group("ext") == "json":
            return self.list_json(col, items, request) if json_style and m.group("n") is None else None
        page = int(m.group("n") or 1)
        if m.group("n") is not None and (page < 2 or json_style):
            return None  # list_1.shtml is never published; JSON columns have one HTML page
        pages = self.pages(items)
        if page > pages:
            return None
        return self.page(self.render_list(col, items, page, pages))

    def list_json(self, col: ColumnContent, items: list[Article], request: Request) -> Response:
        try:
            page = max(1, int(request.arg("page") or 1))
            size = min(100, max(1, int(request.arg("pageSize") or self.page_size)))
        except ValueError:
            page, size = 1, self.page_size
        chunk = items[(page - 1) * size:page * size]
        rows = [{
            "id": self.hex_id(col, a),
            "title": a.title,
            "url": self.article_path(col, a),
            "publishTime": f"{a.published:%Y-%m-%d %H:%M:%S}" if a.published else "",
            "isTop": 1 if a.pinned else 0,
        } for a in chunk]
        data = {"code": 0, "msg": "success", "data": {
            "list": rows, "total": len(items), "pageCount": -(-len(items) // size), "pageNo": page, "pageSize": size,
        }}
        return Response(200, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")

    def render_list(self, col: ColumnContent, items: list[Article], page: int, pages: int) -> str:
        if col.list_style == "json":
            url = self.json_path(col)
            listing = (
                f'<ul class="list" id="listContent" data-url="{attr(url)}" data-page-size="{self.page_size}"></ul>\n'
                '<div id="page_div" class="page"></div>\n'
                f'<script type="text/javascript" src="/{self.site_path}/{LIST_JS}"></script>\n'
                f'<script type="text/javascript">getList("{url}", 1);</script>'
            )
        else:
            chunk = items[(page - 1) * self.page_size:page * self.page_size]
            lis = "\n".join(self.list_item(self.article_path(col, a), a) for a in chunk)
            listing = (
                f'<ul class="list">\n{lis}\n</ul>\n<div id="page_div" class="page"></div>\n'
                '<script type="text/javascript">'
                f"createPageHTML('page_div', {pages}, {page}, 'list', 'shtml', {len(items)});</script>"
            )
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(col.column.name)}</span></div>\n'
            f'<div class="list-main"><h2>{escape(col.column.name)}</h2>\n{listing}</div>'
            f"{self.links_block(col.column.name)}"
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{col.column.name}_{self.site.site_name}", metas, body)

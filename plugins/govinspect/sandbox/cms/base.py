"""What every simulated government website shares: routing of home and article pages, encoding,
government meta tags, the home page with its ``MM-DD`` widgets, the article page and the 404 page.

A CMS family subclasses :class:`CmsSite` and supplies its URL scheme and its column list pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape

from govinspect.sandbox.content import Article, ColumnContent, GuestMessage, build_site, stable_int
from govinspect.sandbox.scenario import Site
from govinspect.sandbox.server import Request, Response

HOME_PATHS = ("/", "/index.html", "/index.htm")
DEAD_BLOCK = 249  # <prefix>.249.x: never bound by the sandbox; links there fail to connect


def attr(text: str) -> str:
    return escape(text, quote=True)


class CmsSite:
    family = ""
    server_header = "nginx"
    article_ids = "chronological"  # or "scrambled"
    default_page_size = 20
    widget_size = 6  # items per column on the home page
    title_chars = 20  # list link text is truncated to this many characters, then "…"

    def __init__(self, site: Site, monitoring_point: date, now: Callable[[], datetime], releases=()):
        self.site = site
        self.now = now
        self.content = build_site(site, monitoring_point, self.article_ids, tuple(releases))
        self.page_size = site.page_size or self.default_page_size
        self.site_code = site.site_code or f"5133{stable_int(site.site_id) % 1_000_000:06d}"
        self.domain = site.domain or f"www.{site.site_id}.gov.cn"
        self.articles: dict[str, tuple[ColumnContent, Article]] = {
            self.article_path(col, art): (col, art) for col in self.content.columns for art in col.articles
        }
        self.guestbooks: dict[str, ColumnContent] = {}
        self.message_pages: dict[str, tuple[ColumnContent, GuestMessage]] = {}
        for col in self.content.columns:
            if col.column.messages:
                for path in (self.column_path(col), *self.column_aliases(col)):
                    self.guestbooks[path] = col
                for msg in col.messages:
                    self.message_pages[self.message_path(col, msg)] = (col, msg)
        served = {*self.articles, *self.message_pages, *HOME_PATHS,
                  *(self.column_path(c) for c in self.content.columns)}
        for link in site.broken_links:
            if not link.dead_host and link.path in served:
                raise ValueError(f"site {site.site_id}: broken link path {link.path} is a served page")
        self._local: tuple[str, int] = ("127.0.0.1", 80)  # the address of the current request

    # --- URL scheme (per family) ----------------------------------------------------------------------
    def column_path(self, col: ColumnContent) -> str:
        """Absolute path of the column's first list page."""
        raise NotImplementedError

    def article_path(self, col: ColumnContent, art: Article) -> str:
        raise NotImplementedError

    def column_aliases(self, col: ColumnContent) -> tuple[str, ...]:
        """Other paths answering the column's first list page (TRS: the folder ``/<slug>/``)."""
        return ()

    def message_path(self, col: ColumnContent, msg: GuestMessage) -> str:
        """A guestbook message's page: next to the column's list page."""
        return f"{self.column_path(col).rsplit('/', 1)[0]}/msg_{msg.msg_id}.html"

    def home_link(self, col: ColumnContent, art: Article) -> str:
        """How the home page links to an article (relative or absolute, as the family does)."""
        return self.article_path(col, art)

    def route(self, request: Request, now: datetime) -> Response | None:
        """Family-specific pages (column lists, data proxies); None = not found."""
        raise NotImplementedError

    # --- HTTP -----------------------------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        now = self.now()
        self._local = request.local
        if request.path in HOME_PATHS:
            return self.page(self.render_home(now))
        found = self.articles.get(request.path)
        if found and found[1].visible_at(now):
            return self.page(self.render_article(*found))
        if request.path in self.guestbooks:
            return self.page(self.render_guestbook(self.guestbooks[request.path], now))
        message = self.message_pages.get(request.path)
        if message and message[1].asked <= now:
            return self.page(self.render_message(*message, now))
        return self.route(request, now) or self.not_found()

    def encode(self, text: str) -> bytes:
        return text.encode(self.site.encoding, errors="xmlcharrefreplace")

    @property
    def html_type(self) -> str:
        # GBK sites declare their charset only in <meta>; the HTTP header has none (as observed in the wild)
        return "text/html; charset=UTF-8" if self.site.encoding == "utf-8" else "text/html"

    def page(self, html: str, status: int = 200) -> Response:
        return Response(status, self.encode(html), self.html_type)

    def not_found(self) -> Response:
        html = self.document("404 页面不存在", [], '<div class="error"><h1>404</h1>'
                             '<p>很抱歉，您访问的页面不存在或已被删除。</p><p><a href="/">返回首页</a></p></div>')
        return self.page(html, 404)

    # --- HTML pieces ----------------------------------------------------------------------------------
    def charset_meta(self) -> str:
        if self.site.encoding == "utf-8":
            return '<meta charset="utf-8">'
        return f'<meta http-equiv="Content-Type" content="text/html; charset={self.site.label}">'

    def document(self, title: str, metas: list[tuple[str, str]], body: str) -> str:
        meta_html = "\n".join(f'<meta name="{n}" content="{attr(v)}">' for n, v in metas)
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
            f"{self.charset_meta()}\n<title>{escape(title)}</title>\n{meta_html}\n"
            "</head>\n<body>\n"
            f'<div class="header"><div class="logo"><a href="/">{escape(self.site.site_name)}</a></div></div>\n'
            f"{self.nav()}\n{body}\n{self.footer()}\n</body>\n</html>\n"
        )

    def site_metas(self) -> list[tuple[str, str]]:
        return [("SiteName", self.site.site_name), ("SiteDomain", self.domain), ("SiteIDCode", self.site_code)]

    def nav(self) -> str:
        links = "".join(
            f'<li><a href="{attr(self.column_path(col))}">{escape(col.column.name)}</a></li>'
            for col in self.content.columns
        )
        return f'<div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div>'

    def footer(self) -> str:
        return (
            f'<div class="footer"><p>主办单位：{escape(self.site.unit)}</p>'
            f"<p>网站标识码：{self.site_code}　蜀ICP备{stable_int(self.site.site_id, 'icp') % 10**8:08d}号</p></div>"
        )

    def short(self, title: str) -> str:
        return title if len(title) <= self.title_chars else title[: self.title_chars] + "…"

    def render_home(self, now: datetime) -> str:
        boxes = []
        for col in self.content.columns:
            items = []
            for art in col.visible(now)[: self.widget_size]:
                day = f"<span>{art.published:%m-%d}</span>" if art.published else ""
                items.append(f'<li><a href="{attr(self.home_link(col, art))}" title="{attr(art.title)}" '
                             f'target="_blank">{escape(self.short(art.title))}</a>{day}</li>')
            for msg in col.visible_messages(now)[: self.widget_size]:
                items.append(f'<li><a href="{attr(self.message_path(col, msg))}" title="{attr(msg.title)}" '
                             f'target="_blank">{escape(self.short(msg.title))}</a><span>{msg.asked:%m-%d}</span></li>')
            boxes.append(
                f'<div class="box"><div class="box-title"><h3>{escape(col.column.name)}</h3>'
                f'<a class="more" href="{attr(self.column_path(col))}">更多&gt;&gt;</a></div>'
                f'<ul class="box-list">{"".join(items)}</ul></div>'
            )
        body = '<div class="main">\n' + "\n".join(boxes) + "\n</div>" + self.links_block("home")
        return self.document(self.site.site_name, self.site_metas(), body)

    # --- planted broken links -------------------------------------------------------------------------
    def dead_origin(self) -> str:
        """``http://<prefix>.249.1:<port>``: an address in this sandbox's block that nothing listens on."""
        address, port = self._local
        parts = address.split(".")
        return f"http://{parts[0]}.{parts[1]}.{DEAD_BLOCK}.1:{port}"

    def links_block(self, on: str) -> str:
        """相关链接 box with the broken links planted on ``on`` ("home" or a column name); "" if none."""
        links = [x for x in self.site.broken_links if x.on_page == on]
        if not links:
            return ""
        lis = "".join(
            f'<li><a href="{attr((self.dead_origin() if x.dead_host else "") + x.path)}" target="_blank">'
            f"{escape(x.text)}</a></li>" for x in links
        )
        return f'\n<div class="links"><h3>相关链接</h3><ul class="link-list">{lis}</ul></div>'

    # --- guestbook (互动 columns with messages) --------------------------------------------------------
    def render_guestbook(self, col: ColumnContent, now: datetime) -> str:
        rows = []
        for msg in col.visible_messages(now):
            replied = msg.reply_at(now)
            rows.append(
                f'<tr><td class="title"><a href="{attr(self.message_path(col, msg))}" title="{attr(msg.title)}" '
                f'target="_blank">{escape(self.short(msg.title))}</a></td>'
                f'<td class="ask-time">{msg.asked:%Y-%m-%d}</td>'
                f'<td class="reply-time">{f"{replied:%Y-%m-%d}" if replied else ""}</td>'
                f'<td class="state">{"已回复" if replied else "未回复"}</td></tr>'
            )
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(col.column.name)}</span></div>\n'
            f'<div class="list-main guestbook"><h2>{escape(col.column.name)}</h2>\n'
            '<div class="gb-tools"><a class="write" href="javascript:void(0)">我要写信</a></div>\n'
            '<table class="gb-list"><thead><tr><th>信件标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th>'
            f'</tr></thead>\n<tbody>\n{"".join(rows)}\n</tbody></table></div>{self.links_block(col.column.name)}'
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{col.column.name}_{self.site.site_name}", metas, body)

    def render_message(self, col: ColumnContent, msg: GuestMessage, now: datetime) -> str:
        replied = msg.reply_at(now)
        reply = (
            f'<div class="reply"><h3>回复内容</h3><p class="reply-unit">回复单位：{escape(self.site.unit)}</p>'
            f'<p class="reply-time">回复时间：{replied:%Y-%m-%d %H:%M}</p><p>{escape(msg.reply or "")}</p></div>'
            if replied else '<div class="reply"><h3>回复内容</h3><p class="state">未回复</p></div>'
        )
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="{attr(self.column_path(col))}">{escape(col.column.name)}</a></div>\n'
            f'<div class="letter"><h1>{escape(msg.title)}</h1>'
            f'<p class="ask-time">留言时间：{msg.asked:%Y-%m-%d %H:%M}</p>'
            f'<div class="ask"><p>{escape(msg.body)}</p></div>{reply}</div>'
        )
        metas = self.site_metas() + [("ColumnName", col.column.name), ("ColumnType", col.column.category)]
        return self.document(f"{msg.title}_{self.site.site_name}", metas, body)

    def render_article(self, col: ColumnContent, art: Article) -> str:
        metas = self.site_metas() + [
            ("ColumnName", col.column.name), ("ColumnType", col.column.category), ("ArticleTitle", art.title),
        ]
        info = f'<span class="source">来源：{escape(art.source or self.site.unit)}</span>'
        if art.published:
            metas.append(("PubDate", f"{art.published:%Y-%m-%d %H:%M}"))
            info = f'<span class="time">发布时间：{art.published:%Y-%m-%d %H:%M}</span>' + info
        metas.append(("ContentSource", art.source or self.site.unit))
        paragraphs = "".join(f"<p>　　{escape(p)}</p>" for p in art.body.splitlines() if p.strip())
        body = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="{attr(self.column_path(col))}">{escape(col.column.name)}</a></div>\n'
            f'<div class="article"><h1>{escape(art.title)}</h1><div class="info">{info}</div>'
            f'<div class="content" id="zoom">{paragraphs}</div></div>'
        )
        return self.document(f"{art.title}_{self.site.site_name}", metas, body)

    def list_item(self, href: str, art: Article) -> str:
        """One ``<li>`` of a column list: pinned marker, truncated text, full title, date (if any)."""
        mark = '<em class="zd">置顶</em>' if art.pinned else ""
        day = f"<span>{art.published:%Y-%m-%d}</span>" if art.published else ""
        cls = ' class="top"' if art.pinned else ""
        return (f'<li{cls}>{mark}<a href="{attr(href)}" title="{attr(art.title)}" target="_blank">'
                f"{escape(self.short(art.title))}</a>{day}</li>")

    def pages(self, items: list[Article]) -> int:
        return max(1, -(-len(items) // self.page_size))

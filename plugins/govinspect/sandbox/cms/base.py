"""What every simulated government website shares: routing of home and article pages, encoding,
government meta tags, the home page with its ``MM-DD`` widgets, the article page and the 404 page.

A CMS family subclasses :class:`CmsSite` and supplies its URL scheme and its column list pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape

from govinspect.sandbox.content import Article, ColumnContent, build_site, stable_int
from govinspect.sandbox.scenario import Site
from govinspect.sandbox.server import Request, Response

HOME_PATHS = ("/", "/index.html", "/index.htm")


def attr(text: str) -> str:
    return escape(text, quote=True)


class CmsSite:
    family = ""
    server_header = "nginx"
    article_ids = "chronological"  # or "scrambled"
    default_page_size = 20
    widget_size = 6  # items per column on the home page
    title_chars = 20  # list link text is truncated to this many characters, then "…"

    def __init__(self, site: Site, monitoring_point: date, now: Callable[[], datetime]):
        self.site = site
        self.now = now
        self.content = build_site(site, monitoring_point, self.article_ids)
        self.page_size = site.page_size or self.default_page_size
        self.site_code = site.site_code or f"5133{stable_int(site.site_id) % 1_000_000:06d}"
        self.domain = site.domain or f"www.{site.site_id}.gov.cn"
        self.articles: dict[str, tuple[ColumnContent, Article]] = {
            self.article_path(col, art): (col, art) for col in self.content.columns for art in col.articles
        }

    # --- URL scheme (per family) ----------------------------------------------------------------------
    def column_path(self, col: ColumnContent) -> str:
        """Absolute path of the column's first list page."""
        raise NotImplementedError

    def article_path(self, col: ColumnContent, art: Article) -> str:
        raise NotImplementedError

    def home_link(self, col: ColumnContent, art: Article) -> str:
        """How the home page links to an article (relative or absolute, as the family does)."""
        return self.article_path(col, art)

    def route(self, request: Request, now: datetime) -> Response | None:
        """Family-specific pages (column lists, data proxies); None = not found."""
        raise NotImplementedError

    # --- HTTP -----------------------------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        now = self.now()
        if request.path in HOME_PATHS:
            return self.page(self.render_home(now))
        found = self.articles.get(request.path)
        if found and found[1].visible_at(now):
            return self.page(self.render_article(*found))
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
            boxes.append(
                f'<div class="box"><div class="box-title"><h3>{escape(col.column.name)}</h3>'
                f'<a class="more" href="{attr(self.column_path(col))}">更多&gt;&gt;</a></div>'
                f'<ul class="box-list">{"".join(items)}</ul></div>'
            )
        body = '<div class="main">\n' + "\n".join(boxes) + "\n</div>"
        return self.document(self.site.site_name, self.site_metas(), body)

    def render_article(self, col: ColumnContent, art: Article) -> str:
        metas = self.site_metas() + [
            ("ColumnName", col.column.name), ("ColumnType", col.column.category), ("ArticleTitle", art.title),
        ]
        info = f'<span class="source">来源：{escape(self.site.unit)}</span>'
        if art.published:
            metas.append(("PubDate", f"{art.published:%Y-%m-%d %H:%M}"))
            info = f'<span class="time">发布时间：{art.published:%Y-%m-%d %H:%M}</span>' + info
        metas.append(("ContentSource", self.site.unit))
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

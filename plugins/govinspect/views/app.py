"""The FastAPI app behind the 检查通报 entry of the Airflow UI (mounted at ``/govinspect`` by the plugin).

Pages (Chinese, for officials), relative to the mount point:

| path                                | what                                                               |
|-------------------------------------|--------------------------------------------------------------------|
| ``/``                               | every quarter found in the output folder, with what each one has   |
| ``/<quarter>/``                     | one quarter: the notice to read, downloads, docs, what is missing  |
| ``/<quarter>/notice.html``          | the notice as a web page (no scripts allowed)                      |
| ``/<quarter>/notice.docx``, ``findings.xlsx`` | downloads (``Content-Disposition: attachment``)          |
| ``/<quarter>/notice.md``            | the notice as Markdown text                                        |
| ``/<quarter>/dbt-docs/…``, ``/<quarter>/data-docs/…`` | the static dbt docs and GX Data Docs kept with the run |
| ``/runs/<dag_id>/<run_id>``         | the 通报 tab of a DAG run: redirects to the quarter that run worked on |

Every route depends on :func:`govinspect.views.auth.require_viewer` (Airflow's login). The output folder is read
on every request (``GOVINSPECT_OUTPUT_DIR``), so a new run shows up without restarting the API server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from govinspect.settings import paths
from govinspect.views.auth import QUARTERLY_DAG_ID, NotAuthorized, login_url, require_viewer
from govinspect.views.outputs import (
    DOCS_BY_FOLDER,
    OutputNotFound,
    artifact_path,
    check_quarter,
    docs_path,
    list_quarters,
    quarter_display_name,
    quarter_outputs,
)
from govinspect.views.runs import quarter_of_run

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Our own pages: no scripts at all; frames only from here (the notice); framed only by the Airflow UI.
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
# notice.html carries titles and names crawled from government pages: never let it run anything.
NOTICE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "same-origin"}


def _index_url(request: Request) -> str:
    """The app's own root, wherever it is mounted (``/govinspect/`` or ``<base_url path>/govinspect/``)."""
    return request.scope.get("root_path", "").rstrip("/") + "/"


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def create_app(output_dir: Callable[[], Path] | None = None,
               run_quarter: Callable[[str], str | None] | None = None) -> FastAPI:
    """Build the app. ``output_dir`` returns the output folder (default: ``paths().output``, read per request);
    ``run_quarter`` maps a run id of the quarterly DAG to its quarter (default: from Airflow's metadata DB)."""
    output = output_dir or (lambda: paths().output)
    quarter_of = run_quarter or quarter_of_run
    # Autoescape everything: titles shown here come from notice.html, i.e. from crawled pages.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    templates = Jinja2Templates(env=env)
    app = FastAPI(
        title="govinspect views",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # the only redirects are the explicit ones below
        dependencies=[Depends(require_viewer)],
    )

    def page(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
        context = {"index_url": _index_url(request), "user": getattr(request.state, "govinspect_user", None),
                   **context}
        response = templates.TemplateResponse(request, name, context, status_code=status_code)
        response.headers.update({**COMMON_HEADERS, "Content-Security-Policy": PAGE_CSP})
        return response

    @app.exception_handler(OutputNotFound)
    async def not_found(request: Request, exc: OutputNotFound) -> HTMLResponse:
        log.info("Not found: %s (%s)", request.url.path, exc.message)
        quarter_url = None
        if exc.quarter and (output() / exc.quarter).is_dir() and not request.url.path.rstrip("/").endswith(
                exc.quarter):
            quarter_url = f"{_index_url(request)}{exc.quarter}/"
        return page(request, "not_found.html.j2", {"message": exc.message, "quarter_url": quarter_url},
                    status_code=404)

    @app.exception_handler(NotAuthorized)
    async def not_authorized(request: Request, exc: NotAuthorized) -> Response:
        if not exc.authenticated and request.method == "GET" and _wants_html(request):
            target = login_url(str(request.url))
            if target:
                return RedirectResponse(target, status_code=303, headers=COMMON_HEADERS)
        if _wants_html(request):
            return page(request, "refused.html.j2", {"status": exc.status_code, "authenticated": exc.authenticated},
                        status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=COMMON_HEADERS)

    @app.get("/icon.svg", include_in_schema=False)
    def icon() -> Response:
        return Response(_ICON.format(color="#718096"), media_type="image/svg+xml", headers=COMMON_HEADERS)

    @app.get("/icon-dark.svg", include_in_schema=False)
    def icon_dark() -> Response:
        return Response(_ICON.format(color="#e2e8f0"), media_type="image/svg+xml", headers=COMMON_HEADERS)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        folder = output()
        quarters = [quarter_outputs(folder, q) for q in list_quarters(folder)]
        return page(request, "index.html.j2", {"quarters": quarters, "output_dir": str(folder)})

    @app.get("/runs/{dag_id}/{run_id:path}", include_in_schema=False)
    def run_outputs(request: Request, dag_id: str, run_id: str) -> RedirectResponse:
        """The 通报 tab of a DAG run in the UI: on to the quarter that run worked on."""
        if dag_id != QUARTERLY_DAG_ID:
            raise OutputNotFound(f"只有季度检查（{QUARTERLY_DAG_ID}）的运行生成通报，{dag_id} 不生成通报。")
        quarter = quarter_of(run_id)
        if quarter is None:
            raise OutputNotFound(f"运行 {run_id} 的第一步（prepare_run）尚未完成，还不知道它检查的是哪个季度。")
        return RedirectResponse(f"{_index_url(request)}{quarter}/", status_code=303)

    @app.get("/{quarter}", include_in_schema=False)
    def quarter_no_slash(request: Request, quarter: str) -> RedirectResponse:
        check_quarter(quarter)
        return RedirectResponse(f"{_index_url(request)}{quarter}/", status_code=307)

    @app.get("/{quarter}/", response_class=HTMLResponse)
    def quarter_page(request: Request, quarter: str) -> HTMLResponse:
        outputs = quarter_outputs(output(), quarter)
        return page(request, "quarter.html.j2", {"q": outputs})

    @app.get("/{quarter}/{name}")
    def artifact(request: Request, quarter: str, name: str) -> Response:
        if name in DOCS_BY_FOLDER:  # a docs folder without its slash: relative links inside need it
            check_quarter(quarter)
            return RedirectResponse(f"{_index_url(request)}{quarter}/{name}/", status_code=307)
        item, path = artifact_path(output(), quarter, name)
        headers = dict(COMMON_HEADERS)
        if item.download:
            download_name = f"{quarter}-{item.name}"
            headers["Content-Disposition"] = (
                f"attachment; filename=\"{download_name}\"; filename*=UTF-8''{quote(download_name)}")
        else:
            headers["Content-Security-Policy"] = NOTICE_CSP
        log.info("Serving %s of %s to %s", item.name, quarter, getattr(request.state, "govinspect_user", "?"))
        return FileResponse(path, media_type=item.media_type, headers=headers)

    @app.get("/{quarter}/{folder}/{relative:path}")
    def docs_file(request: Request, quarter: str, folder: str, relative: str) -> Response:
        path = docs_path(output(), quarter, folder, relative)
        headers = {**COMMON_HEADERS, "Content-Security-Policy": "frame-ancestors 'self'"}
        return FileResponse(path, media_type=_media_type(path), headers=headers)

    @app.get("/{anything:path}", include_in_schema=False)
    def anything_else(anything: str) -> Response:
        raise OutputNotFound("没有这个页面。")

    return app


# The navigation icon: a document with a check mark, drawn like the UI's own line icons.
_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{color}" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 '
    '2-2V8z"/><path d="M14 2v6h6"/><path d="m9 15 2 2 4-4"/></svg>'
)

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


def _media_type(path: Path) -> str:
    """Fixed table, not the platform's mimetypes database: a docs asset must not change type between machines."""
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


__all__ = ["create_app", "quarter_display_name"]

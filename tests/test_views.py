"""The operator views app (govinspect.views) with TestClient: mounted as Airflow mounts it, auth stubbed.

The real login is checked by tests/test_views_airflow.py against a running `airflow api-server`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from govinspect.views import URL_PREFIX, create_app
from govinspect.views.auth import NotAuthorized, require_viewer

PLUGIN_FILE = Path(__file__).resolve().parents[1] / "plugins" / "govinspect_views_plugin.py"
HTML = {"accept": "text/html,application/xhtml+xml"}
NOTICE_TITLE = "关于2024年第三季度全州政府网站和政务新媒体检查情况的通报"


def write_quarter(output: Path, quarter: str, *, title: str = NOTICE_TITLE, files: tuple[str, ...] | None = None,
                  docs: tuple[str, ...] = ("dbt-docs", "data-docs")) -> Path:
    folder = output / quarter
    folder.mkdir(parents=True)
    contents = {
        "notice.html": f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
                       f"<body><h1>{title}</h1><p>各县（市）人民政府：</p></body></html>".encode(),
        "notice.md": f"# {title}\n".encode(),
        "notice.docx": b"PK\x03\x04docx-bytes-" + quarter.encode(),
        "findings.xlsx": b"PK\x03\x04xlsx-bytes-" + quarter.encode(),
    }
    for name in files if files is not None else tuple(contents):
        (folder / name).write_bytes(contents[name])
    for site in docs:
        (folder / site / "static").mkdir(parents=True)
        (folder / site / "index.html").write_text(f"<html><body>{site} of {quarter}</body></html>", encoding="utf-8")
        (folder / site / "static" / "style.css").write_text("body { color: black }", encoding="utf-8")
    return folder


@pytest.fixture
def output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    out.mkdir()
    (tmp_path / "secret.txt").write_text("TOP-SECRET-OUTSIDE", encoding="utf-8")
    return out


def stub_viewer(request: Request) -> str:
    request.state.govinspect_user = "审核员"
    return "审核员"


def client_for(output: Path, *, viewer=stub_viewer, runs: dict[str, str] | None = None) -> TestClient:
    views = create_app(lambda: output, run_quarter=(runs or {}).get)
    if viewer is not None:
        views.dependency_overrides[require_viewer] = viewer
    root = FastAPI()  # as Airflow's API server does: the app is mounted at its url_prefix
    root.mount(URL_PREFIX, views)
    return TestClient(root, follow_redirects=False)


def test_index_lists_quarters_on_disk_newest_first(output: Path) -> None:
    write_quarter(output, "2024Q2", files=("notice.docx",), docs=())
    write_quarter(output, "2024Q3")
    (output / "2024Q5").mkdir()  # not a quarter
    (output / "scratch").mkdir()
    (output / "2023Q4").write_text("a file, not a folder", encoding="utf-8")

    response = client_for(output).get("/govinspect/", headers=HTML)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert '/govinspect/2024Q3/"' in body and '/govinspect/2024Q2/"' in body
    assert body.index("2024年第三季度") < body.index("2024年第二季度")
    assert "2024Q5" not in body and "scratch" not in body and "2023Q4" not in body
    assert NOTICE_TITLE in body
    assert "当前用户：审核员" in body
    # 2024Q2 has only the DOCX: the rest is named as missing
    q2_row = body[body.index("2024年第二季度"):]
    assert "通报（网页版）" in q2_row and "数据质量校验报告（GX Data Docs）" in q2_row
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_index_without_any_run_says_so(output: Path, tmp_path: Path) -> None:
    response = client_for(tmp_path / "never-created").get("/govinspect/")
    assert response.status_code == 200
    assert "尚无检查结果" in response.text


def test_quarter_page_shows_notice_downloads_and_docs(output: Path) -> None:
    write_quarter(output, "2024Q3")
    client = client_for(output)

    assert client.get("/govinspect/2024Q3").headers["location"] == "/govinspect/2024Q3/"
    body = client.get("/govinspect/2024Q3/").text

    assert f"<h1>{NOTICE_TITLE}</h1>" in body
    assert 'src="/govinspect/2024Q3/notice.html"' in body
    assert 'href="/govinspect/2024Q3/notice.docx" download' in body
    assert 'href="/govinspect/2024Q3/findings.xlsx" download' in body
    assert 'href="/govinspect/2024Q3/dbt-docs/"' in body
    assert 'href="/govinspect/2024Q3/data-docs/"' in body
    assert "尚未生成" not in body


def test_quarter_page_with_a_subset_says_what_is_missing(output: Path) -> None:
    write_quarter(output, "2024Q2", files=("notice.docx", "findings.xlsx"), docs=("dbt-docs",))
    body = client_for(output).get("/govinspect/2024Q2/").text

    assert "尚未生成：通报（网页版）、通报（Markdown 文本）、数据质量校验报告（GX Data Docs）" in body
    assert "<iframe" not in body
    assert "网页版通报尚未生成，请下载 Word 文档阅读" in body
    assert 'href="/govinspect/2024Q2/notice.docx" download' in body
    assert 'href="/govinspect/2024Q2/dbt-docs/"' in body
    assert "/govinspect/2024Q2/data-docs/" not in body


def test_downloads_are_attachments_with_office_types(output: Path) -> None:
    folder = write_quarter(output, "2024Q3")
    client = client_for(output)

    docx = client.get("/govinspect/2024Q3/notice.docx")
    assert docx.status_code == 200
    assert docx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx.headers["content-disposition"].startswith('attachment; filename="2024Q3-notice.docx"')
    assert docx.content == (folder / "notice.docx").read_bytes()

    xlsx = client.get("/govinspect/2024Q3/findings.xlsx")
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["content-disposition"].startswith("attachment;")
    assert xlsx.content == (folder / "findings.xlsx").read_bytes()


def test_notice_html_is_shown_inline_and_may_not_run_scripts(output: Path) -> None:
    write_quarter(output, "2024Q3")
    response = client_for(output).get("/govinspect/2024Q3/notice.html")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "content-disposition" not in response.headers
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert NOTICE_TITLE in response.text

    md = client_for(output).get("/govinspect/2024Q3/notice.md")
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"


def test_hostile_notice_title_is_escaped_in_the_pages(output: Path) -> None:
    write_quarter(output, "2024Q3", title="&lt;script&gt;alert(1)&lt;/script&gt;通报")
    client = client_for(output)
    for path in ("/govinspect/", "/govinspect/2024Q3/"):
        body = client.get(path).text
        assert "<script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;通报" in body


def test_missing_file_and_quarter_give_a_clear_404_page(output: Path) -> None:
    write_quarter(output, "2024Q3", files=("notice.html",), docs=())
    client = client_for(output)

    missing = client.get("/govinspect/2024Q3/notice.docx", headers=HTML)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "2024年第三季度的通报（Word 文档，供修改签发）尚未生成" in missing.text
    assert 'href="/govinspect/2024Q3/"' in missing.text  # back to the quarter

    no_docs = client.get("/govinspect/2024Q3/dbt-docs/")
    assert no_docs.status_code == 404 and "指标模型文档（dbt docs）尚未生成" in no_docs.text

    no_quarter = client.get("/govinspect/2023Q1/")
    assert no_quarter.status_code == 404 and "2023年第一季度（2023Q1）还没有检查结果" in no_quarter.text

    assert client.get("/govinspect/2024Q3/other.txt").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/govinspect/2024Q5/",
        "/govinspect/..%2F/",
        "/govinspect/..%2Fsecret.txt",
        "/govinspect/2024Q3/..%2F..%2Fsecret.txt",
        "/govinspect/2024Q3/dbt-docs/..%2F..%2F..%2Fsecret.txt",
        "/govinspect/2024Q3/dbt-docs/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/govinspect/2024Q3/data-docs/static/..%2F..%2Fnotice.docx",
        "/govinspect/2024Q3/dbt-docs/%2Fetc%2Fpasswd",
        "/govinspect/2024Q3/dbt-docs/escape/secret.txt",
        "/govinspect/2024Q3/elsewhere/secret.txt",
    ],
)
def test_no_path_leaves_the_allowed_files(output: Path, path: str) -> None:
    folder = write_quarter(output, "2024Q3")
    os.symlink(output.parent, folder / "dbt-docs" / "escape")  # a link out of the docs folder is not followed

    response = client_for(output).get(path)

    assert response.status_code == 404, response.text
    assert "TOP-SECRET-OUTSIDE" not in response.text
    assert "docx-bytes" not in response.text
    assert "root:" not in response.text


def test_docs_sites_are_served_from_their_folders(output: Path) -> None:
    write_quarter(output, "2024Q3")
    client = client_for(output)

    assert client.get("/govinspect/2024Q3/dbt-docs").headers["location"] == "/govinspect/2024Q3/dbt-docs/"
    dbt = client.get("/govinspect/2024Q3/dbt-docs/")
    assert dbt.status_code == 200 and dbt.text == "<html><body>dbt-docs of 2024Q3</body></html>"
    assert dbt.headers["content-type"] == "text/html; charset=utf-8"

    gx = client.get("/govinspect/2024Q3/data-docs/index.html")
    assert gx.text == "<html><body>data-docs of 2024Q3</body></html>"
    css = client.get("/govinspect/2024Q3/data-docs/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/govinspect/2024Q3/data-docs/static/").status_code == 404  # no index.html there


def test_anonymous_requests_are_refused(output: Path) -> None:
    write_quarter(output, "2024Q3")
    client = client_for(output, viewer=None)  # the real dependency: no cookie, no bearer token

    for path in ("/govinspect/", "/govinspect/2024Q3/", "/govinspect/2024Q3/notice.docx",
                 "/govinspect/2024Q3/dbt-docs/", "/govinspect/..%2Fsecret.txt", "/govinspect/nowhere"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Not authenticated"}
        assert "docx-bytes" not in response.text
    page = client.get("/govinspect/", headers=HTML)  # no auth manager in this process: no login redirect
    assert page.status_code == 401 and "请先登录" in page.text


def test_browser_without_login_is_sent_to_the_login_page(output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_quarter(output, "2024Q3")
    asked: list[str] = []

    def fake_login_url(next_url: str) -> str:
        asked.append(next_url)
        return "/auth/login?next=" + next_url

    monkeypatch.setattr("govinspect.views.app.login_url", fake_login_url)
    client = client_for(output, viewer=None)

    page = client.get("/govinspect/2024Q3/", headers=HTML)
    assert page.status_code == 303
    assert page.headers["location"] == "/auth/login?next=http://testserver/govinspect/2024Q3/"
    assert asked == ["http://testserver/govinspect/2024Q3/"]
    assert client.get("/govinspect/2024Q3/").status_code == 401  # an API client is not redirected


def test_user_without_permission_gets_a_403_page(output: Path) -> None:
    write_quarter(output, "2024Q3")

    def refuse(request: Request) -> str:
        raise NotAuthorized(403, "user x may not read runs", authenticated=True)

    response = client_for(output, viewer=refuse).get("/govinspect/2024Q3/notice.docx", headers=HTML)
    assert response.status_code == 403
    assert "无权访问" in response.text and "docx-bytes" not in response.text


def test_plugin_registers_the_app_and_a_nav_entry() -> None:
    spec = importlib.util.spec_from_file_location("govinspect_views_plugin_under_test", PLUGIN_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.GovinspectViewsPlugin

    assert plugin.name == "govinspect_views"
    (app_entry,) = plugin.fastapi_apps
    assert app_entry["url_prefix"] == URL_PREFIX
    assert not any(URL_PREFIX.startswith(p) for p in ("/api/v2", "/ui", "/execution", "/auth", "/pluginsv2"))
    view, run_tab = plugin.external_views
    assert view["href"] == "govinspect/" and view["url_route"] == "govinspect" and view["destination"] == "nav"
    assert view["nav_top_level"] is True and view["icon"] == "govinspect/icon.svg"
    assert run_tab["destination"] == "dag_run" and run_tab["href"] == "govinspect/runs/{DAG_ID}/{RUN_ID}"
    assert run_tab["url_route"] != view["url_route"]


def test_run_tab_leads_to_the_quarter_of_the_run(output: Path) -> None:
    write_quarter(output, "2024Q3")
    run_id = "manual__2024-09-10T01:00:00+00:00"
    client = client_for(output, runs={run_id: "2024Q3"})

    found = client.get("/govinspect/runs/gov_inspection_quarterly/manual__2024-09-10T01%3A00%3A00%2B00%3A00")
    assert found.status_code == 303 and found.headers["location"] == "/govinspect/2024Q3/"

    pending = client.get("/govinspect/runs/gov_inspection_quarterly/scheduled__2024-12-10T01:00:00+00:00")
    assert pending.status_code == 404 and "prepare_run）尚未完成" in pending.text

    other = client.get("/govinspect/runs/site_availability_probe/" + run_id)
    assert other.status_code == 404 and "site_availability_probe 不生成通报" in other.text


@pytest.mark.parametrize(
    ("value", "quarter"),
    [({"quarter": "2024Q3", "run_id": "x"}, "2024Q3"), ({"quarter": "../x"}, None), ({}, None), ("2024Q3", None),
     (None, None)],
)
def test_quarter_from_prepare_run_context(value, quarter) -> None:
    from govinspect.views.runs import quarter_from_context

    assert quarter_from_context(value) == quarter


def test_nav_icons_are_svg(output: Path) -> None:
    client = client_for(output)
    for path in ("/govinspect/icon.svg", "/govinspect/icon-dark.svg"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.text.startswith("<svg") and 'stroke="#' in response.text

"""The operator views on a real `airflow api-server`: the plugin is loaded from plugins/, the pages answer only
behind Airflow's login (simple auth manager, token endpoint), and the view renders inside the Airflow UI
(headless Chromium, when /usr/bin/chromium is installed).

One API server for the module, on a free loopback port, with its own AIRFLOW_HOME, metadata DB (a copy of the
checkout's), passwords file and output folder; it is stopped (its whole process group) at the end.
Set GOVINSPECT_VIEWS_SCREENSHOTS=<folder> to keep the screenshots.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

CHECKOUT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_TIMEOUT_S = 240
QUARTER = "2024Q3"
TITLE = "关于2024年第三季度全州政府网站和政务新媒体检查情况的通报"

NOTICE_HTML = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title>
<style>body {{ font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 1.8; max-width: 156mm;
margin: 2em auto; }} .office {{ color: #c00; font-size: 26pt; text-align: center; }}
h1 {{ font-size: 22pt; text-align: center; font-weight: normal; }} p {{ text-indent: 2em; margin: 0; }}</style>
</head><body>
<div class="office">甘孜州人民政府办公室</div><hr>
<h1>{TITLE}</h1><p style="text-align:center">（甘办函〔2024〕67号）</p>
<p>各县（市）人民政府，州级各部门：</p>
<p>按照《国务院办公厅关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》要求，州政府办公室对全州
38个政府网站和145个政务新媒体账号开展了第三季度检查。现将有关情况通报如下。</p>
</body></html>"""


@dataclass
class Server:
    url: str
    output: Path
    passwords: dict[str, str]
    log: Path

    def token(self, user: str) -> str:
        response = httpx.post(f"{self.url}/auth/token", json={"username": user, "password": self.passwords[user]},
                              timeout=30)
        assert response.status_code == 201, response.text
        return response.json()["access_token"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_outputs(output: Path) -> None:
    folder = output / QUARTER
    folder.mkdir(parents=True)
    (folder / "notice.html").write_text(NOTICE_HTML, encoding="utf-8")
    (folder / "notice.md").write_text(f"# {TITLE}\n", encoding="utf-8")
    (folder / "notice.docx").write_bytes(b"PK\x03\x04docx")
    (folder / "findings.xlsx").write_bytes(b"PK\x03\x04xlsx")
    (folder / "dbt-docs").mkdir()
    (folder / "dbt-docs" / "index.html").write_text("<html><body>dbt docs</body></html>", encoding="utf-8")
    # data-docs deliberately absent: the page must say it is missing


def copy_metadata_db(target: Path) -> None:
    """A consistent copy of the checkout's migrated Airflow DB (sqlite backup API), or a fresh migration."""
    source = CHECKOUT / "airflow_home" / "airflow.db"
    if source.is_file():
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    subprocess.run([str(VENV_BIN / "airflow"), "db", "migrate"], check=True, timeout=300,
                   env={**os.environ, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{target}"})


RUN_ID = "manual__2024-09-10T01:00:00+00:00"


def seed_quarterly_run(db: Path) -> None:
    """A run of the quarterly DAG whose prepare_run returned its context (as the XCom row Airflow stores)."""
    now = "2024-09-10 01:00:00.000000"
    context = {"quarter": QUARTER, "run_id": RUN_ID, "monitoring_date": "2024-09-10"}
    with sqlite3.connect(db) as con:
        cursor = con.execute(
            "INSERT INTO dag_run (dag_id, run_id, run_type, state, run_after, logical_date, clear_number, span_status)"
            " VALUES ('gov_inspection_quarterly', ?, 'manual', 'success', ?, ?, 0, 'ended')", (RUN_ID, now, now))
        con.execute(
            "INSERT INTO xcom (dag_run_id, task_id, map_index, key, dag_id, run_id, value, timestamp)"
            " VALUES (?, 'prepare_run', -1, 'return_value', 'gov_inspection_quarterly', ?, ?, ?)",
            (cursor.lastrowid, RUN_ID, json.dumps(context), now))


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("views-api")
    home, dags, output = root / "airflow_home", root / "dags", root / "output"
    home.mkdir()
    dags.mkdir()
    make_outputs(output)
    copy_metadata_db(root / "airflow.db")
    seed_quarterly_run(root / "airflow.db")
    passwords = {"admin": secrets.token_urlsafe(12), "reader": secrets.token_urlsafe(12)}
    (root / "passwords.json").write_text(json.dumps(passwords), encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{root / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(CHECKOUT / "plugins"),
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,reader:viewer",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(root / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(root / "logs"),
        "GOVINSPECT_OUTPUT_DIR": str(output),
    }
    log = root / "api-server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(VENV_BIN / "airflow"), "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, cwd=root, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"airflow api-server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{url}/api/v2/monitor/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"airflow api-server not up after {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        yield Server(url, output, passwords, log)
    finally:
        stop(process)


def test_pages_answer_with_a_token_and_refuse_without(server: Server) -> None:
    token = server.token("admin")
    bearer = {"Authorization": f"Bearer {token}"}

    index = httpx.get(f"{server.url}/govinspect/", headers=bearer, timeout=30)
    assert index.status_code == 200, index.text
    assert TITLE in index.text and "当前用户：admin" in index.text

    quarter = httpx.get(f"{server.url}/govinspect/{QUARTER}/", cookies={"_token": token}, timeout=30)  # as the UI
    assert quarter.status_code == 200
    assert "尚未生成：通报（网页版）" not in quarter.text
    assert "数据质量校验报告（GX Data Docs）" in quarter.text and "尚未生成" in quarter.text

    docx = httpx.get(f"{server.url}/govinspect/{QUARTER}/notice.docx", headers=bearer, timeout=30)
    assert docx.status_code == 200 and docx.content == b"PK\x03\x04docx"
    assert docx.headers["content-disposition"].startswith("attachment;")

    viewer = httpx.get(f"{server.url}/govinspect/{QUARTER}/notice.html",
                       headers={"Authorization": f"Bearer {server.token('reader')}"}, timeout=30)
    assert viewer.status_code == 200 and TITLE in viewer.text  # the viewer role may read DAG runs

    for path in ("/govinspect/", f"/govinspect/{QUARTER}/", f"/govinspect/{QUARTER}/notice.docx",
                 f"/govinspect/{QUARTER}/dbt-docs/"):
        anonymous = httpx.get(server.url + path, timeout=30)
        assert anonymous.status_code == 401, path
        assert b"docx" not in anonymous.content
        forged = httpx.get(server.url + path, headers={"Authorization": "Bearer not-a-jwt"}, timeout=30)
        assert forged.status_code in (401, 403), path

    browser = httpx.get(f"{server.url}/govinspect/{QUARTER}/", headers={"Accept": "text/html"}, timeout=30)
    assert browser.status_code == 303
    assert browser.headers["location"].startswith("/auth/login?next=")
    assert "govinspect%2F2024Q3" in browser.headers["location"]


def test_run_tab_finds_the_quarter_in_the_metadata_db(server: Server) -> None:
    bearer = {"Authorization": f"Bearer {server.token('admin')}"}
    found = httpx.get(f"{server.url}/govinspect/runs/gov_inspection_quarterly/{quote(RUN_ID, safe='')}",
                      headers=bearer, timeout=30)
    assert found.status_code == 303, found.text
    assert found.headers["location"] == f"/govinspect/{QUARTER}/"

    unknown = httpx.get(f"{server.url}/govinspect/runs/gov_inspection_quarterly/manual__2030-01-01",
                        headers=bearer, timeout=30)
    assert unknown.status_code == 404 and "prepare_run" in unknown.text
    assert httpx.get(f"{server.url}/govinspect/runs/gov_inspection_quarterly/{quote(RUN_ID, safe='')}",
                     timeout=30).status_code == 401


def test_plugin_is_listed_with_its_nav_entry(server: Server) -> None:
    response = httpx.get(f"{server.url}/api/v2/plugins", headers={"Authorization": f"Bearer {server.token('admin')}"},
                         timeout=30)
    assert response.status_code == 200
    plugin = next(p for p in response.json()["plugins"] if p["name"] == "govinspect_views")
    assert [a["url_prefix"] for a in plugin["fastapi_apps"]] == ["/govinspect"]
    view, run_tab = plugin["external_views"]
    assert view["name"] == "检查通报" and view["url_route"] == "govinspect" and view["href"] == "govinspect/"
    assert run_tab["destination"] == "dag_run"
    assert "Failed to import plugin" not in server.log.read_text()


# ---- headless Chromium over the DevTools protocol --------------------------------------------------------------


class DevTools:
    """Just enough of the Chrome DevTools protocol: commands on one page target, waiting for a condition."""

    def __init__(self, ws) -> None:
        self.ws = ws  # a websockets.sync client connection to the page target
        self.next_id = 0

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                body = self.evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''")
                raise AssertionError(f"timed out waiting for {expression!r}; page text:\n{body}")
            time.sleep(0.5)

    def screenshot(self, target: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        target.write_bytes(base64.b64decode(data))
        return target


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[DevTools]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium; not part of the project's install)")
    pytest.importorskip("websockets", reason="the websockets package drives Chromium's DevTools protocol")
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen(
        [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1440,1100", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("headless Chromium did not start")
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(p for p in pages if p["type"] == "page")
        from websockets.sync.client import connect

        with connect(page["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024, open_timeout=30) as ws:
            devtools = DevTools(ws)
            devtools.call("Page.enable")
            devtools.call("Network.enable")
            yield devtools
    finally:
        stop(process)
        shutil.rmtree(profile, ignore_errors=True)


def keep(screenshot: Path) -> None:
    folder = os.environ.get("GOVINSPECT_VIEWS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(folder) / screenshot.name)


def test_screenshot_of_the_quarter_page_inside_the_airflow_ui(server: Server, chromium: DevTools,
                                                              tmp_path: Path) -> None:
    token = server.token("admin")
    chromium.call("Network.setCookie", name="_token", value=token, url=server.url, httpOnly=True)

    # The quarter page on its own.
    chromium.call("Page.navigate", url=f"{server.url}/govinspect/{QUARTER}/")
    chromium.wait_for("document.body && document.body.innerText.includes('通报全文')")
    chromium.wait_for("(() => { const f = document.querySelector('iframe.notice-frame');"
                      " return !!(f && f.contentDocument && f.contentDocument.body"
                      " && f.contentDocument.body.innerText.includes('甘孜州人民政府办公室')); })()")
    shot = chromium.screenshot(tmp_path / "views-quarter.png")
    keep(shot)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one

    # The same page where officials find it: the Airflow UI, entry 检查通报 (an iframe at /plugin/govinspect).
    chromium.call("Page.navigate", url=f"{server.url}/plugin/govinspect")
    chromium.wait_for("(() => { const f = document.querySelector('iframe[title=\"检查通报\"]');"
                      " return !!(f && f.contentDocument && f.contentDocument.body"
                      " && f.contentDocument.body.innerText.includes('2024年第三季度')); })()")
    shot = chromium.screenshot(tmp_path / "views-in-airflow-ui.png")
    keep(shot)
    assert shot.stat().st_size > 20_000
    # its own entry in the sidebar, with the icon the app serves
    chromium.wait_for("Array.from(document.querySelectorAll('nav img, aside img, img'))"
                      ".some(i => i.getAttribute('src') === 'govinspect/icon.svg' && i.naturalWidth > 0)")
    assert chromium.evaluate("document.body.innerText.includes('检查通报')")
    # Links inside the view navigate the iframe and the UI keeps the address in step (a deep link to share).
    chromium.evaluate("document.querySelector('iframe[title=\"检查通报\"]').contentDocument"
                      f".querySelector('a[href=\"/govinspect/{QUARTER}/\"]').click()")
    chromium.wait_for(f"location.pathname === '/plugin/govinspect/govinspect/{QUARTER}/'")

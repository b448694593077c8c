"""Distributed mode on the real services: PostgreSQL metadata DB, Redis broker, CeleryExecutor, every Airflow
component its own process (``govinspect.distributed``), two Celery workers.

The simulated prefecture runs in this process; the quarterly DAG is unpaused and triggered through the REST
API like an operator would, and must succeed within 15 minutes. The notice's annexes must equal what the
scenario planted, collection must have run on the ``collect`` queue, everything that opens DuckDB on the
``dbt`` queue in the one-slot pool (never two at once). Skipped (with the reason) when PostgreSQL or Redis is
not reachable on loopback. Uses its own database (``govinspect_airflow_test``, recreated), Redis DB 6, a free
API port and temporary AIRFLOW_HOME / data / output folders: a running ``make distributed-up`` is untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from govinspect.distributed import ADMIN_USER, Deployment, DistributedError, _reachable, tail

pytestmark = [pytest.mark.distributed, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[1]
DAG_ID = "gov_inspection_quarterly"
# the same variables as `govinspect distributed` (Deployment.from_env)
PG = (os.environ.get("GOVINSPECT_PG_HOST", "127.0.0.1"), int(os.environ.get("GOVINSPECT_PG_PORT", 5432)))
REDIS = (os.environ.get("GOVINSPECT_REDIS_HOST", "127.0.0.1"), int(os.environ.get("GOVINSPECT_REDIS_PORT", 6379)))
TEST_DB = "govinspect_airflow_test"
TEST_REDIS_DB = 6
# per-step limits (seconds)
MIGRATE_TIMEOUT = 300
READY_TIMEOUT = 240
DAG_PARSED_TIMEOUT = 240
RUN_TIMEOUT = 15 * 60
COLLECT_TASKS = {"collect_website", *(f"{step}_{c}" for step in ("collect_accounts", "discover_accounts")
                                       for c in ("weibo", "wechat", "toutiao", "douyin"))}


def _unavailable() -> str | None:
    down = [f"{name} on {host}:{port}" for name, (host, port) in (("PostgreSQL", PG), ("Redis", REDIS))
            if not _reachable(host, port)]
    if down:
        return " and ".join(down) + " not reachable"
    try:
        import psycopg2

        psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres", connect_timeout=5).close()
    except Exception as exc:  # noqa: BLE001 - any reason to not log in is a reason to skip
        return f"cannot log in to PostgreSQL as 'postgres': {exc}".strip()
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """The Airflow REST API as the admin user (simple auth manager: ``POST /auth/token``)."""

    def __init__(self, base: str, password: str):
        self.base = base
        self.token = self._call("POST", "/auth/token", {"username": ADMIN_USER, "password": password},
                                auth=False)["access_token"]

    def _call(self, method: str, path: str, body: dict | None = None, *, auth: bool = True):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code}: {exc.read().decode(errors='replace')}") from exc

    def get(self, path: str):
        return self._call("GET", path)

    def post(self, path: str, body: dict):
        return self._call("POST", path, body)

    def patch(self, path: str, body: dict):
        return self._call("PATCH", path, body)

    def task_instances(self, run_id: str) -> list[dict]:
        out, offset = [], 0
        while True:
            page = self.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{quote(run_id, safe='')}/taskInstances"
                            f"?limit=100&offset={offset}")
            out += page["task_instances"]
            offset += len(page["task_instances"])
            total = page.get("total_entries")
            if not page["task_instances"] or (total is not None and offset >= total):
                return out


def _report(dep: Deployment, tis: list[dict] | None = None) -> str:
    """What to read when it fails: unfinished/failed task instances, their log tails, every process's log."""
    parts = []
    for ti in tis or []:
        if ti["state"] != "success":
            parts.append(f"  {ti['task_id']}[{ti['map_index']}] state={ti['state']} queue={ti['queue']} "
                         f"try={ti['try_number']}")
            if ti["state"] in ("failed", "up_for_retry", "upstream_failed"):
                for log in sorted((dep.log_dir / "tasks").glob(f"dag_id={DAG_ID}/**/task_id={ti['task_id']}/**/*.log")
                                  )[-1:]:
                    parts.append(f"--- task log {log}\n{tail(log, 30)}")
    return "\n".join(parts) + "\n" + dep.log_tails(lines=30)


def _wait(what: str, timeout: float, probe, dep: Deployment, interval: float = 3):
    """Poll ``probe()`` until it returns something truthy; fail with the processes' logs after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        dead = set(dep.read_state().get("processes", {})) - set(dep.running())
        if dead:
            pytest.fail(f"{what}: processes exited: {sorted(dead)}\n{_report(dep)}")
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not done after {timeout:.0f} s\n{_report(dep)}")
        time.sleep(interval)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, request):
    reason = _unavailable()
    if reason:
        pytest.skip(f"distributed mode needs PostgreSQL ({PG[0]}:{PG[1]}) and Redis ({REDIS[0]}:{REDIS[1]}) "
                    f"on loopback: {reason}")
    from govinspect.sandbox import Sandbox
    from govinspect.sandbox.replay import replay_probes

    tmp = tmp_path_factory.mktemp("distributed")
    sandbox = Sandbox("small", port=0, inventory_dir=tmp / "inventory").start()
    request.addfinalizer(sandbox.stop)
    replay_probes(sandbox, root=tmp / "data" / "raw")  # the probe DAG's week before the monitoring point
    dep = Deployment(
        root=ROOT, home=tmp / "airflow_home", log_dir=tmp / "logs", api_port=_free_port(), db_name=TEST_DB,
        pg_host=PG[0], pg_port=PG[1], redis_host=REDIS[0], redis_port=REDIS[1], redis_db=TEST_REDIS_DB,
        workers=2, concurrency=4, echo=False,
        extra_env=sandbox.env() | {
            "GOVINSPECT_DATA_DIR": str(tmp / "data"),
            "GOVINSPECT_OUTPUT_DIR": str(tmp / "output"),
            "GOVINSPECT_DUCKDB_PATH": str(tmp / "data" / "warehouse" / "govinspect.duckdb"),
        },
    )
    request.addfinalizer(dep.stop)  # every process it started, by PID, also when anything below fails
    timings = {}
    started = time.monotonic()
    dep.ensure_database(reset=True)
    try:
        dep.migrate()  # each airflow command bounded by its own timeout
    except DistributedError as exc:
        pytest.fail(f"migrate: {exc}")
    timings["migrate"] = time.monotonic() - started
    dep.start()
    try:
        dep.wait_ready(READY_TIMEOUT)
    except DistributedError as exc:
        pytest.fail(f"processes not ready: {exc}")
    timings["ready"] = time.monotonic() - started
    return dep, sandbox, tmp, timings


@pytest.fixture(scope="module")
def run(deployment, request):
    dep, sandbox, tmp, timings = deployment
    api = Api(dep.api_url, dep.secrets()["admin_password"])
    t0 = time.monotonic()

    def parsed():
        errors = api.get("/api/v2/importErrors")["import_errors"]
        if errors:
            pytest.fail("DAG import errors: " + "; ".join(f"{e['filename']}: {e['stack_trace'][-500:]}"
                                                           for e in errors))
        dags = {d["dag_id"] for d in api.get("/api/v2/dags")["dags"]}
        return DAG_ID in dags

    _wait("DAG parsed by the dag-processor", DAG_PARSED_TIMEOUT, parsed, dep)
    assert api.patch(f"/api/v2/dags/{DAG_ID}", {"is_paused": False})["is_paused"] is False
    conf = {
        "quarter": "2024Q3",
        "monitoring_date": str(sandbox.scenario.monitoring_point),
        "notice_date": "2024-09-14",
        "document_number": "甘办函〔2024〕67号",
        "inventory": str(sandbox.inventory_dir),
    }
    dag_run = api.post(f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "conf": conf})
    run_id = dag_run["dag_run_id"]
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{quote(run_id, safe='')}"

    def finished():
        state = api.get(path)["state"]
        return state if state in ("success", "failed") else None

    state = _wait(f"dag run {run_id}", RUN_TIMEOUT, finished, dep, interval=5)
    tis = api.task_instances(run_id)
    timings["run"] = time.monotonic() - t0
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\ndistributed: db reset + migrate {timings['migrate']:.0f} s, every process ready at "
              f"{timings['ready']:.0f} s, DAG parsed + run {timings['run']:.0f} s ({len(tis)} task instances, "
              f"state {state})", flush=True)
    if state != "success":
        pytest.fail(f"dag run {run_id} ended {state}:\n{_report(dep, tis)}")
    return dep, sandbox, tmp, tis


def test_run_succeeds_through_the_rest_api(run):
    dep, _, tmp, tis = run
    assert tis and all(ti["state"] in ("success", "skipped") for ti in tis), _report(dep, tis)
    assert (tmp / "output" / "2024Q3" / "notice.md").is_file()


def test_notice_annexes_equal_what_the_scenario_planted(run):
    from test_e2e_quarterly import markdown_table

    _, sandbox, tmp, _ = run
    expected = sandbox.scenario.expected
    text = (tmp / "output" / "2024Q3" / "notice.md").read_text(encoding="utf-8")
    annex1 = markdown_table(text, "附件1")
    assert annex1[0] == ["序号", "所属地区或单位", "网站名称", "存在问题"]
    assert [row[1:] for row in annex1[1:]] == [[r.unit, f"“{r.site_name}”网站", r.problem] for r in expected.annex1]
    annex2 = markdown_table(text, "附件2")
    assert annex2[0] == ["序号", "单位", "平台", "账号名称", "存在问题"]
    assert [row[1:] for row in annex2[1:]] == [[r.unit, r.platform, r.account_name, r.problem]
                                               for r in expected.annex2]
    assert "甘办函〔2024〕67号" in text and "2024年9月14日" in text


def test_collection_ran_on_collect_queue_and_duckdb_writers_on_dbt_queue(run):
    dep, sandbox, _, tis = run
    by_queue: dict[str, set[str]] = {}
    for ti in tis:
        by_queue.setdefault(ti["queue"], set()).add(ti["task_id"])
        if ti["task_id"] in COLLECT_TASKS:
            assert ti["queue"] == "collect", ti
        elif ti["task_id"].startswith("dbt.") or ti["pool"] == "duckdb_writer":
            assert ti["queue"] == "dbt" and ti["pool"] == "duckdb_writer", ti
        else:
            assert ti["queue"] == "default", ti
    sites = [ti for ti in tis if ti["task_id"] == "collect_website"]
    assert len(sites) == len(sandbox.site_urls) and all(ti["state"] == "success" for ti in sites)
    assert any(t.startswith("dbt.") for t in by_queue["dbt"]) and {"gx_marts_gate", "publish_notice"} <= by_queue["dbt"]
    # Every task instance that ran went through Celery, and the work fanned out over both workers.
    received = {n: Path(p["log"]).read_text(errors="replace").count("] received")
                for n, p in dep.read_state().get("processes", {}).items() if n.startswith("worker-")}
    ran = sum(ti["state"] == "success" for ti in tis)
    assert sum(received.values()) >= ran, f"the workers received {received} tasks; {ran} task instances ran"
    assert len(received) == 2 and all(received.values()), f"tasks received per worker: {received}"

    # The one-slot pool held across workers: no two DuckDB writers ever overlapped.
    def ts(value: str) -> datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    writers = sorted((ts(ti["start_date"]), ts(ti["end_date"]), ti["task_id"]) for ti in tis
                     if ti["pool"] == "duckdb_writer")
    for (_, end, a), (start, _, b) in zip(writers, writers[1:], strict=False):
        assert start >= end, f"{a} and {b} ran at the same time in the one-slot pool"

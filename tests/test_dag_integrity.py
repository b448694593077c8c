"""DAG integrity: every DAG imports, follows the house rules, and touches no Variable/Connection at parse time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1] / "dags"
EXPECTED = {"gov_inspection_quarterly", "site_availability_probe"}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}, "\n".join(f"{k}: {v}" for k, v in dagbag.import_errors.items())


def test_expected_dags_present(dagbag):
    assert set(dagbag.dag_ids) >= EXPECTED


def test_dags_have_tags_docs_schedule_and_retries(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.doc_md and len(dag.doc_md) > 100, f"{dag_id} has no doc_md"
        assert getattr(dag.timetable, "expression", None), f"{dag_id}: no cron schedule"
        assert dag.catchup is False, f"{dag_id}: catchup must be off"
        assert dag.max_active_runs == 1, f"{dag_id}: max_active_runs must be 1"
        for t in dag.tasks:
            assert (t.retries or 0) >= 2, f"{dag_id}.{t.task_id} has retries={t.retries}"
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"


def test_quarterly_schedule_is_last_month_of_quarter_in_beijing_time(dagbag):
    dag = dagbag.dags["gov_inspection_quarterly"]
    assert dag.timetable.expression == "0 9 10 3,6,9,12 *"
    assert str(dag.timetable.timezone) == "Asia/Shanghai"
    assert set(dag.params.keys()) == {"quarter", "monitoring_date", "notice_date", "document_number",
                                      "rectification_deadline", "inventory", "rules_profile"}


def test_probe_schedule_gives_at_least_20_probes_a_day(dagbag):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from croniter import croniter

    timetable = dagbag.dags["site_availability_probe"].timetable
    start = datetime(2024, 9, 3, tzinfo=ZoneInfo(str(timetable.timezone)))
    it = croniter(timetable.expression, start - timedelta(microseconds=1))
    runs = 0
    while it.get_next(datetime) < start + timedelta(days=1):
        runs += 1
    assert runs >= 20


def test_database_writers_share_the_one_slot_pool(dagbag):
    dag = dagbag.dags["gov_inspection_quarterly"]
    for t in dag.tasks:
        if t.task_id.startswith("dbt.") or t.task_id in ("gx_marts_gate", "publish_notice", "build_docs"):
            assert t.pool == "duckdb_writer", f"{t.task_id} opens DuckDB outside the single-writer pool"
    for c in ("weibo", "wechat", "toutiao", "douyin"):
        assert dag.get_task(f"collect_accounts_{c}").pool == f"platform_{c}"
        assert dag.get_task(f"discover_accounts_{c}").pool == f"platform_{c}"  # searches count against limits


def test_celery_queues_collect_fans_out_dbt_single_writer(dagbag):
    """Collection on `collect` (any worker), everything that opens DuckDB on `dbt`, the rest on `default`;
    the queues are the ones the Celery workers serve (docker-compose.yaml, govinspect.distributed)."""
    import re

    import yaml

    from govinspect.distributed import QUEUES

    dag = dagbag.dags["gov_inspection_quarterly"]
    collect = {"collect_website", *(f"{step}_accounts_{c}" for c in ("weibo", "wechat", "toutiao", "douyin")
                                    for step in ("collect", "discover"))}
    dbt_tasks = [t for t in dag.tasks if t.task_id.startswith("dbt.")]
    assert dbt_tasks, "the Cosmos dbt group rendered no tasks"
    for t in dag.tasks:
        if t.task_id in collect:
            assert t.queue == "collect", f"{t.task_id} is on queue {t.queue!r}"
        elif t.pool == "duckdb_writer":
            assert t.queue == "dbt", f"{t.task_id} opens DuckDB but is on queue {t.queue!r}"
        else:
            assert t.queue == "default", f"{t.task_id} is on queue {t.queue!r}"
    assert {t.task_id for t in dag.tasks if t.queue == "collect"} == collect
    assert all(t.queue == "dbt" and t.pool == "duckdb_writer" for t in dbt_tasks)
    assert dag.get_task("gx_marts_gate").queue == dag.get_task("publish_notice").queue == "dbt"
    assert dag.get_task("build_docs").queue == "dbt"
    assert dagbag.dags["site_availability_probe"].get_task("probe_all_sites").queue == "collect"

    used = {t.queue for d in dagbag.dags.values() for t in d.tasks}
    assert used <= set(QUEUES), f"queues no worker serves: {used - set(QUEUES)}"
    compose = yaml.safe_load((DAGS.parent / "docker-compose.yaml").read_text(encoding="utf-8"))
    command = compose["services"]["airflow-worker"]["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert set(re.search(r"--queues[ =](\S+)", command).group(1).split(",")) == set(QUEUES)


def test_pools_used_by_dags_are_declared(dagbag):
    import json

    declared = set(json.loads((DAGS.parent / "include" / "airflow" / "pools.json").read_text()))
    used = {t.pool for dag in dagbag.dags.values() for t in dag.tasks} - {"default_pool"}
    assert used <= declared, f"undeclared pools: {used - declared}"


_FORBIDDEN_AT_PARSE = {"Variable", "Connection", "BaseHook"}


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_no_variable_or_connection_access_at_parse_time(path):
    """Module-level code of a DAG file must not read Variables or Connections (or import them)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = {a.name for a in node.names}
            assert not names & _FORBIDDEN_AT_PARSE, f"{path.name} imports {names & _FORBIDDEN_AT_PARSE}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert node.value.id not in _FORBIDDEN_AT_PARSE, f"{path.name} uses {node.value.id}.{node.attr}"


def test_dag_files_hold_no_business_logic():
    """DAG files wire tasks; anything longer than a call belongs in plugins/govinspect."""
    for path in DAGS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name | ast.Call | ast.Attribute) for d in node.decorator_list
            ) and node.name not in ("gov_inspection_quarterly", "site_availability_probe"):
                body = [s for s in node.body if not isinstance(s, ast.Expr | ast.Pass)]
                assert len(body) <= 3, f"{path.name}:{node.name} has {len(body)} statements: move logic to the library"


def test_publication_waits_for_both_gates(dagbag):
    """A red gate stops the notice and the docs: publish_notice runs only after both gates succeeded."""
    dag = dagbag.dags["gov_inspection_quarterly"]
    publish, docs = dag.get_task("publish_notice"), dag.get_task("build_docs")
    assert publish.trigger_rule == docs.trigger_rule == "all_success"
    assert publish.upstream_task_ids == {"gx_marts_gate", "prepare_run"}
    assert docs.upstream_task_ids == {"publish_notice", "prepare_run"}
    assert "gx_raw_gate" in dag.get_task("gx_marts_gate").get_flat_relative_ids(upstream=True)

"""Airflow-side configuration shared by the DAG files: pools, assets and the Cosmos dbt group.

Imports Airflow and Cosmos, so only DAG files import this module; nothing here reads a Variable or a
Connection or touches the metadata database (DAG files are parsed often).
"""

from __future__ import annotations

import sys
from pathlib import Path

from airflow.sdk import Asset

from govinspect.settings import paths
from govinspect.vocab import CONNECTORS

DUCKDB_POOL = "duckdb_writer"  # one slot: DuckDB allows one writer process per file
PLATFORM_POOLS = {c: f"platform_{c}" for c in CONNECTORS}  # see include/airflow/pools.json
# Celery queues (ignored by `airflow dags test` and the LocalExecutor): collection fans out over every worker
# serving `collect`; every task that opens the DuckDB file goes to `dbt` (and stays in the one-slot pool), so
# it can be pinned to the worker next to the warehouse without touching the DAGs. The rest: `default`.
COLLECT_QUEUE = "collect"
DBT_QUEUE = "dbt"


# Asset identities are fixed, not derived from folders: moving GOVINSPECT_DATA_DIR must not create new assets.
def raw_landing_asset() -> Asset:
    return Asset(name="govinspect_raw_landing", uri="govinspect://raw-landing")


def probes_asset() -> Asset:
    return Asset(name="govinspect_probes", uri="govinspect://probes")


def notice_asset() -> Asset:
    return Asset(name="govinspect_notice", uri="govinspect://notice")


def dbt_manifest() -> Path:
    return paths().dbt_project / "target" / "manifest.json"


def dbt_group_configs(ctx_task_id: str) -> dict:
    """Keyword arguments of the Cosmos ``DbtTaskGroup``: rendered from the manifest (no ``dbt ls`` at parse
    time), one ``dbt build`` subprocess per model in the one-slot DuckDB pool on the ``dbt`` queue, vars from the
    run's context."""
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig  # noqa: PLC0415
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior  # noqa: PLC0415

    project = paths().dbt_project
    manifest = dbt_manifest()
    if not manifest.exists():
        raise FileNotFoundError(
            f"dbt manifest not found at {manifest}: run 'make setup' (it runs 'dbt parse') before loading the DAGs"
        )
    # A manifest older than the project would render a DAG without the new models, in a wrong order.
    built = manifest.stat().st_mtime
    sources = [p for d in ("models", "seeds", "macros", "tests") for p in (project / d).rglob("*") if p.is_file()]
    stale = [p for p in [*sources, project / "dbt_project.yml"] if p.stat().st_mtime > built]
    if stale:
        raise RuntimeError(
            f"dbt manifest {manifest} is older than {stale[0].relative_to(project)} ({len(stale)} file(s) changed): "
            "run 'make setup' (it runs 'dbt parse') so the DAG renders the current models"
        )
    ctx = f"ti.xcom_pull(task_ids='{ctx_task_id}')"
    dbt_vars = {
        "raw_root": str(paths().raw),
        "quarter": "{{ " + ctx + "['quarter'] }}",
        "run_slug": "{{ " + ctx + "['run_slug'] }}",
        "monitoring_date": "{{ " + ctx + "['monitoring_date'] }}",
        "rules_profile": "{{ " + ctx + "['rules_profile'] }}",
    }
    return {
        "project_config": ProjectConfig(
            dbt_project_path=project, manifest_path=manifest, project_name="govinspect", install_dbt_deps=False,
        ),
        "profile_config": ProfileConfig(
            profile_name="govinspect", target_name="dev", profiles_yml_filepath=project / "profiles.yml",
        ),
        "execution_config": ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=str(Path(sys.executable).parent / "dbt"),
        ),
        "render_config": RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.BUILD,
            # tests that read two models (relationships) run after both, not inside the first one's build
            should_detach_multiple_parents_tests=True,
        ),
        "operator_args": {"vars": dbt_vars, "pool": DUCKDB_POOL, "queue": DBT_QUEUE},
        "default_args": {"retries": 2},
    }

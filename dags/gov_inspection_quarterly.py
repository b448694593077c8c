"""
### gov_inspection_quarterly — 季度政府网站和政务新媒体检查

Runs the quarterly inspection end to end and drafts the notice (通报):

1. **prepare_run** — validate the params and the inventory (a clear error naming file, row and field stops
   the run before anything is collected) and land the inventory snapshot;
2. **collect_website** (mapped per site, or per batch of `GOVINSPECT_SITES_PER_TASK` sites) and
   **collect_accounts_<platform>** (mapped per batch of accounts, one pool per platform; Celery queue
   `collect`) — every page and platform answer lands as Parquet with its evidence;
   **discover_accounts_<platform>** (mapped per batch of unit names, same pools) searches each platform
   for the units' names and lands every account found (私自开设 candidates);
3. **finish_landing** → **gx_raw_gate** — Great Expectations on the raw landing;
4. **dbt** — the indicator models, one dbt call per model through Cosmos, in the one-slot
   `duckdb_writer` pool (DuckDB allows a single writer) on the Celery queue `dbt`;
5. **gx_marts_gate** → **publish_notice** — the notice is written to `output/<quarter>/` only when both
   gates pass (they open DuckDB too: same pool, same `dbt` queue). A failed gate names its rule ids,
   expectations and example rows in the task log; warnings (too few availability probes) do not stop the run;
6. **build_docs** — the run's GX Data Docs and dbt docs into `output/<quarter>/data-docs/` and `dbt-docs/`.

Params: `quarter` (2024Q3), `monitoring_date` (监测时间点), `notice_date`, `document_number`
(甘办函〔2024〕67号), `rectification_deadline` (整改报送截止日期; empty: the notice date + the notice profile's
`deadline_days`), `inventory` (a folder of CSV files), `rules_profile` (`ganzi` | `national_2019`).
Empty quarter/monitoring date = the run's own date (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task
from cosmos import DbtTaskGroup

from govinspect import pipeline
from govinspect.airflow_wiring import (
    COLLECT_QUEUE,
    DBT_QUEUE,
    DUCKDB_POOL,
    PLATFORM_POOLS,
    dbt_group_configs,
    notice_asset,
    raw_landing_asset,
)
from govinspect.vocab import CONNECTORS

DEFAULT_ARGS = {"owner": "gov-inspection", "retries": 2, "retry_delay": timedelta(minutes=2)}


@dag(
    dag_id="gov_inspection_quarterly",
    doc_md=__doc__,
    # The 10th of the quarter's last month, 09:00 Beijing time.
    schedule=CronTriggerTimetable("0 9 10 3,6,9,12 *", timezone="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["gov-inspection", "quarterly", "notice"],
    params={
        "quarter": Param("", type="string", description="Quarter, e.g. 2024Q3 (empty: from the monitoring date)"),
        "monitoring_date": Param("", type="string", description="监测时间点, YYYY-MM-DD (empty: the run's date)"),
        "notice_date": Param("", type="string", description="通报日期, YYYY-MM-DD (empty: the monitoring date)"),
        "document_number": Param("", type="string", description="发文字号, e.g. 甘办函〔2024〕67号"),
        "rectification_deadline": Param(
            "", type="string",
            description="整改报送截止日期, YYYY-MM-DD (empty: notice date + deadline_days of the notice profile)"),
        "inventory": Param("", type="string", description="Inventory folder (empty: $GOVINSPECT_INVENTORY)"),
        "rules_profile": Param("ganzi", enum=["ganzi", "national_2019"], description="Rules profile"),
    },
)
def gov_inspection_quarterly():
    @task
    def prepare_run() -> dict:
        context = get_current_context()
        dag_run = context["dag_run"]
        return pipeline.prepare_run(dict(context["params"]), dag_run.run_id, dag_run.run_after)

    @task
    def plan_sites(ctx: dict) -> list[dict]:
        return pipeline.plan_sites(ctx)

    @task
    def plan_accounts(ctx: dict, connector: str) -> list[list[dict]]:
        return pipeline.plan_accounts(ctx, connector)

    @task(queue=COLLECT_QUEUE, map_index_template="{{ work['part'] }}")
    def collect_website(work: dict, ctx: dict) -> dict:
        return pipeline.collect_website(work, ctx)

    @task(trigger_rule="none_failed", outlets=[raw_landing_asset()])
    def finish_landing(ctx: dict) -> dict:
        return pipeline.finish_landing(ctx)

    @task
    def gx_raw_gate(ctx: dict) -> dict:
        return pipeline.raw_gate(ctx)

    @task(pool=DUCKDB_POOL, queue=DBT_QUEUE)
    def gx_marts_gate(ctx: dict) -> dict:
        return pipeline.marts_gate(ctx)

    @task(pool=DUCKDB_POOL, queue=DBT_QUEUE, outlets=[notice_asset()])
    def publish_notice(ctx: dict) -> list[str]:
        return pipeline.publish(ctx, dict(get_current_context()["params"]))

    @task(pool=DUCKDB_POOL, queue=DBT_QUEUE)
    def build_docs(ctx: dict) -> dict[str, str]:
        return pipeline.build_docs(ctx)

    @task(queue=COLLECT_QUEUE, map_index_template="{{ batch[0]['account_id'] }}…")
    def collect_accounts(batch: list[dict], ctx: dict) -> dict:
        return pipeline.collect_accounts(batch, ctx)

    @task
    def plan_discovery(ctx: dict) -> list[list[str]]:
        return pipeline.plan_discovery(ctx)

    @task(queue=COLLECT_QUEUE, map_index_template="{{ units[0] }}…")
    def discover_accounts(units: list[str], ctx: dict, connector: str) -> dict:
        return pipeline.discover_accounts(units, ctx, connector)

    ctx = prepare_run()
    sites = collect_website.partial(ctx=ctx).expand(work=plan_sites(ctx))
    accounts = [
        collect_accounts.override(task_id=f"collect_accounts_{c}", pool=PLATFORM_POOLS[c])
        .partial(ctx=ctx)
        .expand(batch=plan_accounts.override(task_id=f"plan_accounts_{c}")(ctx, c))
        for c in CONNECTORS
    ]
    units = plan_discovery(ctx)
    discoveries = [
        discover_accounts.override(task_id=f"discover_accounts_{c}", pool=PLATFORM_POOLS[c])
        .partial(ctx=ctx, connector=c)
        .expand(units=units)
        for c in CONNECTORS
    ]
    landed = finish_landing(ctx)
    [sites, *accounts, *discoveries] >> landed
    raw_gate = gx_raw_gate(ctx)
    dbt = DbtTaskGroup(group_id="dbt", **dbt_group_configs(ctx_task_id="prepare_run"))
    marts_gate = gx_marts_gate(ctx)
    landed >> raw_gate >> dbt >> marts_gate >> publish_notice(ctx) >> build_docs(ctx)


gov_inspection_quarterly()

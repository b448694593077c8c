"""The steps of a quarterly run, as plain functions: the DAG files only wire them together.

Every function takes and returns JSON-serialisable values (they travel as XCom between Airflow tasks) and
can be called without Airflow, which is how the tests and the CLI use them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from datetime import date, datetime, timedelta

from govinspect import landing
from govinspect.collect.http import Fetcher, FetchPolicy
from govinspect.collect.netguard import allowed_networks_from_env
from govinspect.collect.probe import probe_policy, probe_sites
from govinspect.collect.site import CollectLimits, collect_site
from govinspect.collect.wording import Dictionary
from govinspect.inventory import Inventory, load_inventory
from govinspect.platforms.base import AccountResult, stable_id, status_row
from govinspect.platforms.budget import BudgetedFetcher, RequestBudget, share
from govinspect.platforms.handexport import HandExports, load_exports
from govinspect.platforms.registry import MissingEndpoint, connector_for, endpoint_from_connection
from govinspect.releases import FILE_NAME as RELEASES_FILE
from govinspect.releases import load_releases
from govinspect.run import TZ, RunContext, inventory_folder, resolve_run
from govinspect.settings import env_float, env_int, paths

log = logging.getLogger(__name__)

ACCOUNT_BATCH_SIZE = 25
POST_WINDOW_DAYS = 100  # the 3-month 断更 window plus the gap before its first post
SITE_POLICY = FetchPolicy(total_timeout=30.0, per_host=2, global_limit=8, min_interval=0.2, max_attempts=3)
PLATFORM_POLICY = FetchPolicy(total_timeout=30.0, per_host=2, global_limit=4, min_interval=0.2, max_attempts=3)


def configured(policy: FetchPolicy) -> FetchPolicy:
    """``policy`` with the settings taken from configuration when a task runs: the SSRF guard's allowed
    networks (``GOVINSPECT_ALLOWED_NETWORKS``, comma-separated CIDRs; unset in production)."""
    return dataclasses.replace(policy, allowed_networks=allowed_networks_from_env())


def platform_policy() -> FetchPolicy:
    """``PLATFORM_POLICY`` with ``GOVINSPECT_PLATFORM_MIN_INTERVAL`` from the environment (seconds between request
    starts to one platform host, default 0.2; the simulated prefecture sets 0: its emulators are on loopback)."""
    return dataclasses.replace(configured(PLATFORM_POLICY), min_interval=env_float(
        "GOVINSPECT_PLATFORM_MIN_INTERVAL", PLATFORM_POLICY.min_interval))


def prepare_run(params: dict, run_id: str, run_after: datetime | None = None) -> dict:
    """Validate params and inventory and land the inventory snapshot; return the run context.

    Raises ``RunParamError`` or ``InventoryError`` (with file, row and field) before anything is collected.
    """
    ctx = resolve_run(params, run_id, run_after)
    notice_params(ctx.to_dict(), params)  # a bad 发文字号 or deadline fails now, not after an hour of collection
    inventory = load_inventory(ctx.inventory, monitoring_date=ctx.monitoring_date)
    exports = load_exports(ctx.inventory, inventory.records()["accounts"], keep_evidence=True)
    load_releases(ctx.inventory)  # a bad important_releases.csv fails now (file, row, field)
    Dictionary.load()  # so does a bad wording dictionary
    _land_inventory(inventory, ctx)
    paths().duckdb.parent.mkdir(parents=True, exist_ok=True)  # DuckDB does not create folders
    log.info(
        "run %s: quarter %s, monitoring point %s, profile %s; %d sites, %d columns, %d accounts (%s), roster %d, "
        "hand exports %s (%d accounts)",
        ctx.run_id, ctx.quarter, ctx.monitoring_date, ctx.rules_profile, len(inventory.websites),
        len(inventory.columns), len(inventory.accounts), dict(Counter(a.connector for a in inventory.accounts)),
        len(inventory.roster), exports.files or "none", len(exports.posts),
    )
    return ctx.to_dict()


def _snapshot(entity: str, run: RunContext) -> list[dict]:
    rows = landing.read_run(f"inventory_{entity}", run.quarter, run.run_id).to_pylist()
    for row in rows:
        for key in ("run_id", "quarter"):
            row.pop(key, None)
    return sorted(rows, key=lambda r: r["inventory_order"])


SITES_PER_TASK_ENV = "GOVINSPECT_SITES_PER_TASK"


def sites_per_task() -> int:
    """How many sites one ``collect_website`` task collects (``GOVINSPECT_SITES_PER_TASK``, default 1).

    One site per task is what a prefecture's operators want: a task per site to read and retry. At provincial
    or national scale (thousands of sites) a batch keeps the number of task instances and of raw files (one per
    task and record type: dbt reads every file's footer) manageable — see README "National-scale dbt benchmark".
    """
    return env_int(SITES_PER_TASK_ENV, 1, minimum=1)


def plan_sites(ctx: dict) -> list[dict]:
    """Units of work of :func:`sites_per_task` sites each, in inventory order, from the run's inventory snapshot:
    ``{"part": <file name of the unit's raw files>, "sites": [{"site": …, "columns": […]}, …]}``. The part is the
    site id for one site, ``<first>..<last>`` for a batch."""
    run = RunContext.from_dict(ctx)
    columns = _snapshot("columns", run)
    sites = [{"site": w, "columns": [c for c in columns if c["site_id"] == w["site_id"]]}
             for w in _snapshot("websites", run)]
    size = sites_per_task()
    units = []
    for i in range(0, len(sites), size):
        batch = sites[i:i + size]
        first, last = batch[0]["site"]["site_id"], batch[-1]["site"]["site_id"]
        units.append({"part": first if len(batch) == 1 else f"{first}..{last}", "sites": batch})
    return units


def plan_accounts(ctx: dict, connector: str) -> list[list[dict]]:
    """Batches of at most ``ACCOUNT_BATCH_SIZE`` accounts of one platform connector."""
    mine = [a for a in _snapshot("accounts", RunContext.from_dict(ctx)) if a["connector"] == connector]
    return [mine[i:i + ACCOUNT_BATCH_SIZE] for i in range(0, len(mine), ACCOUNT_BATCH_SIZE)]


def _land_inventory(inventory: Inventory, ctx: RunContext) -> None:
    for entity, rows in inventory.records().items():
        landing.land(f"inventory_{entity}", rows, quarter=ctx.quarter, run_id=ctx.run_id, part="inventory")


def site_policy() -> FetchPolicy:
    """``SITE_POLICY`` with the politeness settings of the environment: ``GOVINSPECT_SITE_MIN_INTERVAL``
    (seconds between request starts to one host, default 0.2) and ``GOVINSPECT_SITE_PER_HOST`` (concurrent
    requests per host, default 2)."""
    return dataclasses.replace(configured(SITE_POLICY),
                               min_interval=env_float("GOVINSPECT_SITE_MIN_INTERVAL", SITE_POLICY.min_interval),
                               per_host=env_int("GOVINSPECT_SITE_PER_HOST", SITE_POLICY.per_host, minimum=1))


def collect_website(work: dict, ctx: dict) -> dict:
    """Collect the sites of one unit of work (:func:`plan_sites`: home page, column lists with pagination,
    window articles, interaction messages, link check, important-release reposts) and land every record type
    of the unit, one file each (``part``). Sites of a batch are collected concurrently through one fetcher
    (its per-host and global limits hold); the summary is the site's own for a single site."""
    run = RunContext.from_dict(ctx)
    releases = load_releases(run.inventory)
    if not releases:
        log.info("%s: no %s in %s: no repost check", work["part"], RELEASES_FILE, run.inventory)
    dictionary = Dictionary.load()
    limits = CollectLimits.from_env()

    async def _go():
        async with Fetcher(site_policy()) as fetcher:
            return await asyncio.gather(*(
                collect_site(unit["site"], unit["columns"], run.monitoring_date, fetcher,
                             limits=limits, dictionary=dictionary, releases=releases)
                for unit in work["sites"]))

    results = asyncio.run(_go())
    records: dict[str, list[dict]] = {}
    for result in results:
        for record_type, rows in result.records().items():
            records.setdefault(record_type, []).extend(rows)
    for record_type, rows in records.items():
        landing.land(record_type, rows, quarter=run.quarter, run_id=run.run_id, part=work["part"])
    summaries = [r.summary() for r in results]
    if len(summaries) == 1:
        return summaries[0]
    log.info("%s: %d sites landed", work["part"], len(summaries))
    return {"part": work["part"], "sites": summaries}


def collect_accounts(batch: list[dict], ctx: dict) -> dict:
    """Collect one batch of accounts of one platform; land one status row per account and its posts.

    The batch spends its share of the platform's request budget (:mod:`govinspect.platforms.budget`).
    Hand-exported posts of the batch's accounts (``<inventory>/exports/``) are added with
    ``source = hand_export``, see :func:`merge_hand_exports`.
    """
    run = RunContext.from_dict(ctx)
    connector_name = batch[0]["connector"]
    part = f"{connector_name}-{batch[0]['account_id']}"
    since = run.monitoring_date - timedelta(days=POST_WINDOW_DAYS)
    budget = RequestBudget(None)
    inventory_accounts = _snapshot("accounts", run)
    try:
        endpoint = endpoint_from_connection(connector_name)
        connector = connector_for(endpoint)
    except MissingEndpoint as exc:
        log.error("%s: %s — %d accounts recorded as not collected", connector_name, exc, len(batch))
        results = [AccountResult(status_row(a, None, status="unknown", outcome="not_collected", error=str(exc)))
                   for a in batch]
    else:
        platform_accounts = sum(1 for a in inventory_accounts if a["connector"] == connector_name)
        budget = RequestBudget(share(endpoint.budget, len(batch), platform_accounts))

        async def _go():
            async with Fetcher(platform_policy()) as fetcher:
                spending = BudgetedFetcher(fetcher, budget, connector_name)
                return await asyncio.gather(*(connector.collect(a, since, run.monitoring_date, spending)
                                              for a in batch))
        results = asyncio.run(_go())
    exports = load_exports(run.inventory, inventory_accounts)  # validated by prepare_run already
    exported = merge_hand_exports(results, batch, exports, since, run.monitoring_date)
    statuses = [r.status for r in results]
    posts = [p for r in results for p in r.posts]
    landing.land("account_statuses", statuses, quarter=run.quarter, run_id=run.run_id, part=part)
    landing.land("posts", posts, quarter=run.quarter, run_id=run.run_id, part=part)
    summary = {"platform": connector_name, "accounts": len(batch), "posts": len(posts),
               "hand_export_posts": exported,
               "statuses": dict(Counter(s["status"] for s in statuses)),
               "outcomes": dict(Counter(s["outcome"] for s in statuses)), "budget": budget.summary()}
    log.info("%s batch %s: %s", connector_name, part, summary)
    return summary


def merge_hand_exports(results: list[AccountResult], batch: list[dict], exports: HandExports, since: date,
                       until: date) -> int:
    """Add the hand-exported posts of the batch's accounts to their results; return how many were added.

    A post the connector also returned (same post id or same URL) is kept once, from the connector (its row
    carries the platform's raw answer). An account covered by an export is *collected for posts* whatever
    its connector did: when the connector failed (outcome other than ``ok``: unreachable, rate limited,
    budget spent, no credentials…) the status row gets ``outcome = ok``, keeps the connector's ``status``
    (``unknown`` when it learnt nothing), and ``error`` says that the posts come from the export and why the
    connector failed. The export is taken as the account's complete list of posts for the window.
    """
    added = 0
    for account, result in zip(batch, results, strict=True):
        if not exports.covers(account["account_id"]):
            continue
        known_ids = {p["post_id"] for p in result.posts}
        known_urls = {p["url"] for p in result.posts if p["url"]}
        rows = [r for r in exports.rows_for(account, since, until)
                if r["post_id"] not in known_ids and not (r["url"] and r["url"] in known_urls)]
        result.posts.extend(rows)
        added += len(rows)
        files = ", ".join(exports.files_of(account["account_id"]))
        if result.status["outcome"] != "ok":
            reason = f"{result.status['outcome']}: {result.status.get('error') or ''}".strip().rstrip(":")
            result.status["outcome"] = "ok"
            result.status["error"] = f"posts from hand export {files}; connector {reason}"
        log.info("%s: hand export %s: %d posts added in the window", account["account_id"], files, len(rows))
    return added


DISCOVERY_BATCH_SIZE = 40  # 118 ganzi units: 3 tasks per platform


def plan_discovery(ctx: dict) -> list[list[str]]:
    """Batches of at most ``DISCOVERY_BATCH_SIZE`` unit names to search every platform for: the distinct units
    of the run's accounts and roster, in inventory order."""
    run = RunContext.from_dict(ctx)
    units = list(dict.fromkeys(r["unit"] for entity in ("accounts", "roster") for r in _snapshot(entity, run)
                               if r["unit"]))
    return [units[i:i + DISCOVERY_BATCH_SIZE] for i in range(0, len(units), DISCOVERY_BATCH_SIZE)]


def discover_accounts(units: list[str], ctx: dict, connector: str) -> dict:
    """Search one platform for a batch of unit names; land every account found in ``account_candidates``.

    The batch spends its share of the platform's ``search_budget``. Whether a candidate is filed is decided
    in dbt (私自开设), not here."""
    from govinspect.platforms.discovery import discover  # noqa: PLC0415

    run = RunContext.from_dict(ctx)
    part = f"{connector}-search-{stable_id(*units)}"
    try:
        endpoint = endpoint_from_connection(connector)
    except MissingEndpoint as exc:
        log.error("%s: %s — %d units not searched", connector, exc, len(units))
        landing.land("account_candidates", [], quarter=run.quarter, run_id=run.run_id, part=part)
        return {"platform": connector, "units": len(units), "candidates": 0, "outcomes": {"not_collected": len(units)}}
    all_units = sum(len(b) for b in plan_discovery(ctx))
    budget = RequestBudget(share(endpoint.search_budget, len(units), all_units))

    async def _go():
        async with Fetcher(platform_policy()) as fetcher:
            return await discover(endpoint, units, BudgetedFetcher(fetcher, budget, connector))

    found = asyncio.run(_go())
    landing.land("account_candidates", found.candidates, quarter=run.quarter, run_id=run.run_id, part=part)
    summary = {"platform": connector, "units": len(units), "candidates": len(found.candidates),
               "outcomes": dict(found.outcomes), "failures": found.failures[:10], "budget": budget.summary()}
    log.info("%s discovery %s: %s", connector, part, summary)
    return summary


def finish_landing(ctx: dict) -> dict:
    """Make sure every record type of the run has a file, and report what was landed."""
    run = RunContext.from_dict(ctx)
    landing.ensure_all_record_types(run.quarter, run.run_id)
    counts = {t: landing.read_run(t, run.quarter, run.run_id).num_rows for t in landing.RUN_RECORD_TYPES}
    log.info("landed under %s: %s", run.raw_dir, counts)
    return counts


def dbt_vars(ctx: dict) -> dict:
    """The dbt ``--vars`` of a run."""
    return {
        "raw_root": str(paths().raw), "quarter": ctx["quarter"], "run_slug": ctx["run_slug"],
        "monitoring_date": ctx["monitoring_date"], "rules_profile": ctx["rules_profile"],
    }


def probe_round(params: dict, probe_run_id: str, now: datetime | None = None) -> dict:
    """One availability probe of every inventory site, landed as one record per site."""
    inventory = load_inventory(inventory_folder(params))
    sites = [{"site_id": w.site_id, "home_url": w.home_url} for w in inventory.websites]
    rows = asyncio.run(probe_sites(sites, now=now, policy=probe_policy()))
    day = (now or datetime.now(TZ)).astimezone(TZ).date().isoformat()
    path = landing.land_probes(rows, probe_run_id=probe_run_id, day=day)
    return {"sites": len(rows), "outcomes": dict(Counter(r["outcome"] for r in rows)), "file": str(path)}


def notice_params(ctx: dict, params: dict | None = None):
    """The notice's parameters of a run (validated: 发文字号 form, dates); ``params`` (the DAG params) may give
    ``rectification_deadline`` (YYYY-MM-DD; empty: the notice date + the profile's ``deadline_days``)."""
    from govinspect.notice import NoticeParams  # noqa: PLC0415

    deadline = ((params or {}).get("rectification_deadline") or "").strip() or None
    return NoticeParams(quarter=ctx["quarter"], monitoring_date=ctx["monitoring_date"],
                        notice_date=ctx["notice_date"], document_number=ctx["document_number"] or None,
                        rectification_deadline=deadline)


def raw_gate(ctx: dict) -> dict:
    """Great Expectations on the run's raw landing; raises ``QualityGateFailed`` (rule ids, examples)."""
    from govinspect.quality import check_raw, gx_root_for  # noqa: PLC0415 - GX import is slow: only when run

    run = RunContext.from_dict(ctx)
    result = check_raw(run.quarter, run.run_id, run.monitoring_date, gx_root=gx_root_for(run.quarter, run.run_id))
    log.info("raw gate passed:\n%s", result.report())
    return {"passed": result.passed, "expectations": len(result.rows()), "warnings": len(result.warnings),
            "data_docs": result.docs}


def marts_gate(ctx: dict) -> dict:
    """Great Expectations on the quarter's marts; raises ``QualityGateFailed`` so nothing is published."""
    from govinspect.quality import check_marts, gx_root_for  # noqa: PLC0415

    run = RunContext.from_dict(ctx)
    result = check_marts(paths().duckdb, run.quarter, run_id=run.run_id, gx_root=gx_root_for(run.quarter, run.run_id))
    log.info("marts gate passed:\n%s", result.report())
    return {"passed": result.passed, "expectations": len(result.rows()), "warnings": len(result.warnings),
            "data_docs": result.docs}


def publish(ctx: dict, params: dict | None = None) -> list[str]:
    """Render the notice from the marts into ``output/<quarter>/``; return the files written."""
    from govinspect.notice import publish as publish_notice  # noqa: PLC0415

    written = publish_notice(paths().duckdb, notice_params(ctx, params))
    for kind, path in written.items():
        log.info("notice %s: %s", kind, path)
    return [str(p) for p in written.values()]


def build_docs(ctx: dict) -> dict[str, str]:
    """Keep the run's documentation with its outputs: ``output/<quarter>/data-docs/`` (the GX Data Docs of both
    gates) and ``output/<quarter>/dbt-docs/`` (``dbt docs generate --static`` with the run's vars; opens DuckDB)."""
    from govinspect.notice.docs import publish_docs  # noqa: PLC0415

    run = RunContext.from_dict(ctx)
    written = publish_docs(run.quarter, run.run_id, dbt_vars(ctx))
    return {kind: str(path) for kind, path in written.items()}

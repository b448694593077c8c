"""Quality gates: Great Expectations suites (``expectations/``) run on pandas DataFrames.

Two gates:

``check_raw(quarter, run_id, monitoring_date)``  the run's raw landing files (``expectations/raw_landing.py``)
``check_marts(duckdb_path, quarter)``             the dbt marts (``expectations/findings_mart.py``)

A suite module declares its rules as data (:class:`Rule`: rule id, table, GX expectation, arguments, why,
level), lists its ``SUITE`` name and ``TABLES`` and prepares one DataFrame per table (``prepare_frames``);
:func:`build_suites` turns any such module into one GX suite per table. This module runs them through the
pandas DataFrame route (the DuckDB SQL route of GX 1.24 is broken) and turns the results into a
:class:`QualityResult`; a failing gate raises :class:`QualityGateFailed` with a message meant for a task
log. Rules of level ``warning`` (GX severity ``warning``) are reported but never stop the run.

With ``gx_root`` the suites run in a GX *file* context under that folder: the suites, every validation
result and the Data Docs site (``<gx_root>/gx/uncommitted/data_docs/local_site/index.html``) stay there,
one folder per run (:func:`gx_root_for`); ``govinspect.notice.docs`` copies the site beside the notice.

Great Expectations is imported only inside functions: importing it costs seconds, and Airflow parses the
DAG files that import this module often.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

log = logging.getLogger(__name__)

RAW_SUITE_MODULE = "expectations.raw_landing"
MARTS_SUITE_MODULE = "expectations.findings_mart"
EXAMPLES = 5  # failing values quoted per expectation
LEVELS: tuple[str, ...] = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, as data (no GX import needed to list or document the rules)."""

    rule_id: str
    table: str  # the prepared DataFrame it runs on
    expectation: str  # class name in great_expectations.expectations, e.g. "ExpectColumnValuesToBeInSet"
    kwargs: Mapping[str, Any]
    why: str
    level: str = "error"  # error: the gate fails | warning: reported, the run goes on (GX severity)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"rule {self.rule_id}: level must be one of {LEVELS}, got {self.level!r}")

    @property
    def target(self) -> str:
        k = self.kwargs
        if "column" in k:
            return f"{self.table}.{k['column']}"
        if "column_A" in k:
            return f"{self.table}.{k['column_A']}={k['column_B']}"
        if "column_list" in k:
            return f"{self.table}({', '.join(k['column_list'])})"
        return self.table


def build_suite(name: str, rules: Iterable[Rule]):
    """A GX ExpectationSuite holding ``rules``; each expectation's meta carries rule_id, table and why, and its
    GX severity is the rule's level (``critical`` for errors)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for rule in rules:
        cls = getattr(gxe, rule.expectation)
        suite.add_expectation(cls(**dict(rule.kwargs), severity="warning" if rule.level == "warning" else "critical",
                                  notes=f"{rule.rule_id} ({rule.level}): {rule.why}",  # shown in Data Docs
                                  meta={"rule_id": rule.rule_id, "table": rule.table, "target": rule.target,
                                        "why": rule.why, "level": rule.level}))
    return suite


def build_suites(module) -> dict:
    """table -> GX suite ``<module.SUITE>.<table>`` for every table of a suite module (``TABLES``, ``RULES``)."""
    unknown = sorted({r.table for r in module.RULES} - set(module.TABLES))
    if unknown:
        raise ValueError(f"{module.__name__}: rules for tables not in TABLES: {unknown}")
    return {table: build_suite(f"{module.SUITE}.{table}", [r for r in module.RULES if r.table == table])
            for table in module.TABLES}


@dataclass(frozen=True)
class Outcome:
    """The result of one expectation."""

    rule_id: str
    table: str
    target: str  # table.column (or the columns involved)
    expectation: str
    success: bool
    observed: str  # human-readable observed value
    unexpected_count: int | None = None
    element_count: int | None = None
    examples: list[Any] = field(default_factory=list)
    why: str = ""
    error: str | None = None
    level: str = "error"

    @property
    def blocking(self) -> bool:
        """A failed error-level expectation: it stops the run."""
        return not self.success and self.level != "warning"

    def describe(self) -> str:
        text = f"{self.rule_id} {self.target} [{self.expectation}]: {self.observed}"
        if self.examples:
            text += f"; e.g. {'; '.join(_show(e) for e in self.examples)}"
        if self.why:
            text += f" — {self.why}"
        return text


@dataclass(frozen=True)
class QualityResult:
    gate: str  # raw | marts
    quarter: str
    outcomes: list[Outcome]
    context: dict[str, Any] = field(default_factory=dict)  # run id, file, row counts

    docs: str | None = None  # the Data Docs index.html of this run, when run in a file context

    @property
    def passed(self) -> bool:
        """No error-level expectation failed (warnings do not stop a run)."""
        return not self.failures

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.blocking]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.level == "warning"]

    @property
    def failed_rule_ids(self) -> list[str]:
        return sorted({o.rule_id for o in self.failures})

    def rows(self) -> list[dict[str, Any]]:
        """One dict per expectation (for a log table, an XLSX sheet or a DataFrame)."""
        return [{"gate": self.gate, "quarter": self.quarter, "rule_id": o.rule_id, "table": o.table,
                 "target": o.target, "expectation": o.expectation, "success": o.success, "observed": o.observed,
                 "unexpected_count": o.unexpected_count, "element_count": o.element_count,
                 "examples": [_show(e) for e in o.examples], "why": o.why, "error": o.error, "level": o.level}
                for o in self.outcomes]

    def report(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.context.items() if not isinstance(v, dict))
        ok = sum(1 for o in self.outcomes if o.success)
        head = (f"quality gate '{self.gate}' for {self.quarter}{f' ({where})' if where else ''}: "
                f"{ok} of {len(self.outcomes)} expectations passed")
        lines = [head]
        if self.failures:
            lines.append(f"failed rule(s): {', '.join(self.failed_rule_ids)}")
            lines += [f"  - {o.describe()}" for o in sorted(self.failures, key=lambda o: (o.rule_id, o.target))]
        if self.warnings:
            lines.append(f"warning(s), not blocking: {', '.join(sorted({o.rule_id for o in self.warnings}))}")
            lines += [f"  - {o.describe()}" for o in sorted(self.warnings, key=lambda o: (o.rule_id, o.target))]
        if self.docs:
            lines.append(f"Data Docs: {self.docs}")
        return "\n".join(lines)


class QualityGateFailed(RuntimeError):
    """A quality gate found problems; ``result`` has every expectation's outcome."""

    def __init__(self, result: QualityResult):
        self.result = result
        super().__init__(result.report())


# --- running suites -----------------------------------------------------------------------------------------


def _show(value: Any, limit: int = 120) -> str:
    if isinstance(value, dict):
        text = "[" + ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) + "]"
    elif isinstance(value, tuple | list):
        text = "(" + ", ".join(str(_plain(v)) for v in value) + ")"
    else:
        text = repr(_plain(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return value.item()
        except (ValueError, TypeError):
            return value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _outcome(er) -> Outcome:
    config = er.expectation_config
    meta = config.meta or {}
    result = dict(er.result or {})
    info = er.exception_info or {}
    error = None
    if isinstance(info, dict):
        if info.get("raised_exception"):
            error = info.get("exception_message")
        else:  # {metric_id: {...}} when a metric failed to resolve
            for v in info.values():
                if isinstance(v, dict) and v.get("raised_exception"):
                    error = v.get("exception_message")
                    break
    unexpected, elements = result.get("unexpected_count"), result.get("element_count")
    examples: list[Any] = []
    if error:
        observed = f"error: {error}"
    elif "observed_value" in result:
        observed = f"observed {_show(result['observed_value'])}"
    elif unexpected is not None:
        observed = f"{unexpected} of {elements} row(s) unexpected"
        # with ID columns configured the index list holds dicts (ids + offending values); else bare row numbers
        indexed = list(result.get("partial_unexpected_index_list") or [])
        examples = indexed if indexed and isinstance(indexed[0], dict) else list(
            result.get("partial_unexpected_list") or [])
    else:
        observed = "no observed value"
    return Outcome(
        rule_id=meta.get("rule_id", "?"), table=meta.get("table", "?"),
        target=meta.get("target", meta.get("table", "?")), expectation=config.type,
        success=bool(er.success), observed=observed, unexpected_count=unexpected, element_count=elements,
        examples=examples[:EXAMPLES], why=meta.get("why", ""), error=error, level=meta.get("level", "error"),
    )


def _gx_context(gx_root: Path | None):
    """A file context under ``gx_root`` (suites, results and Data Docs kept), else an ephemeral one. GX's usage
    analytics stay off even when the task's environment forgot ``GX_ANALYTICS_ENABLED`` (nothing phones home)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if gx_root is None:
        context = gx.get_context(mode="ephemeral")
    else:
        gx_root.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(gx_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.enable_analytics(False)
    return context


def validate_frames(gate: str, quarter: str, frames: Mapping[str, pd.DataFrame], module, *,
                    parameters: Mapping[str, Any] | None = None,
                    context: Mapping[str, Any] | None = None, gx_root: Path | None = None) -> QualityResult:
    """Run every suite of a suite module on its prepared frame, each as a GX validation definition; with
    ``gx_root`` the results are kept in a file context there and its Data Docs are (re)built."""
    import great_expectations as gx

    gx_context = _gx_context(gx_root)
    source = gx_context.data_sources.add_or_update_pandas(f"{gate}_frames")
    outcomes: list[Outcome] = []
    for table, suite in build_suites(module).items():
        if table not in frames:
            raise KeyError(f"suite {suite.name} checks table '{table}' but no frame was prepared for it")
        frame = frames[table]
        log.info("quality gate '%s' %s: validating %s (%d row(s), %d expectation(s))",
                 gate, quarter, table, len(frame), len(suite.expectations))
        suite = gx_context.suites.add_or_update(suite)
        try:
            asset = source.get_asset(table)
        except LookupError:
            asset = source.add_dataframe_asset(table)
        try:
            batch_definition = asset.get_batch_definition(table)
        except KeyError:
            batch_definition = asset.add_batch_definition_whole_dataframe(table)
        definition = gx_context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=suite))
        ids = [c for c in module.ID_COLUMNS.get(table, ()) if c in frame.columns]
        result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
        if ids:
            result_format["unexpected_index_column_names"] = ids
        validation = definition.run(batch_parameters={"dataframe": frame},
                                    expectation_parameters=dict(parameters or {}), result_format=result_format)
        table_outcomes = [_outcome(er) for er in validation.results]
        outcomes += table_outcomes
        failed = [o for o in table_outcomes if not o.success]
        log.log(logging.WARNING if failed else logging.INFO, "quality gate '%s' %s: %s %s", gate, quarter, table,
                "failed " + ", ".join(sorted({f"{o.rule_id}({o.level})" for o in failed})) if failed else "passed")
    outcomes.sort(key=lambda o: (o.rule_id, o.table, o.target))
    docs = None
    if gx_root is not None:
        docs = str(Path(gx_context.build_data_docs()["local_site"].removeprefix("file://")))
        log.info("quality gate '%s' %s: Data Docs %s", gate, quarter, docs)
    return QualityResult(gate=gate, quarter=quarter, outcomes=outcomes, context=dict(context or {}), docs=docs)


def _finish(result: QualityResult, raise_on_failure: bool) -> QualityResult:
    if result.passed:
        log.log(logging.WARNING if result.warnings else logging.INFO, "%s", result.report())
        return result
    if raise_on_failure:  # the exception carries the full report
        log.error("quality gate '%s' for %s failed: %s", result.gate, result.quarter,
                  ", ".join(result.failed_rule_ids))
        raise QualityGateFailed(result)
    log.error("%s", result.report())
    return result


def gx_root_for(quarter: str, run_id: str, data_dir: Path | None = None) -> Path:
    """The GX file context of one run: ``<data>/gx/quarter=<Q>/run=<run>`` (both gates write there)."""
    from govinspect.landing import slug
    from govinspect.settings import paths

    return (data_dir or paths().data) / "gx" / f"quarter={quarter}" / f"run={slug(run_id)}"


def data_docs_site(gx_root: Path) -> Path:
    return gx_root / "gx" / "uncommitted" / "data_docs" / "local_site"


# --- the gates ------------------------------------------------------------------------------------------------


def read_probes(days: Iterable[date], root: Path | None = None) -> pd.DataFrame:
    """The availability probe records landed for the given Beijing days (``probes/date=<day>/``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from govinspect.landing import PROBE_SCHEMA
    from govinspect.settings import paths

    base = (root or paths().raw) / "probes"
    files = [f for d in days for f in sorted((base / f"date={d.isoformat()}").glob("*.parquet"))]
    tables = [pq.read_table(f, schema=PROBE_SCHEMA) for f in files]
    return (pa.concat_tables(tables) if tables else PROBE_SCHEMA.empty_table()).to_pandas()


def check_raw(quarter: str, run_id: str, monitoring_date: date, root: Path | None = None, *,
              raise_on_failure: bool = True, gx_root: Path | None = None) -> QualityResult:
    """Validate the raw landing files of one run (inventory snapshot, website and account record types) and
    the availability probes of the week before the monitoring point."""
    import pandas as pd

    from govinspect.landing import read_run

    module = importlib.import_module(RAW_SUITE_MODULE)
    raw = {rt: read_run(rt, quarter, run_id, root).to_pandas() for rt in module.RECORD_TYPES}
    window = module.probe_window(monitoring_date)
    # a probe file's day is the Beijing day it was taken; read one day either side and count by timestamp
    raw["probes"] = read_probes([window[0] - timedelta(days=1), *window, window[-1] + timedelta(days=1)], root)
    log.info("quality gate 'raw' %s run %s: read %s", quarter, run_id,
             ", ".join(f"{k}={len(v)}" for k, v in raw.items()))
    frames = module.prepare_frames(raw, probe_days=window)
    # Items published after the monitoring point are real when collection runs later (a past quarter re-run);
    # only a date after the collection day is impossible.
    fetched = pd.to_datetime(raw["pages"].get("fetched_at"), utc=True).dt.tz_convert("Asia/Shanghai")
    collected_on = fetched.max().date() if len(fetched.dropna()) else monitoring_date
    latest_valid = max(monitoring_date, collected_on)
    result = validate_frames("raw", quarter, frames, module, parameters={"latest_valid_date": latest_valid},
                             context={"run_id": run_id, "monitoring_date": monitoring_date.isoformat()},
                             gx_root=gx_root)
    return _finish(result, raise_on_failure)


def read_marts(duckdb_path: Path | str, quarter: str, tables: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Rows of ``quarter`` of the given marts as DataFrames; the DuckDB file is opened read-only and closed."""
    import duckdb

    db = Path(duckdb_path)
    if not db.is_file():
        raise FileNotFoundError(f"DuckDB file {db} does not exist; build the marts first (dbt build)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in tables:
            try:
                out[table] = con.execute(f'select * from main."{table}" where quarter = ?', [quarter]).df()
            except duckdb.CatalogException as exc:
                raise LookupError(f"mart '{table}' not found in {db}: build the marts first (dbt build)") from exc
        return out
    finally:
        con.close()


def read_optional_marts(duckdb_path: Path | str, quarter: str,
                        tables: Mapping[str, tuple[str, ...]]) -> dict[str, pd.DataFrame]:
    """Marts an older warehouse may lack: a missing one reads as an empty frame with the expected columns."""
    import pandas as pd

    out = {}
    for table, columns in tables.items():
        try:
            out |= read_marts(duckdb_path, quarter, [table])
        except LookupError:
            log.info("mart '%s' not in %s (older warehouse): its checks run on no rows", table, duckdb_path)
            out[table] = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return out


def check_marts(duckdb_path: Path | str, quarter: str, *, run_id: str | None = None, root: Path | None = None,
                raise_on_failure: bool = True, gx_root: Path | None = None) -> QualityResult:
    """Validate the marts of ``quarter``: findings complete, vocabularies, notice numbers agree with the annexes,
    verdicts cover the inventory snapshot of the run (``run_id``; default: the single run in fct_findings)."""
    from govinspect.landing import read_run

    module = importlib.import_module(MARTS_SUITE_MODULE)
    marts = read_marts(duckdb_path, quarter, module.MARTS)
    marts |= read_optional_marts(duckdb_path, quarter, module.OPTIONAL_MARTS)
    if run_id is None:
        runs = sorted({r for r in marts["fct_findings"].get("run_id", []) if isinstance(r, str)})
        if len(runs) != 1:
            raise ValueError(f"cannot tell which run's inventory to check coverage against for {quarter} "
                             f"(runs in fct_findings: {runs or 'none'}): pass run_id")
        run_id = runs[0]
    inventory = {rt: read_run(rt, quarter, run_id, root).to_pandas() for rt in module.INVENTORY_RECORD_TYPES}
    log.info("quality gate 'marts' %s: read %s; inventory of run %s: %s", quarter,
             ", ".join(f"{k}={len(v)}" for k, v in marts.items()), run_id,
             ", ".join(f"{k}={len(v)}" for k, v in inventory.items()))
    frames = module.prepare_frames(marts, inventory)
    result = validate_frames("marts", quarter, frames, module,
                             context={"duckdb": str(duckdb_path), "run_id": run_id}, gx_root=gx_root)
    return _finish(result, raise_on_failure)

"""National-scale benchmark of the indicator models: dbt versus the same SQL run directly in DuckDB.

    .venv/bin/python benchmarks/national_scale.py            # 14,000 sites, 100,000 accounts, 7 days of probes
    .venv/bin/python benchmarks/national_scale.py --quick    # 300 sites, 2,000 accounts: a smoke run
    make bench-national                                      # the full run

Steps, in one run (everything under ``--work-dir``, default /tmp/govinspect-bench-national):

1. Generate the raw landing (``benchmarks/_synth.py``): every record type of ``landing.SCHEMAS`` in the
   landing layout (one file per site / batch of 25 accounts, as the pipeline lands them) and the probes,
   one file per probe round. Timed, not part of the comparison.
2. Untimed set-up: ``dbt seed`` (the rules tables) into the benchmark's own target folder and DuckDB file
   (``dbt/bench.duckdb``).
3. dbt (timed): ``dbt run --select path:models/staging path:models/intermediate path:models/marts`` as a
   subprocess: the models, plus dbt's start-up, parsing, compilation and per-model bookkeeping.
4. Direct (timed): a child Python process takes the compiled SQL of the same models from the manifest the
   run wrote, copies the seeds (untimed) into a fresh DuckDB file (``direct/bench.duckdb``: the same file
   name, so the compiled relation names resolve) and executes the models in dependency order, as
   ``CREATE OR REPLACE VIEW/TABLE <relation> AS <compiled SQL>`` on one DuckDB connection.
   ``dbt run``, not ``dbt build``: seeds are loaded in set-up on both sides and the direct path runs no
   tests, so the ratio compares like with like. ``dbt test`` of the same selection (data tests and unit
   tests) is timed after it and printed on its own line (``--no-tests`` skips it).

Printed: both times, the ratio dbt/direct, each child's peak memory (``ru_maxrss`` from ``os.wait4``), the
row counts of the marts on both sides (they must agree), and the slowest models by dbt's own timing
(``run_results.json``) next to their direct time. Targets (issue 6): dbt run ≤ 60 s on the 2-core machine,
≤ 1.3 × direct.

What-ifs, without touching dbt_project/: ``--setting threads=2`` (repeatable) applies a DuckDB setting on both
sides (a temporary copy of the project's profiles.yml with ``settings:``); ``--materialize staging=table``
(repeatable) runs a copy of the project with a model folder materialized otherwise. ``--keep`` keeps the
generated data and ``--reuse-data`` reuses it (same options) instead of generating it again; ``--repeat N``
alternates N direct and dbt rounds and reports the best of each (for a loaded machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import graphlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
MODEL_PATHS = ("path:models/staging", "path:models/intermediate", "path:models/marts")
DB_NAME = "bench.duckdb"  # the same file name on both sides: compiled SQL names the catalog "bench"
TARGET_SECONDS = 60.0
TARGET_RATIO = 1.3

sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass
class ChildRun:
    """One timed child process."""

    seconds: float
    max_rss_mb: float
    returncode: int
    output: str = ""


@dataclass
class Result:
    spec: dict
    generation_seconds: float
    rows: dict[str, int]
    files: int
    raw_mb: float
    dbt_run_seconds: float
    dbt_run_rss_mb: float
    dbt_models_seconds: float  # sum of run_results execution_time
    direct_seconds: float  # the model loop inside the child
    direct_process_seconds: float  # the child process, start-up included
    direct_rss_mb: float
    ratio: float
    dbt_test_seconds: float | None
    dbt_test_rss_mb: float | None
    mart_rows_dbt: dict[str, int]
    mart_rows_direct: dict[str, int]
    per_model: list[dict] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    materialize: dict[str, str] = field(default_factory=dict)
    rounds: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rows_agree(self) -> bool:
        return self.mart_rows_dbt == self.mart_rows_direct


def run_child(cmd: list[str], *, env: dict[str, str], cwd: Path) -> ChildRun:
    """Run ``cmd``, return its wall time and peak resident memory (its own ``ru_maxrss``)."""
    started = time.perf_counter()
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        output = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode, output)


class DbtRunner:
    """dbt commands against the benchmark's data, DuckDB file, target and log folders."""

    def __init__(self, work: Path, raw: Path, variables: dict, settings: dict[str, str],
                 project: Path = PROJECT) -> None:
        self.dir = work / "dbt"
        self.db = self.dir / DB_NAME
        self.variables = variables
        self.project = project
        self.profiles_dir = project
        if settings:
            self.profiles_dir = self.dir / "profiles"
            write_profiles(project, self.profiles_dir, settings)
        self.env = os.environ | {
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "GOVINSPECT_DUCKDB_PATH": str(self.db),
            "GOVINSPECT_DATA_DIR": str(raw.parent),
        }

    @property
    def target(self) -> Path:
        return self.dir / "target"

    def __call__(self, *args: str, check: bool = True) -> ChildRun:
        cmd = [str(DBT), *args, "--vars", json.dumps(self.variables), "--project-dir", str(self.project),
               "--profiles-dir", str(self.profiles_dir), "--target-path", str(self.target),
               "--log-path", str(self.dir / "logs")]
        run = run_child(cmd, env=self.env, cwd=self.project)
        if check and run.returncode != 0:
            raise SystemExit(f"dbt {args[0]} failed (exit {run.returncode}):\n{run.output[-6000:]}")
        return run


def what_if_project(project: Path, dest: Path, materialize: dict[str, str]) -> Path:
    """A copy of the dbt project whose model folders are materialized as given (``{"staging": "table"}``),
    to measure a materialization change without touching dbt_project/ (a model's own ``config()`` wins)."""
    import yaml  # noqa: PLC0415

    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"))
    config = yaml.safe_load((dest / "dbt_project.yml").read_text(encoding="utf-8"))
    models = config.setdefault("models", {}).setdefault(config["name"], {})
    for folder, materialized in materialize.items():
        models.setdefault(folder, {})["+materialized"] = materialized
    (dest / "dbt_project.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return dest


def write_profiles(project: Path, folder: Path, settings: dict[str, str]) -> None:
    """The project's profiles.yml with DuckDB ``settings`` added to every output."""
    import yaml  # noqa: PLC0415

    profiles = yaml.safe_load((project / "profiles.yml").read_text(encoding="utf-8"))
    for profile in profiles.values():
        for output in profile.get("outputs", {}).values():
            output.setdefault("settings", {}).update(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles, allow_unicode=True), encoding="utf-8")


# --- the direct path (runs in a child process) -------------------------------------------------------------

def model_plan(manifest_path: Path) -> list[dict]:
    """The selected models of a compiled manifest in dependency order, with their compiled SQL."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    prefixes = tuple(p.removeprefix("path:") + "/" for p in MODEL_PATHS)
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model" and node["original_file_path"].startswith(prefixes)}
    missing = [uid for uid, node in models.items() if not node.get("compiled_code")]
    if missing:
        raise SystemExit(f"{manifest_path}: models without compiled SQL (run dbt compile first): {missing}")
    sorter = graphlib.TopologicalSorter(
        {uid: [d for d in node["depends_on"]["nodes"] if d in models] for uid, node in models.items()})
    return [{"name": models[uid]["name"], "relation": models[uid]["relation_name"],
             "schema": models[uid]["schema"], "materialized": models[uid]["config"]["materialized"],
             "sql": models[uid]["compiled_code"]} for uid in sorter.static_order()]


def seed_tables(manifest_path: Path) -> list[tuple[str, str]]:
    """(schema, table) of every seed of the manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return [(node["schema"], node["alias"] or node["name"]) for node in manifest["nodes"].values()
            if node["resource_type"] == "seed"]


def direct_child(manifest: Path, db: Path, seeds_from: Path, settings: dict[str, str]) -> None:
    """Execute the compiled models in ``db`` (fresh; seeds copied untimed from ``seeds_from``); print JSON."""
    import duckdb  # noqa: PLC0415

    plan = model_plan(manifest)
    con = duckdb.connect(str(db))
    for key, value in settings.items():
        con.execute(f"SET {key} = '{value}'")
    catalog = db.stem
    con.execute(f"ATTACH '{seeds_from}' AS seeds_src (READ_ONLY)")
    for schema, table in seed_tables(manifest):
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{catalog}"."{schema}"')
        con.execute(f'CREATE TABLE "{catalog}"."{schema}"."{table}" AS SELECT * FROM seeds_src."{schema}"."{table}"')
    con.execute("DETACH seeds_src")
    timings = []
    started = time.perf_counter()
    for model in plan:
        t0 = time.perf_counter()
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{catalog}"."{model["schema"]}"')
        if model["materialized"] == "ephemeral":
            continue
        kind = "VIEW" if model["materialized"] == "view" else "TABLE"
        con.execute(f"CREATE OR REPLACE {kind} {model['relation']} AS (\n{model['sql']}\n)")
        timings.append({"model": model["name"], "seconds": time.perf_counter() - t0})
    total = time.perf_counter() - started
    con.execute("CHECKPOINT")
    con.close()
    print(json.dumps({"seconds": total, "models": timings}))


# --- the benchmark ------------------------------------------------------------------------------------------

def mart_rows(db: Path) -> dict[str, int]:
    """Row counts of every table the models built (the marts; seeds excluded)."""
    import duckdb  # noqa: PLC0415

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                             "WHERE schema_name <> 'config' ORDER BY table_name").fetchall()
        return {t: con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in tables}
    finally:
        con.close()


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*.parquet")]
    return len(files), sum(p.stat().st_size for p in files)


def landing_data(spec, data: Path, reuse: bool, log=print) -> tuple[dict[str, int], int, float]:
    """Generate the raw landing under ``data/raw`` (row counts, files, seconds), or with ``reuse`` keep the one
    a previous ``--keep`` run generated with the same spec (``data/synth.json``)."""
    from _synth import generate  # noqa: PLC0415

    marker = data / "synth.json"
    wanted = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(spec).items()}
    if reuse and marker.exists():
        kept = json.loads(marker.read_text(encoding="utf-8"))
        if kept["spec"] == wanted:
            log(f"Reusing the raw landing under {data / 'raw'} (same spec, seed {spec.seed})")
            return kept["rows"], kept["files"], kept["seconds"]
        log("The kept raw landing has another spec: generating a new one")
    shutil.rmtree(data, ignore_errors=True)
    log(f"Generating {spec.sites:,} sites, {spec.accounts:,} accounts, {spec.days} days × {spec.probes_per_day} "
        f"probes (seed {spec.seed}) under {data / 'raw'}")
    t0 = time.perf_counter()
    rows = generate(spec, data / "raw", log=log)
    seconds = time.perf_counter() - t0
    files = rows.pop("_files")
    log(f"Generated {sum(rows.values()):,} rows in {files:,} Parquet files in {seconds:.1f} s")
    marker.write_text(json.dumps({"spec": wanted, "rows": rows, "files": files, "seconds": seconds}), encoding="utf-8")
    return rows, files, seconds


def run(args: argparse.Namespace, log=print) -> Result:
    from _synth import SynthSpec  # noqa: PLC0415

    from govinspect.localenv import apply  # noqa: PLC0415

    apply()
    spec = SynthSpec(sites=args.sites, accounts=args.accounts, days=args.days, probes_per_day=args.probes_per_day,
                     seed=args.seed, sites_per_file=args.sites_per_file, accounts_per_file=args.accounts_per_file)
    settings = dict(s.split("=", 1) for s in args.setting)
    work = Path(args.work_dir)
    raw = work / "data" / "raw"
    for folder in (work / "dbt", work / "direct"):
        shutil.rmtree(folder, ignore_errors=True)
    rows, files, generation = landing_data(spec, work / "data", args.reuse_data, log)
    _, raw_bytes = folder_size(raw)

    variables = {"raw_root": str(raw), "quarter": spec.quarter, "run_slug": spec.run_slug,
                 "monitoring_date": spec.monitoring_date.isoformat(), "rules_profile": args.rules_profile}
    project = Path(args.project_dir).resolve()
    materialize = dict(m.split("=", 1) for m in args.materialize)
    if materialize:
        project = what_if_project(project, work / "dbt" / "project", materialize)
        log(f"What-if: {materialize} (a copy of the project in {project})")
    dbt = DbtRunner(work, raw, variables, settings, project)
    log("Set-up (untimed): dbt seed")
    dbt("seed")
    direct_dir = work / "direct"
    direct_dir.mkdir(parents=True, exist_ok=True)

    direct_runs: list[tuple[ChildRun, dict]] = []
    dbt_runs: list[tuple[ChildRun, dict[str, float]]] = []
    for i in range(args.repeat):
        round_note = f" round {i + 1} of {args.repeat}" if args.repeat > 1 else ""
        log(f"dbt run (timed){round_note} ...")
        dbt_run = dbt("run", "--select", *MODEL_PATHS)
        results = json.loads((dbt.target / "run_results.json").read_text(encoding="utf-8"))
        dbt_runs.append((dbt_run, {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"]
                                   for r in results["results"]}))

        log(f"Direct SQL in DuckDB (timed){round_note} ...")
        for stale in (direct_dir / DB_NAME, direct_dir / f"{DB_NAME}.wal"):
            stale.unlink(missing_ok=True)
        direct = run_child([sys.executable, __file__, "--direct-child", str(dbt.target / "manifest.json"),
                            str(direct_dir / DB_NAME), str(dbt.db), json.dumps(settings)], env=dbt.env, cwd=REPO)
        if direct.returncode != 0:
            raise SystemExit(f"direct SQL failed (exit {direct.returncode}):\n{direct.output[-6000:]}")
        direct_runs.append((direct, json.loads(direct.output.strip().splitlines()[-1])))
    # the best of the rounds on each side (a loaded machine only ever adds time)
    direct, direct_json = min(direct_runs, key=lambda r: r[1]["seconds"])
    dbt_run, dbt_times = min(dbt_runs, key=lambda r: r[0].seconds)

    dbt_test = None
    if not args.no_tests:
        log("dbt test (timed, reported on its own) ...")
        dbt_test = dbt("test", "--select", *MODEL_PATHS, check=False)
        if dbt_test.returncode != 0:
            log(f"  dbt test reported failures (exit {dbt_test.returncode}); the last lines:\n"
                + "\n".join(dbt_test.output.strip().splitlines()[-15:]))

    direct_times = {m["model"]: m["seconds"] for m in direct_json["models"]}
    per_model = sorted(({"model": name, "dbt_seconds": seconds, "direct_seconds": direct_times.get(name)}
                        for name, seconds in dbt_times.items()), key=lambda m: -m["dbt_seconds"])
    result = Result(
        spec={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(spec).items()},
        generation_seconds=generation, rows=rows, files=files, raw_mb=raw_bytes / 2**20,
        dbt_run_seconds=dbt_run.seconds, dbt_run_rss_mb=dbt_run.max_rss_mb,
        dbt_models_seconds=sum(dbt_times.values()),
        direct_seconds=direct_json["seconds"], direct_process_seconds=direct.seconds, direct_rss_mb=direct.max_rss_mb,
        ratio=dbt_run.seconds / direct_json["seconds"],
        dbt_test_seconds=dbt_test.seconds if dbt_test else None,
        dbt_test_rss_mb=dbt_test.max_rss_mb if dbt_test else None,
        mart_rows_dbt=mart_rows(dbt.db), mart_rows_direct=mart_rows(direct_dir / DB_NAME),
        per_model=per_model, settings=settings, materialize=materialize,
        rounds={"dbt_run_seconds": [r[0].seconds for r in dbt_runs],
                "direct_seconds": [r[1]["seconds"] for r in direct_runs]})
    report(result, args.top, log)
    if not args.keep:
        shutil.rmtree(work / "data", ignore_errors=True)
    return result


def report(r: Result, top: int, log=print) -> None:
    ok = "ok" if r.dbt_run_seconds <= TARGET_SECONDS else "MISSED"
    ok_ratio = "ok" if r.ratio <= TARGET_RATIO else "MISSED"
    log("")
    log(f"== National-scale benchmark ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC) ==")
    if r.settings:
        log(f"DuckDB settings: {r.settings}")
    if r.materialize:
        log(f"What-if materializations: {r.materialize}")
    log(f"raw landing         {sum(r.rows.values()):>12,} rows  {r.files:,} files  {r.raw_mb:,.0f} MB  "
        f"(generated in {r.generation_seconds:.1f} s)")
    log(f"dbt run             {r.dbt_run_seconds:8.1f} s  peak {r.dbt_run_rss_mb:7,.0f} MB  "
        f"(models {r.dbt_models_seconds:.1f} s, dbt itself {r.dbt_run_seconds - r.dbt_models_seconds:.1f} s)  "
        f"target ≤ {TARGET_SECONDS:.0f} s: {ok}")
    log(f"direct SQL          {r.direct_seconds:8.1f} s  peak {r.direct_rss_mb:7,.0f} MB  "
        f"(child process {r.direct_process_seconds:.1f} s)")
    if len(r.rounds.get("dbt_run_seconds", [])) > 1:
        log("rounds              dbt run " + ", ".join(f"{x:.1f}" for x in r.rounds["dbt_run_seconds"])
            + " s; direct " + ", ".join(f"{x:.1f}" for x in r.rounds["direct_seconds"]) + " s (best taken)")
    log(f"ratio dbt/direct    {r.ratio:8.2f}    target ≤ {TARGET_RATIO}: {ok_ratio}")
    if r.dbt_test_seconds is not None:
        log(f"dbt test            {r.dbt_test_seconds:8.1f} s  peak {r.dbt_test_rss_mb:7,.0f} MB  (not in the ratio)")
    log("marts (rows)        dbt / direct" + ("" if r.rows_agree else "   ** DIFFER **"))
    for name in sorted(set(r.mart_rows_dbt) | set(r.mart_rows_direct)):
        log(f"  {name:<32} {r.mart_rows_dbt.get(name, '-'):>10,} / {r.mart_rows_direct.get(name, '-'):>10,}")
    log(f"slowest models      dbt s / direct s (top {top})")
    for m in r.per_model[:top]:
        direct = f"{m['direct_seconds']:.2f}" if m["direct_seconds"] is not None else "-"
        log(f"  {m['model']:<40} {m['dbt_seconds']:7.2f} / {direct:>7}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sites", type=int, default=14_000)
    p.add_argument("--accounts", type=int, default=100_000)
    p.add_argument("--days", type=int, default=7, help="days of probes before the monitoring point (default 7)")
    p.add_argument("--probes-per-day", type=int, default=24)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--sites-per-file", type=int, default=1,
                   help="1 = one file per site per record type, as collect_website lands them")
    p.add_argument("--accounts-per-file", type=int, default=25,
                   help="25 = one file per batch of accounts, as collect_accounts_<platform> lands them")
    p.add_argument("--quick", action="store_true", help="smoke run: 300 sites, 2,000 accounts (unless given)")
    p.add_argument("--rules-profile", default="ganzi", choices=("ganzi", "national_2019"))
    p.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                   help="a DuckDB setting on both sides (e.g. threads=2, memory_limit=4GB)")
    p.add_argument("--materialize", action="append", default=[], metavar="FOLDER=KIND",
                   help="what-if on a copy of the project, e.g. staging=table (repeatable)")
    p.add_argument("--work-dir", default=os.environ.get("GOVINSPECT_BENCH_DIR", "/tmp/govinspect-bench-national"))
    p.add_argument("--project-dir", default=str(PROJECT), help="the dbt project (default: the checkout's)")
    p.add_argument("--keep", action="store_true", help="keep the generated raw data (default: removed at the end)")
    p.add_argument("--reuse-data", action="store_true",
                   help="reuse the raw data a previous --keep run generated with the same options")
    p.add_argument("--repeat", type=int, default=1,
                   help="time direct and dbt run this many times, alternately; report the best of each")
    p.add_argument("--no-tests", action="store_true", help="skip the timed dbt test")
    p.add_argument("--top", type=int, default=10, help="how many of the slowest models to list")
    p.add_argument("--json", help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    if args.quick:
        given = set(argv)
        if "--sites" not in given:
            args.sites = 300
        if "--accounts" not in given:
            args.accounts = 2_000
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--direct-child":
        direct_child(Path(argv[1]), Path(argv[2]), Path(argv[3]), json.loads(argv[4]))
        return 0
    args = parse_args(argv)
    result = run(args)
    if args.json:
        payload = asdict(result) | {"rows_agree": result.rows_agree}
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if result.rows_agree else 1


if __name__ == "__main__":
    sys.exit(main())

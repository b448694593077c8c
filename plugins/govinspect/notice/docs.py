"""Documentation kept with each quarter's outputs, for the people who check the notice:

``output/<quarter>/dbt-docs/index.html``   the dbt project's docs (every model and column, lineage), generated
                                           against the run's warehouse with the run's vars (``dbt docs generate
                                           --static``: one self-contained page)
``output/<quarter>/data-docs/index.html``  the Great Expectations Data Docs of the run's two gates (suites and
                                           validation results, from the run's GX file context)

Both folders are built aside and renamed into place: a failure leaves the previous ones intact. The dbt call
opens the DuckDB file, so the task that runs it belongs in the ``duckdb_writer`` pool.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from govinspect.settings import paths

log = logging.getLogger(__name__)

DBT_DOCS_DIR = "dbt-docs"
DATA_DOCS_DIR = "data-docs"
DBT_TIMEOUT_S = 600
_TAIL = 40  # lines of dbt output quoted in an error


class DocsError(RuntimeError):
    """Documentation for a run could not be built; the message says which and why."""


def dbt_executable() -> Path:
    return Path(sys.executable).parent / "dbt"


def dbt_docs_command(vars_: Mapping[str, object], work: Path, project_dir: Path | None = None,
                     executable: Path | None = None) -> list[str]:
    """``dbt docs generate --static`` for one run: its vars, target and logs in ``work`` (never in the project)."""
    project = project_dir or paths().dbt_project
    return [str(executable or dbt_executable()), "docs", "generate", "--static",
            "--project-dir", str(project), "--profiles-dir", str(project),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
            "--vars", json.dumps(dict(vars_), ensure_ascii=False, sort_keys=True)]


def replace_dir(target: Path, fill: Callable[[Path], None]) -> Path:
    """Build a folder with ``fill(tmp)`` beside ``target``, then swap it into place (the old one is removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        fill(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists():
        target.replace(old)
    tmp.replace(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def copy_data_docs(gx_root: Path, target: Path) -> Path:
    """Copy a run's Data Docs site (index.html and its assets) to ``target`` (replacing it); return index.html."""
    from govinspect.quality import data_docs_site  # noqa: PLC0415

    site = data_docs_site(gx_root)
    if not (site / "index.html").is_file():
        raise DocsError(f"no Data Docs under {site}: the quality gates of this run have not run there")
    replace_dir(target, lambda tmp: shutil.copytree(site, tmp, dirs_exist_ok=True))
    return target / "index.html"


def build_dbt_docs(vars_: Mapping[str, object], out_dir: Path, *, duckdb_path: Path | None = None,
                   executable: Path | None = None, timeout: float = DBT_TIMEOUT_S) -> Path:
    """Generate the dbt docs of the run's warehouse and keep ``static_index.html`` as ``<out_dir>/index.html``."""
    db = duckdb_path or paths().duckdb
    env = os.environ | {"GOVINSPECT_DUCKDB_PATH": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    with tempfile.TemporaryDirectory(prefix="govinspect-dbt-docs-") as work:
        cmd = dbt_docs_command(vars_, Path(work), executable=executable)
        log.info("dbt docs: %s", " ".join(cmd))
        start = time.monotonic()
        try:
            done = subprocess.run(cmd, cwd=paths().dbt_project, env=env, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DocsError(f"dbt docs generate could not run: {exc}") from exc
        output = (done.stdout + done.stderr).strip().splitlines()
        static = Path(work) / "target" / "static_index.html"
        if done.returncode != 0 or not static.is_file():
            tail = "\n".join(output[-_TAIL:])
            raise DocsError(f"dbt docs generate failed (exit {done.returncode}, static_index.html "
                            f"{'written' if static.is_file() else 'missing'}); last lines:\n{tail}")
        log.info("dbt docs generated in %.1f s (%d KB)", time.monotonic() - start, static.stat().st_size // 1024)
        replace_dir(out_dir, lambda tmp: shutil.copyfile(static, tmp / "index.html"))
    return out_dir / "index.html"


def publish_docs(quarter: str, run_id: str, vars_: Mapping[str, object], *, out_root: Path | None = None,
                 data_dir: Path | None = None, duckdb_path: Path | None = None,
                 executable: Path | None = None) -> dict[str, Path]:
    """Both documentation sites of a run into ``output/<quarter>/``; returns ``{"dbt_docs": …, "data_docs": …}``
    (the index.html of each). Data Docs come from the run's GX file context (:func:`quality.gx_root_for`)."""
    from govinspect.quality import gx_root_for  # noqa: PLC0415

    out = out_root or paths().quarter_output(quarter)
    written = {"data_docs": copy_data_docs(gx_root_for(quarter, run_id, data_dir), out / DATA_DOCS_DIR)}
    log.info("Data Docs for %s: %s", quarter, written["data_docs"])
    written["dbt_docs"] = build_dbt_docs(vars_, out / DBT_DOCS_DIR, duckdb_path=duckdb_path, executable=executable)
    log.info("dbt docs for %s: %s", quarter, written["dbt_docs"])
    return written

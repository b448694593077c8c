"""Where things live. Every path can be moved by an environment variable; defaults stay inside the checkout.

| variable               | default                                  | what                                   |
|------------------------|------------------------------------------|----------------------------------------|
| GOVINSPECT_HOME        | the checkout (parent of ``plugins/``)    | project root                           |
| GOVINSPECT_DATA_DIR    | ``$GOVINSPECT_HOME/data``                | raw landing, evidence, warehouse       |
| GOVINSPECT_OUTPUT_DIR  | ``$GOVINSPECT_HOME/output``              | notices and workbooks per quarter      |
| GOVINSPECT_DUCKDB_PATH | ``$GOVINSPECT_DATA_DIR/warehouse/govinspect.duckdb`` | the DuckDB file dbt builds |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _default_home() -> Path:
    # plugins/govinspect/settings.py -> checkout root; an installed copy falls back to the working directory.
    candidate = _PACKAGE_DIR.parent.parent
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


@dataclass(frozen=True)
class Paths:
    home: Path
    data: Path
    output: Path
    duckdb: Path

    @property
    def raw(self) -> Path:
        """Immutable raw landing files (Parquet), see :mod:`govinspect.landing`."""
        return self.data / "raw"

    @property
    def evidence(self) -> Path:
        """Fetched bodies, gzip-compressed and content-addressed by sha256."""
        return self.data / "evidence"

    @property
    def sandbox(self) -> Path:
        """Files the simulated prefecture writes (its generated inventory)."""
        return self.data / "sandbox"

    @property
    def dbt_project(self) -> Path:
        return self.home / "dbt_project"

    @property
    def templates(self) -> Path:
        return self.home / "include" / "templates"

    @property
    def scenarios(self) -> Path:
        return self.home / "include" / "scenarios"

    def quarter_output(self, quarter: str) -> Path:
        return self.output / quarter


def paths() -> Paths:
    """Resolve the paths from the environment (read on every call, so tests can point them elsewhere)."""
    home = Path(os.environ.get("GOVINSPECT_HOME") or _default_home()).resolve()
    data = Path(os.environ.get("GOVINSPECT_DATA_DIR") or home / "data").resolve()
    output = Path(os.environ.get("GOVINSPECT_OUTPUT_DIR") or home / "output").resolve()
    duckdb = Path(os.environ.get("GOVINSPECT_DUCKDB_PATH") or data / "warehouse" / "govinspect.duckdb").resolve()
    return Paths(home=home, data=data, output=output, duckdb=duckdb)


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole-number setting from the environment (unset or empty: ``default``); a clear error naming the
    variable when it is not a whole number or below ``minimum``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name}: '{raw}' is not a whole number") from None
    if value < minimum:
        raise ValueError(f"environment variable {name}: {value} is below {minimum}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A number setting from the environment (unset or empty: ``default``), checked like :func:`env_int`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"environment variable {name}: '{raw}' is not a number") from None
    if value < minimum:
        raise ValueError(f"environment variable {name}: {value} is below {minimum}")
    return value

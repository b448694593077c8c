"""The local environment: Airflow's home, folders and telemetry settings, all inside the checkout.

One source for the Makefile (``python -m govinspect.localenv CMD …`` runs CMD with it), the tests
(``conftest.py`` applies it before Airflow is imported) and the demo. A variable already set in the
environment wins, so an operator can move any folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from govinspect.settings import paths

API_PORT = 8080


def local_environment(home: Path | None = None) -> dict[str, str]:
    root = (home or paths().home).resolve()
    airflow_home = root / "airflow_home"
    return {
        "GOVINSPECT_HOME": str(root),
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{API_PORT}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(API_PORT),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(root / "logs"),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        # no phoning home
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(root / "data" / "cosmos"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "SCARF_ANALYTICS": "false",
        "SCARF_NO_ANALYTICS": "true",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "False",
    }


def apply(home: Path | None = None) -> dict[str, str]:
    """Set the local environment in this process (existing values win); return what is in force."""
    for key, value in local_environment(home).items():
        os.environ.setdefault(key, value)
    venv_bin = str(Path(sys.executable).parent)  # the environment's airflow, dbt and govinspect scripts
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")
    return {k: os.environ[k] for k in local_environment(home)}


def main(argv: list[str]) -> None:
    if not argv:
        for key, value in apply().items():
            print(f"export {key}='{value}'")
        return
    apply()
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])

# govinspect — the quarterly inspection of government websites and new-media accounts.
#   make demo   the main job: the demo quarter (2024Q3) on the simulated prefecture
#   make test   the whole test suite (what CI runs)
#   make ui     Airflow's UI locally (http://127.0.0.1:8080), DAGs loaded
#   make distributed-up    CeleryExecutor on PostgreSQL + Redis, separate processes (http://127.0.0.1:8090)
#   make distributed-down  stop every process distributed-up started
#   make bench-national    the national-scale dbt benchmark (14,000 sites, 100,000 accounts)
#   make bench-crawl       the crawl benchmark: our collector vs Scrapy on a farm of 500 simulated sites (~5 min)
# Everything lives inside the checkout: .venv, airflow_home/, logs/, data/, output/ (all git-ignored).

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
# Runs a command with the project's local environment (AIRFLOW_HOME inside the checkout, telemetry off, ...).
WITH_ENV := $(VENV)/bin/python -m govinspect.localenv
SCENARIO ?= ganzi-2024q3
QUARTER ?= 2024Q3
PYTEST_ARGS ?=

.PHONY: help install setup demo test ui lint clean distributed-up distributed-down distributed-status bench-national bench-crawl

help:
	@grep -E '^#   make' Makefile | sed 's/^#   //'

$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		{ echo "uv not found: installing uv $(UV_VERSION) with pip"; python3 -m pip install --quiet "uv==$(UV_VERSION)"; }
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

AIRFLOW_DB := airflow_home/airflow.db
DBT_MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)

# Airflow metadata DB (SQLite) and pools; the dbt manifest the quarterly DAG renders from.
$(AIRFLOW_DB): $(VENV)/.synced include/airflow/pools.json
	@mkdir -p airflow_home data output
	$(WITH_ENV) airflow db migrate
	$(WITH_ENV) airflow pools import include/airflow/pools.json
	@touch $@

$(DBT_MANIFEST): $(VENV)/.synced $(DBT_SOURCES)
	cd dbt_project && ../$(WITH_ENV) dbt parse --quiet --profiles-dir .

setup: $(AIRFLOW_DB) $(DBT_MANIFEST)

demo: setup
	$(WITH_ENV) govinspect demo --scenario $(SCENARIO) --quarter $(QUARTER)

test: setup
	$(WITH_ENV) pytest -rs $(PYTEST_ARGS)

ui: setup
	@echo "Airflow UI on http://127.0.0.1:8080 — user 'admin', password in airflow_home/simple_auth_manager_passwords.json.generated"
	$(WITH_ENV) airflow standalone

# Distributed mode (README "Distributed mode"): its own AIRFLOW_HOME, airflow_home_distributed/; logs in logs/distributed/.
WORKERS ?= 1
distributed-up: $(VENV)/.synced $(DBT_MANIFEST)
	$(WITH_ENV) govinspect distributed up --workers $(WORKERS)

distributed-down: $(VENV)/.synced
	$(WITH_ENV) govinspect distributed down

distributed-status: $(VENV)/.synced
	$(WITH_ENV) govinspect distributed status

lint: install
	$(VENV)/bin/ruff check .

# National-scale dbt benchmark (README "Performance"): 14,000 sites, 100,000 accounts; dbt run vs direct SQL.
BENCH_ARGS ?=
bench-national: $(VENV)/.synced
	$(WITH_ENV) python benchmarks/national_scale.py $(BENCH_ARGS)

# Crawl benchmark (README "Performance"): 500 sites x 10 columns x 3 pages on 127.62.x.y; ours vs Scrapy.
# Scrapy is in the bench dependency group: uv run installs it (and keeps every other package) for this run.
CRAWL_ARGS ?=
bench-crawl: $(VENV)/.synced
	$(UV) run --frozen --group bench python benchmarks/crawl.py $(CRAWL_ARGS)

clean:
	rm -rf airflow_home airflow_home_distributed logs data output dbt_project/target dbt_project/logs

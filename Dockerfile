# syntax=docker/dockerfile:1
# Image for every Airflow service of docker-compose.yaml (api-server, scheduler, dag-processor, triggerer,
# Celery workers, init). One environment, installed from uv.lock only (--frozen: the lock is never re-resolved).
FROM python:3.11-slim-bookworm

ARG UV_VERSION=0.13.9
ARG AIRFLOW_UID=50000

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    UV_PROJECT_ENVIRONMENT=/opt/airflow/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/airflow/.venv/bin:$PATH \
    GOVINSPECT_HOME=/opt/airflow/project

# Telemetry off: Airflow, Cosmos, dbt, Scarf, anything honouring DO_NOT_TRACK.
ENV AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    SCARF_ANALYTICS=false \
    SCARF_NO_ANALYTICS=true \
    DO_NOT_TRACK=1

RUN pip install "uv==${UV_VERSION}" \
 && useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir /opt/airflow --no-create-home --shell /bin/bash airflow \
 && mkdir -p /opt/airflow/project /opt/airflow/logs \
 && chown -R airflow:0 /opt/airflow \
 && chmod -R g+rwX /opt/airflow

WORKDIR /opt/airflow/project

# Dependency layer: only the files uv needs to install the locked environment and the govinspect package
# (hatchling packs plugins/govinspect and expectations; README.md is the project readme).
# It is rebuilt only when these change, not when DAGs, dbt models or templates change.
# The main dependencies include the Celery and PostgreSQL providers (celery, redis, psycopg2).
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
COPY --chown=airflow:0 plugins/govinspect ./plugins/govinspect
COPY --chown=airflow:0 expectations ./expectations
RUN uv sync --frozen --no-dev --no-cache \
 && chown -R airflow:0 /opt/airflow/.venv \
 && chmod -R g+rwX /opt/airflow/.venv

# The rest of the project; docker-compose.yaml bind-mounts these same folders over it for development.
COPY --chown=airflow:0 dags ./dags
COPY --chown=airflow:0 plugins ./plugins
COPY --chown=airflow:0 dbt_project ./dbt_project
COPY --chown=airflow:0 include ./include

USER airflow

CMD ["airflow", "version"]

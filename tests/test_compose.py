"""Static checks of the container deployment (docker-compose.yaml, Dockerfile, .dockerignore, .env.example).

No Docker engine is needed: the files are parsed and checked against the deployment's invariants.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"

PROJECT = "/opt/airflow/project"
REQUIRED_SERVICES = {
    "postgres",
    "redis",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
ONE_SHOT_SERVICES = {"airflow-init"}
MOUNTED_FOLDERS = ("dags", "plugins", "dbt_project", "expectations", "include", "data", "output")
HEALTHCHECK_TIMINGS = ("interval", "timeout", "retries", "start_period")
# Environment keys whose value is a secret; AIRFLOW__CORE__AUTH_MANAGER (a class path) does not match.
SECRET_KEY_RE = re.compile(r"(PASSWORD|SECRET|FERNET_KEY|TOKEN|_AUTH)$|BASIC_AUTH")
# ${VAR}, ${VAR:-default}, ${VAR:?message}, $VAR; "$$" is compose's escape for a literal "$" (container side).
BRACED_VAR_RE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
BARE_VAR_RE = re.compile(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)")
URL_CREDENTIALS_RE = re.compile(r"://[^/:@\s]*:([^@\s]+)@")


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text: str) -> dict:
    return yaml.safe_load(compose_text)  # SafeLoader resolves anchors and `<<` merge keys


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def airflow_services(services: dict) -> dict:
    return {name: svc for name, svc in services.items() if name not in ("postgres", "redis")}


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", ...]
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _mount_targets(service: dict) -> dict[str, str]:
    """target -> source of the service's bind mounts (short and long syntax)."""
    mounts = {}
    for vol in service.get("volumes", []):
        if isinstance(vol, str):
            source, target = vol.split(":")[:2]
        else:
            source, target = vol.get("source", ""), vol["target"]
        mounts[target] = source
    return mounts


def _defined_in_env_example() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0].removeprefix("export ").strip())
    return names


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _ports(service: dict) -> list[str | dict]:
    return service.get("ports", [])


# --- compose: structure ------------------------------------------------------------------------------------


def test_compose_spec_without_version_key(compose: dict) -> None:
    assert "version" not in compose
    assert "x-airflow-common" in compose


def test_required_services_exist(services: dict) -> None:
    assert set(services) >= REQUIRED_SERVICES, REQUIRED_SERVICES - set(services)


def test_backing_services(services: dict) -> None:
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"] == "redis:7.2-bookworm"
    pg_mounts = _mount_targets(services["postgres"])
    assert pg_mounts.get("/var/lib/postgresql/data") == "postgres-db-volume", "postgres data in a named volume"
    assert "--requirepass" in " ".join(_strings(services["redis"]["command"]))


# --- compose: Airflow configuration -------------------------------------------------------------------------


def test_executor_broker_and_database(airflow_services: dict) -> None:
    for name, svc in airflow_services.items():
        env = _env(svc)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert "@redis:6379/" in env["AIRFLOW__CELERY__BROKER_URL"], name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://"), name
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://"), name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"


def test_shared_secrets_and_project_layout(airflow_services: dict) -> None:
    expected = {
        "AIRFLOW__CORE__DAGS_FOLDER": f"{PROJECT}/dags",
        "AIRFLOW__CORE__PLUGINS_FOLDER": f"{PROJECT}/plugins",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "GOVINSPECT_HOME": PROJECT,
        "GOVINSPECT_DATA_DIR": f"{PROJECT}/data",
        "GOVINSPECT_OUTPUT_DIR": f"{PROJECT}/output",
        "AIRFLOW__COSMOS__CACHE_DIR": f"{PROJECT}/data/cosmos",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    for name, svc in airflow_services.items():
        env = _env(svc)
        for key, value in expected.items():
            assert env.get(key) == value, (name, key)
        for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY"):
            assert env.get(key, "").startswith("${"), (name, key)
        assert env["AIRFLOW__CORE__AUTH_MANAGER"].endswith("AuthManager")


def test_airflow_services_build_from_dockerfile(airflow_services: dict) -> None:
    assert DOCKERFILE.is_file()
    for name, svc in airflow_services.items():
        build = svc.get("build")
        if isinstance(build, dict):
            assert build.get("context", ".") == "." and build.get("dockerfile", "Dockerfile") == "Dockerfile"
        else:
            assert build == ".", name


def test_airflow_services_mount_project_folders(airflow_services: dict) -> None:
    for name, svc in airflow_services.items():
        mounts = _mount_targets(svc)
        for folder in MOUNTED_FOLDERS:
            assert mounts.get(f"{PROJECT}/{folder}") == f"./{folder}", (name, folder)
        assert "/opt/airflow/logs" in mounts, name


def test_airflow_services_run_as_airflow_uid(airflow_services: dict) -> None:
    for name, svc in airflow_services.items():
        if name in ONE_SHOT_SERVICES:
            continue  # airflow-init runs as root to create and chown the bind-mount folders
        assert svc["user"] == "${AIRFLOW_UID:-50000}:0", name


def test_airflow_services_wait_for_healthy_postgres_and_redis(airflow_services: dict) -> None:
    for name, svc in airflow_services.items():
        depends = svc.get("depends_on")
        assert isinstance(depends, dict), name
        for backing in ("postgres", "redis"):
            assert depends.get(backing, {}).get("condition") == "service_healthy", (name, backing)
        if name not in ONE_SHOT_SERVICES:
            assert depends["airflow-init"]["condition"] == "service_completed_successfully", name


def test_long_running_services_have_healthcheck_and_restart(services: dict) -> None:
    for name, svc in services.items():
        if name in ONE_SHOT_SERVICES:
            continue
        check = svc.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name
        for timing in HEALTHCHECK_TIMINGS:
            assert timing in check, (name, timing)
        assert svc.get("restart") == "always", name


def test_healthcheck_commands(services: dict) -> None:
    def test_of(name: str) -> str:
        return " ".join(_strings(services[name]["healthcheck"]["test"]))

    assert "pg_isready" in test_of("postgres")
    assert "redis-cli" in test_of("redis") and "ping" in test_of("redis")
    assert re.search(r"/api/v2/(version|monitor/health)", test_of("airflow-apiserver"))
    for name, job in (
        ("airflow-scheduler", "SchedulerJob"),
        ("airflow-dag-processor", "DagProcessorJob"),
        ("airflow-triggerer", "TriggererJob"),
    ):
        assert f"--job-type {job}" in test_of(name) or "/health" in test_of(name), name
    assert "inspect ping" in test_of("airflow-worker")


def test_commands(services: dict) -> None:
    def command(name: str) -> str:
        return " ".join(_strings(services[name].get("command", "")))

    assert "airflow api-server" in command("airflow-apiserver")
    assert "airflow scheduler" in command("airflow-scheduler")
    assert "airflow dag-processor" in command("airflow-dag-processor")
    assert "airflow triggerer" in command("airflow-triggerer")
    worker = command("airflow-worker")
    assert "airflow celery worker" in worker
    queues = re.search(r"--queues[ =](\S+)", worker).group(1).split(",")
    assert {"default", "collect", "dbt"} <= set(queues)
    assert "container_name" not in services["airflow-worker"], "a fixed name prevents --scale"
    assert not _ports(services["airflow-worker"]), "published ports prevent --scale"


def test_queues_and_limits_match_the_local_distributed_mode(services: dict, airflow_services: dict) -> None:
    """The compose workers serve exactly the queues the DAGs use (govinspect.distributed.QUEUES), with the
    same default queue, parallelism and worker concurrency as `govinspect distributed up`."""
    from govinspect.distributed import PARALLELISM, QUEUES, WORKER_CONCURRENCY

    worker = " ".join(_strings(services["airflow-worker"]["command"]))
    assert re.search(r"--queues[ =](\S+)", worker).group(1).split(",") == list(QUEUES)
    for name, svc in airflow_services.items():
        env = _env(svc)
        assert env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] == QUEUES[0], name
        assert env["AIRFLOW__CORE__PARALLELISM"] == str(PARALLELISM), name
        assert env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == f"${{AIRFLOW_WORKER_CONCURRENCY:-{WORKER_CONCURRENCY}}}"


def test_init_migrates_creates_pools_and_parses_dbt(services: dict) -> None:
    script = " ".join(_strings(services["airflow-init"]["command"]))
    assert "airflow db migrate" in script
    assert re.search(r"airflow pools set duckdb_writer 1\b", script)
    for platform in ("weibo", "wechat", "toutiao", "douyin"):
        assert platform in script
    assert re.search(r'airflow pools set "?platform_\$\$\{platform\}"? 2\b', script)
    assert "dbt parse" in script
    env = _env(services["airflow-init"])
    assert env["GOVINSPECT_DUCKDB_PATH"].startswith(f"{PROJECT}/data/")
    assert env["DBT_PROFILES_DIR"] == f"{PROJECT}/dbt_project"


def test_flower_is_optional(services: dict) -> None:
    if "flower" in services:
        assert services["flower"].get("profiles"), "flower starts only with its profile"


# --- compose: secrets and exposure --------------------------------------------------------------------------


def test_every_variable_is_defined_in_env_example(compose_text: str) -> None:
    used = set(BRACED_VAR_RE.findall(compose_text)) | set(BARE_VAR_RE.findall(compose_text))
    assert used, "the compose file takes its settings from .env"
    missing = used - _defined_in_env_example()
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_no_literal_secrets(services: dict) -> None:
    for name, svc in services.items():
        for key, value in _env(svc).items():
            if SECRET_KEY_RE.search(key):
                assert value.startswith("${") and value.endswith("}"), (name, key)
            for password in URL_CREDENTIALS_RE.findall(value):
                assert password.startswith("${"), (name, key)
        for text in _strings(svc.get("command", "")) + _strings(svc.get("healthcheck", {})):
            for flag in re.findall(r"(?:--requirepass|--password|-a)\s+(\S+)", text):
                assert "$" in flag, (name, text)


def test_published_ports_bind_loopback(services: dict) -> None:
    assert _ports(services["airflow-apiserver"]), "the api-server is published"
    for name, svc in services.items():
        for port in _ports(svc):
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", (name, port)
            else:
                assert str(port).startswith("127.0.0.1:"), (name, port)
    assert any(str(p).split(":")[-1] == "8080" for p in _ports(services["airflow-apiserver"]))


def test_env_example_has_placeholders_and_generators() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    names = _defined_in_env_example()
    for required in (
        "AIRFLOW_UID",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_DB",
        "REDIS_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "_AIRFLOW_WWW_USER_USERNAME",
        "_AIRFLOW_WWW_USER_PASSWORD",
    ):
        assert required in names, required
    assert "Fernet.generate_key" in text and "secrets.token_urlsafe" in text


# --- image ----------------------------------------------------------------------------------------------------


def test_dockerfile_base_user_and_paths(dockerfile: str) -> None:
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.M)
    assert re.search(r"pip install[^\n]*\buv==", dockerfile), "uv installed with pip, version pinned"
    assert re.search(r"^ARG UV_VERSION=\d+\.\d+\.\d+$", dockerfile, re.M)
    assert "AIRFLOW_HOME=/opt/airflow" in dockerfile
    assert "UV_PROJECT_ENVIRONMENT=/opt/airflow/.venv" in dockerfile
    assert re.search(r"PATH=/opt/airflow/\.venv/bin:\$PATH", dockerfile)
    assert re.search(r"--uid \"?\$\{AIRFLOW_UID\}\"?", dockerfile)
    assert re.search(r"^ARG AIRFLOW_UID=50000$", dockerfile, re.M)
    assert re.search(r"^USER airflow$", dockerfile, re.M)
    assert re.search(r"^WORKDIR /opt/airflow/project$", dockerfile, re.M)
    for setting in (
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY=False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS=False",
        "SCARF_ANALYTICS=false",
        "DO_NOT_TRACK=1",
    ):
        assert setting in dockerfile, setting


def test_dockerfile_installs_from_lock_before_copying_sources(dockerfile: str) -> None:
    lines = dockerfile.splitlines()
    sync = next(i for i, line in enumerate(lines) if "uv sync" in line)
    assert "--frozen" in lines[sync] and "--no-dev" in lines[sync]
    copied_before = " ".join(line for line in lines[:sync] if line.startswith("COPY"))
    for path in ("pyproject.toml", "uv.lock", "README.md", "plugins/govinspect", "expectations"):
        assert path in copied_before, path
    for folder in ("dags", "dbt_project", "include"):
        assert f" {folder} " not in copied_before, f"{folder} changes must not invalidate the dependency layer"


def test_image_environment_has_the_distributed_stack(dockerfile: str) -> None:
    """CeleryExecutor + PostgreSQL need the Celery/Postgres providers, celery, redis and psycopg2 in uv.lock,
    and every extra the Dockerfile asks `uv sync` for must be declared (else `uv sync --frozen` fails)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    declared = set(pyproject["project"].get("optional-dependencies", {}))
    for extra in re.findall(r"--extra[ =](\S+)", dockerfile):
        assert extra in declared, f"`uv sync --extra {extra}`: no such extra in pyproject.toml"
    locked = {package["name"] for package in lock["package"]}
    needed = {"apache-airflow-providers-celery", "celery", "redis", "psycopg2-binary"}
    assert needed <= locked, f"missing from uv.lock: {sorted(needed - locked)}"


def test_dockerignore_excludes_local_state() -> None:
    entries = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    for entry in (".venv", "data", "output", "airflow_home", "logs", ".git", ".env"):
        assert entry in entries, entry
    assert entries & {"target", "**/target", "dbt_project/target"}

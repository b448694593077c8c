"""Distributed mode: Airflow with the CeleryExecutor on PostgreSQL and Redis, every component its own process.

``govinspect distributed up|down|status`` (``make distributed-up`` / ``make distributed-down``) runs on this
machine what ``docker-compose.yaml`` runs in containers, as separate processes (each with its own log
``logs/distributed/<name>.log``; PIDs in ``state/processes.json``):

* ``api-server`` — ``airflow api-server --host 127.0.0.1 --port 8090`` (UI, REST and execution API);
* ``scheduler``, ``dag-processor``, ``triggerer``;
* ``worker-N`` — ``airflow celery worker --queues default,collect,dbt --concurrency 4``;
* metadata DB: PostgreSQL database and role ``govinspect_airflow`` (created if missing, through the
  ``postgres`` superuser on loopback); Celery broker: Redis DB 5; Celery results: the metadata DB;
* ``AIRFLOW_HOME`` is ``airflow_home_distributed/`` (the SQLite ``airflow_home/`` of ``make demo`` / ``make ui``
  is untouched); its ``state/`` folder (mode 0700, git-ignored) holds the generated secrets every process
  shares (JWT secret, API secret key, Fernet key, the DB role's and the UI admin's passwords) and the PIDs;
* task logs go to ``logs/distributed/tasks/``; the api-server reads them from there, so the log servers
  (which listen on every interface) are not started: ``--skip-serve-logs``.

PostgreSQL and Redis are started with the machine's own commands when they are not reachable (and it says
so). Every setting can be moved by environment variables (``GOVINSPECT_DISTRIBUTED_*``, see
:meth:`Deployment.from_env`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from govinspect.localenv import local_environment
from govinspect.settings import paths

QUEUES = ("default", "collect", "dbt")  # what every worker serves; the DAGs use exactly these
WORKER_CONCURRENCY = 4
PARALLELISM = 8  # the scheduler's limit of running task instances, all workers together
API_PORT = 8090
DB_NAME = "govinspect_airflow"
REDIS_DB = 5
ADMIN_USER = "admin"
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"

# The machine's own start commands (no systemd here).
POSTGRES_START = "pg_ctlcluster --skip-systemctl-redirect {version} main start"
REDIS_START = ("redis-server --daemonize yes --bind 127.0.0.1 -::1 --port {port} --save '' --appendonly no "
               "--dir /var/lib/redis --logfile /var/log/redis/ci.log")


class DistributedError(RuntimeError):
    pass


def _reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _start_ticks(pid: int) -> int | None:
    """The process's start time (clock ticks since boot): tells a PID of ours from a reused one."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[19])


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"({exc})"


@dataclass
class Deployment:
    """One distributed Airflow on this machine. ``up()`` / ``down()`` / ``status()``."""

    root: Path
    home: Path
    log_dir: Path
    api_port: int = API_PORT
    db_name: str = DB_NAME
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_admin_user: str = "postgres"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = REDIS_DB
    workers: int = 1
    concurrency: int = WORKER_CONCURRENCY
    parallelism: int = PARALLELISM
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. the simulated prefecture's settings
    echo: bool = True

    @classmethod
    def from_env(cls, **overrides) -> Deployment:
        env = os.environ
        root = paths().home
        values = {
            "root": root,
            "home": Path(env.get("GOVINSPECT_DISTRIBUTED_HOME") or root / "airflow_home_distributed"),
            "log_dir": Path(env.get("GOVINSPECT_DISTRIBUTED_LOGS") or root / "logs" / "distributed"),
            "api_port": int(env.get("GOVINSPECT_DISTRIBUTED_API_PORT", API_PORT)),
            "db_name": env.get("GOVINSPECT_DISTRIBUTED_DB", DB_NAME),
            "pg_host": env.get("GOVINSPECT_PG_HOST", "127.0.0.1"),
            "pg_port": int(env.get("GOVINSPECT_PG_PORT", 5432)),
            "pg_admin_user": env.get("GOVINSPECT_PG_ADMIN_USER", "postgres"),
            "redis_host": env.get("GOVINSPECT_REDIS_HOST", "127.0.0.1"),
            "redis_port": int(env.get("GOVINSPECT_REDIS_PORT", 6379)),
            "redis_db": int(env.get("GOVINSPECT_DISTRIBUTED_REDIS_DB", REDIS_DB)),
            "workers": int(env.get("GOVINSPECT_DISTRIBUTED_WORKERS", 1)),
            "concurrency": int(env.get("GOVINSPECT_DISTRIBUTED_CONCURRENCY", WORKER_CONCURRENCY)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    # --- files ---------------------------------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "processes.json"

    @property
    def secrets_file(self) -> Path:
        return self.state_dir / "secrets.json"

    @property
    def passwords_file(self) -> Path:
        return self.state_dir / "simple_auth_manager_passwords.json"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def broker_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def _say(self, message: str) -> None:
        if self.echo:
            print(message, flush=True)

    def secrets(self) -> dict[str, str]:
        """The shared secrets, generated once into ``state/secrets.json`` (0600); never committed."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state_dir, 0o700)
        current = json.loads(self.secrets_file.read_text()) if self.secrets_file.exists() else {}
        from cryptography.fernet import Fernet  # noqa: PLC0415 - Airflow's own dependency

        wanted = {
            "jwt_secret": lambda: secrets.token_urlsafe(32),
            "api_secret_key": lambda: secrets.token_urlsafe(32),
            "fernet_key": lambda: Fernet.generate_key().decode(),
            "db_password": lambda: secrets.token_urlsafe(24),
            "admin_password": lambda: secrets.token_urlsafe(12),
        }
        missing = {k: make() for k, make in wanted.items() if k not in current}
        if missing:
            current |= missing
            fd = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(current, fh, indent=1)
        return current

    def sql_alchemy_conn(self) -> str:
        pw = self.secrets()["db_password"]
        return f"postgresql+psycopg2://{self.db_name}:{pw}@{self.pg_host}:{self.pg_port}/{self.db_name}"

    def env(self) -> dict[str, str]:
        """The environment of every process (and of ``airflow …`` commands run against this deployment)."""
        s = self.secrets()
        env = dict(os.environ)
        for key, value in local_environment(self.root).items():  # folders, telemetry off (set values win)
            env.setdefault(key, value)
        venv_bin = str(Path(sys.executable).parent)
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.sql_alchemy_conn(),
            "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + self.sql_alchemy_conn().replace("+psycopg2", "", 1),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": QUEUES[0],
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.log_dir / "tasks"),
            "AIRFLOW__API_AUTH__JWT_SECRET": s["jwt_secret"],
            "AIRFLOW__API__SECRET_KEY": s["api_secret_key"],
            "AIRFLOW__CORE__FERNET_KEY": s["fernet_key"],
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "PATH": venv_bin + os.pathsep + env.get("PATH", ""),
        })
        env.update(self.extra_env)
        return env

    # --- backing services -----------------------------------------------------------------------------------
    def ensure_services(self) -> None:
        """Start PostgreSQL / Redis with the machine's commands if they are not reachable (loopback only)."""
        for name, host, port, command in (
            ("PostgreSQL", self.pg_host, self.pg_port, self._postgres_start_command),
            ("Redis", self.redis_host, self.redis_port, self._redis_start_command),
        ):
            if _reachable(host, port):
                continue
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise DistributedError(f"{name} is not reachable on {host}:{port}")
            cmd = command()
            self._say(f"{name} is not running on {host}:{port}: starting it: {cmd}")
            subprocess.run(cmd, shell=True, check=False, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while not _reachable(host, port):
                if time.monotonic() > deadline:
                    raise DistributedError(f"{name} did not come up on {host}:{port} (ran: {cmd})")
                time.sleep(0.5)
            self._say(f"{name} started on {host}:{port}")

    def _postgres_start_command(self) -> str:
        versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
        if not versions:
            raise DistributedError("PostgreSQL is not reachable and no cluster is configured in /etc/postgresql")
        return POSTGRES_START.format(version=versions[-1])

    def _redis_start_command(self) -> str:
        return REDIS_START.format(port=self.redis_port)

    def ensure_database(self, *, reset: bool = False) -> None:
        """Role and database ``db_name`` (owner: the role of the same name); ``reset`` drops the database first."""
        import psycopg2  # noqa: PLC0415
        from psycopg2 import sql  # noqa: PLC0415

        password = self.secrets()["db_password"]
        con = psycopg2.connect(host=self.pg_host, port=self.pg_port, user=self.pg_admin_user, dbname="postgres")
        con.autocommit = True
        try:
            with con.cursor() as cur:
                role = sql.Identifier(self.db_name)
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (self.db_name,))
                verb = "ALTER" if cur.fetchone() else "CREATE"
                cur.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password)))
                if verb == "CREATE":
                    self._say(f"PostgreSQL: created role {self.db_name}")
                if reset:
                    cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(role))
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.db_name,))
                if not cur.fetchone():
                    cur.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                        role, role))
                    self._say(f"PostgreSQL: created database {self.db_name}")
        finally:
            con.close()
        if reset:
            import redis  # noqa: PLC0415

            redis.Redis(host=self.redis_host, port=self.redis_port, db=self.redis_db).flushdb()

    def _airflow(self, *args: str, timeout: float = 600) -> None:
        cmd = [str(Path(sys.executable).parent / "airflow"), *args]
        proc = subprocess.run(cmd, env=self.env(), cwd=self.root, capture_output=True, text=True, timeout=timeout,
                              check=False)
        if proc.returncode != 0:
            raise DistributedError(f"airflow {' '.join(args)} failed (exit {proc.returncode}):\n"
                                   f"{(proc.stdout + proc.stderr)[-4000:]}")

    def migrate(self) -> None:
        """Metadata schema and pools (``include/airflow/pools.json``); the admin's password file."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._airflow("db", "migrate")
        self._airflow("pools", "import", str(self.root / "include" / "airflow" / "pools.json"))
        fd = os.open(self.passwords_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({ADMIN_USER: self.secrets()["admin_password"]}, fh)
        self._say(f"Metadata DB migrated and pools imported in {time.monotonic() - started:.0f} s")

    # --- processes ------------------------------------------------------------------------------------------
    def commands(self) -> dict[str, list[str]]:
        airflow = str(Path(sys.executable).parent / "airflow")
        cmds = {
            "api-server": [airflow, "api-server", "--host", "127.0.0.1", "--port", str(self.api_port),
                           "--workers", "1"],
            "scheduler": [airflow, "scheduler", "--skip-serve-logs"],
            "dag-processor": [airflow, "dag-processor"],
            "triggerer": [airflow, "triggerer", "--skip-serve-logs"],
        }
        for n in range(1, self.workers + 1):
            cmds[f"worker-{n}"] = [airflow, "celery", "worker", "--queues", ",".join(QUEUES),
                                   "--concurrency", str(self.concurrency), "--skip-serve-logs",
                                   "--celery-hostname", f"govinspect-worker-{n}-{self.api_port}@%h"]
        return cmds

    def read_state(self) -> dict:
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    def running(self) -> dict[str, dict]:
        """The recorded processes that still run (same PID and start time as recorded)."""
        return {name: p for name, p in self.read_state().get("processes", {}).items()
                if _start_ticks(p["pid"]) == p["start_ticks"] and _alive(p["pid"])}

    def start(self) -> dict[str, dict]:
        if self.running():
            raise DistributedError(f"already running ({', '.join(self.running())}): "
                                   "'govinspect distributed down' first")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = self.env()
        processes = {}
        try:
            for name, cmd in self.commands().items():
                log = self.log_dir / f"{name}.log"
                with open(log, "ab") as out:
                    out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
                    out.flush()
                    proc = subprocess.Popen(cmd, env=env, cwd=self.root, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
                processes[name] = {"pid": proc.pid, "start_ticks": _start_ticks(proc.pid), "log": str(log),
                                   "cmd": cmd}
                self._write_state(processes)
        except BaseException:
            self.stop()
            raise
        return processes

    def _write_state(self, processes: dict) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        state = {"api_url": self.api_url, "airflow_home": str(self.home), "log_dir": str(self.log_dir),
                 "database": self.db_name, "broker": self.broker_url, "processes": processes}
        self.state_file.write_text(json.dumps(state, indent=1))

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"{self.api_url}/api/v2/monitor/health", timeout=5) as resp:
                return json.load(resp)
        except (OSError, ValueError):
            return None

    def wait_ready(self, timeout: float = 180) -> None:
        """Until the api-server reports every component healthy and every worker is ready; fails early (with
        the log's tail) when a process exits."""
        deadline = time.monotonic() + timeout
        components = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        while True:
            recorded = self.read_state().get("processes", {})
            dead = set(recorded) - set(self.running())
            if dead:
                raise DistributedError("exited: " + ", ".join(sorted(dead)) + "\n" + self.log_tails(sorted(dead)))
            health = self.health() or {}
            healthy = all((health.get(c) or {}).get("status") == "healthy" for c in components)
            workers_ready = all(" ready." in Path(p["log"]).read_text(errors="replace")
                                for n, p in recorded.items() if n.startswith("worker-"))
            if healthy and workers_ready:
                return
            if time.monotonic() > deadline:
                raise DistributedError(f"not ready after {timeout:.0f} s (health: {health}, workers ready: "
                                       f"{workers_ready})\n" + self.log_tails())
            time.sleep(2)

    def log_tails(self, names: list[str] | None = None, lines: int = 40) -> str:
        processes = self.read_state().get("processes", {})
        return "\n".join(f"--- {name}: {p['log']} (last {lines} lines)\n{tail(Path(p['log']), lines)}"
                         for name, p in processes.items() if names is None or name in names)

    def stop(self, timeout: float = 60) -> list[str]:
        """SIGTERM the recorded processes and their children — the workers first (Celery's warm shutdown
        lets running tasks report to the api-server), then the rest — and SIGKILL what is left after
        ``timeout`` in each phase; returns the names stopped."""
        alive = self.running()
        workers = [n for n in alive if n.startswith("worker-")]
        for phase in (workers, [n for n in alive if n not in workers]):
            targets: list[int] = []
            for name in phase:
                pid = alive[name]["pid"]
                group = [pid, *_descendants(pid)]
                targets += group
                for p in group:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(p, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and any(_alive(p) for p in targets):
                time.sleep(0.5)
            for p in targets:
                if _alive(p):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(p, signal.SIGKILL)
        if self.state_file.exists():
            state = self.read_state()
            state["processes"] = {}
            self.state_file.write_text(json.dumps(state, indent=1))
        return list(alive)

    # --- the commands -----------------------------------------------------------------------------------------
    def up(self, *, reset: bool = False, timeout: float = 240) -> None:
        started = time.monotonic()
        self.ensure_services()
        self.ensure_database(reset=reset)
        self.migrate()
        processes = self.start()
        self._say("Started: " + ", ".join(f"{n} (pid {p['pid']})" for n, p in processes.items()))
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        self._say(f"Distributed Airflow is up in {time.monotonic() - started:.0f} s: {self.api_url} "
                  f"(user '{ADMIN_USER}', password in {self.secrets_file} under 'admin_password')")


def _alive(pid: int) -> bool:
    """Still running (not gone, not a zombie waiting for its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


# --- command line ---------------------------------------------------------------------------------------------
def register(sub: argparse._SubParsersAction) -> None:
    dist = sub.add_parser("distributed", help="Airflow with the CeleryExecutor on PostgreSQL and Redis (local)")
    dsub = dist.add_subparsers(dest="action", required=True, metavar="ACTION")
    up = dsub.add_parser("up", help="create the DB if missing, migrate, start every process, wait until ready")
    up.add_argument("--workers", type=int, help="number of Celery workers (default 1)")
    up.add_argument("--concurrency", type=int, help=f"task slots per worker (default {WORKER_CONCURRENCY})")
    up.add_argument("--port", type=int, dest="api_port", help=f"api-server port (default {API_PORT})")
    up.add_argument("--reset", action="store_true", help="drop the metadata DB and the broker's Redis DB first")
    up.set_defaults(func=_run)
    down = dsub.add_parser("down", help="stop every process started by 'up' (by PID)")
    down.set_defaults(func=_run)
    status = dsub.add_parser("status", help="processes, PIDs, logs and the api-server's health")
    status.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    dep = Deployment.from_env(**{k: getattr(args, k, None) for k in ("workers", "concurrency", "api_port")})
    try:
        if args.action == "up":
            dep.up(reset=args.reset)
        elif args.action == "down":
            stopped = dep.stop()
            print(f"Stopped: {', '.join(stopped)}" if stopped else "Nothing was running.")
        else:
            return _status(dep)
    except DistributedError as exc:
        print(f"distributed {args.action}: {exc}", file=sys.stderr)
        return 1
    return 0


def _status(dep: Deployment) -> int:
    state = dep.read_state()
    alive = dep.running()
    if not state.get("processes"):
        print(f"Not running (no processes recorded in {dep.state_file}).")
        return 1
    print(f"API {state['api_url']}  AIRFLOW_HOME {state['airflow_home']}  DB {state['database']}  "
          f"broker {state['broker']}")
    for name, p in state["processes"].items():
        print(f"  {name:<14} pid {p['pid']:<8} {'running' if name in alive else 'EXITED':<8} {p['log']}")
    health = dep.health()
    print("Health: " + (", ".join(f"{k} {v.get('status')}" for k, v in health.items() if isinstance(v, dict))
                        if health else "api-server not answering"))
    return 0 if len(alive) == len(state["processes"]) and health else 1

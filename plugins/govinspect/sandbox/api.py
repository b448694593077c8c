"""The :class:`Sandbox`: start a scenario's hosts, generate its inventory, tell the pipeline where it is."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from govinspect.sandbox.clock import SimClock
from govinspect.sandbox.cms import CmsSite, site_app
from govinspect.sandbox.faults import HostFaults, iter_replay, platform_faults, site_faults
from govinspect.sandbox.inventory_rows import write_scenario_inventory
from govinspect.sandbox.platforms import EMULATORS, PlatformEmulator
from govinspect.sandbox.scenario import Scenario, load_scenario
from govinspect.sandbox.server import ServerCore
from govinspect.sandbox.tls import SandboxTLS
from govinspect.settings import paths

# Fixed host slot of each platform emulator: <prefix>.250.<slot>. Sites use <prefix>.0.1, .0.2, … (250 a block).
PLATFORM_SLOTS: dict[str, int] = {"weibo": 1, "wechat": 2, "toutiao": 3, "douyin": 4}
PLATFORM_BLOCK = 250
SITES_PER_BLOCK = 250
_PREFIX_RE = re.compile(r"^127\.(\d{1,3})$")


def site_address(prefix: str, index: int) -> str:
    return f"{prefix}.{index // SITES_PER_BLOCK}.{index % SITES_PER_BLOCK + 1}"


def platform_address(prefix: str, connector: str) -> str:
    return f"{prefix}.{PLATFORM_BLOCK}.{PLATFORM_SLOTS[connector]}"


class Sandbox:
    """A running simulated prefecture. Use as a context manager, or call :meth:`start` / :meth:`stop`."""

    def __init__(self, scenario: str | Path | Scenario = "small", port: int = 0, host_prefix: str = "127.61", *,
                 inventory_dir: str | Path | None = None, wechat_token: str | None = None):
        m = _PREFIX_RE.match(host_prefix)
        if not m or int(m.group(1)) > 255:
            raise ValueError(f"host_prefix must look like '127.N' (a block in 127.0.0.0/8), got {host_prefix!r}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, got {port}")
        self.scenario: Scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.port = port
        self.host_prefix = host_prefix
        self.clock = SimClock(self.scenario.monitoring_point)
        self.wechat_token = wechat_token or str(10**9 + secrets.randbelow(9 * 10**9))
        self._inventory_dir = Path(inventory_dir) if inventory_dir else None
        mp = self.scenario.monitoring_point
        self.sites: dict[str, CmsSite] = {s.site_id: site_app(s, mp, self.clock.now, self.scenario.important_releases)
                                          for s in self.scenario.sites}
        tokens = {"wechat": self.wechat_token}
        self.platforms: dict[str, PlatformEmulator] = {
            code: cls(self.scenario.platform_accounts, mp, self.clock.now, tokens.get(code),
                      rate_limit=self.scenario.rate_limits.get(code, 0))
            for code, cls in EMULATORS.items()
        }
        # faults and outages per host (see the Faults section of the package docs); tls: certificates
        self.tls = SandboxTLS()
        self.site_faults: dict[str, HostFaults] = {s.site_id: site_faults(s, self.tls) for s in self.scenario.sites}
        self.platform_faults: dict[str, HostFaults] = {
            code: platform_faults(code, self.scenario.platforms.get(code)) for code in self.platforms
        }
        self._core: ServerCore | None = None
        self.site_urls: dict[str, str] = {}
        self.platform_urls: dict[str, str] = {}
        self._platform_hosts: dict[str, tuple[str, int]] = {}
        self.inventory_dir: Path | None = None

    # --- life cycle -----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._core is not None and self._core.running

    def start(self) -> Sandbox:
        if self.running:
            return self
        core = ServerCore(self.clock.now, thread_name=f"govinspect-sandbox-{self.scenario.name}")
        core.start()
        self._core = core
        try:
            for i, site in enumerate(self.scenario.sites):
                app = self.sites[site.site_id]
                address = site_address(self.host_prefix, i)
                faults = self.site_faults[site.site_id]
                port = self._bind(core, site.site_id, address, app, app.server_header, faults)
                self.site_urls[site.site_id] = f"{faults.scheme}://{address}:{port}"
            for code, emulator in self.platforms.items():
                address = platform_address(self.host_prefix, code)
                port = self._bind(core, code, address, emulator, emulator.server_header, self.platform_faults[code])
                self._platform_hosts[code] = (address, port)
                self.platform_urls[code] = f"http://{address}:{port}"
            folder = self._inventory_dir or paths().sandbox / self.scenario.name / "inventory"
            self.inventory_dir = write_scenario_inventory(folder, self.scenario, self.sites, self.site_urls)
        except BaseException:
            self.stop()
            raise
        return self

    def _bind(self, core: ServerCore, name: str, address: str, handler, server_header: str,
              faults: HostFaults | None = None) -> int:
        active = faults if faults is not None and faults.active else None
        ssl_context = faults.ssl_context(address) if faults is not None else None
        try:
            return core.add_host(name, address, self.port, handler, server_header, faults=active,
                                 ssl_context=ssl_context).port
        except OSError as exc:
            raise OSError(exc.errno, f"sandbox: cannot listen on {address}:{self.port} for {name}: "
                                     f"{exc.strerror or exc}") from exc

    def stop(self) -> None:
        if self._core is not None:
            self._core.stop()
            self._core = None
        self.site_urls, self.platform_urls, self._platform_hosts = {}, {}, {}

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- simulated clock --------------------------------------------------------------------------------
    def set_clock(self, instant: datetime) -> None:
        """Make the prefecture believe it is ``instant`` (naive = China time); the clock runs on from there.

        Content published after that instant is not served. By default the clock starts on the evening
        (20:00 China time) of the monitoring point.
        """
        self.clock.set(instant)

    def now(self) -> datetime:
        return self.clock.now()

    def replay(self, instants: Iterable[datetime]) -> Iterator[datetime]:
        """Replay probe rounds in seconds: set the clock to each instant in turn and yield it.

        A replay driver runs one normal probe round (plain HTTP visits, nothing sandbox-specific) per
        yielded instant; outage windows and fault windows are judged against it. The clock is put back
        where it would have been when the loop ends. ``faults.probe_schedule`` makes a W1 grid.
        """
        base, wall = self.clock.now(), time.monotonic()
        try:
            yield from iter_replay(self.clock.set, instants)
        finally:
            self.clock.set(base + timedelta(seconds=time.monotonic() - wall))

    # --- pointing the pipeline at it --------------------------------------------------------------------
    def _plain_platform_env(self, *codes: str) -> dict[str, str]:
        """AIRFLOW_CONN_GOVINSPECT_<CODE> (same JSON shape as weibo: no credentials) and GOVINSPECT_<CODE>_URL."""
        out: dict[str, str] = {}
        for code in codes:
            host, port = self._platform_hosts[code]
            conn = {"conn_type": "http", "host": host, "port": port, "schema": "http"}
            out[f"AIRFLOW_CONN_GOVINSPECT_{code.upper()}"] = json.dumps(conn, separators=(",", ":"))
            out[f"GOVINSPECT_{code.upper()}_URL"] = self.platform_urls[code]
        return out

    def env(self) -> dict[str, str]:
        """Environment settings that point the pipeline (and Airflow connections) at this sandbox."""
        if not self.running or self.inventory_dir is None:
            raise RuntimeError("the sandbox is not running: call start() first")
        weibo_host, weibo_port = self._platform_hosts["weibo"]
        wechat_host, wechat_port = self._platform_hosts["wechat"]
        weibo = {"conn_type": "http", "host": weibo_host, "port": weibo_port, "schema": "http"}
        wechat = {"conn_type": "http", "host": wechat_host, "port": wechat_port, "schema": "http",
                  "password": self.wechat_token}
        return {
            "GOVINSPECT_INVENTORY": str(self.inventory_dir),
            "GOVINSPECT_MONITORING_DATE": self.scenario.monitoring_point.isoformat(),
            "AIRFLOW_CONN_GOVINSPECT_WEIBO": json.dumps(weibo, separators=(",", ":")),
            "AIRFLOW_CONN_GOVINSPECT_WECHAT": json.dumps(wechat, separators=(",", ":")),
            "GOVINSPECT_WEIBO_URL": self.platform_urls["weibo"],
            "GOVINSPECT_WECHAT_URL": self.platform_urls["wechat"],
            "GOVINSPECT_WECHAT_TOKEN": self.wechat_token,
            **self._plain_platform_env("toutiao", "douyin"),
            # every simulated site answers on loopback: no need to space requests as for a real server
            "GOVINSPECT_SITE_MIN_INTERVAL": "0",
            # nor towards the platform emulators (their 429s and Retry-After are still honoured)
            "GOVINSPECT_PLATFORM_MIN_INTERVAL": "0",
        }

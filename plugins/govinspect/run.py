"""One inspection run: its parameters, validated once, as the DAG's first task sees them.

Airflow 3 gives no ``logical_date`` on manual runs, so the quarter and the monitoring point (监测时间点)
come from ``params``; when a scheduled run leaves them empty they default to the run's own date in
Asia/Shanghai.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govinspect.landing import run_dir, slug

TZ = ZoneInfo("Asia/Shanghai")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
PROFILES = ("ganzi", "national_2019")


class RunParamError(ValueError):
    """A run parameter is invalid; the message names the parameter."""


@dataclass(frozen=True)
class RunContext:
    quarter: str
    monitoring_date: date
    notice_date: date
    document_number: str
    inventory: str
    rules_profile: str
    run_id: str

    @property
    def run_slug(self) -> str:
        return slug(self.run_id)

    @property
    def raw_dir(self) -> Path:
        return run_dir(self.quarter, self.run_id)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["monitoring_date"] = self.monitoring_date.isoformat()
        d["notice_date"] = self.notice_date.isoformat()
        d["run_slug"] = self.run_slug
        return d

    @classmethod
    def from_dict(cls, d: dict) -> RunContext:
        return cls(
            quarter=d["quarter"], monitoring_date=date.fromisoformat(d["monitoring_date"]),
            notice_date=date.fromisoformat(d["notice_date"]), document_number=d["document_number"],
            inventory=d["inventory"], rules_profile=d["rules_profile"], run_id=d["run_id"],
        )


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    m = QUARTER_RE.match(quarter)
    if not m:
        raise RunParamError(f"quarter: '{quarter}' is not of the form YYYYQn, e.g. 2024Q3")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _date_param(name: str, value: object, default: date) -> date:
    if value in (None, ""):
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise RunParamError(f"{name}: '{value}' is not a date (YYYY-MM-DD)") from exc


def inventory_folder(params: dict) -> str:
    """The inventory folder of a run: the ``inventory`` param, else ``GOVINSPECT_INVENTORY``."""
    inventory = (params.get("inventory") or os.environ.get("GOVINSPECT_INVENTORY") or "").strip()
    if not inventory:
        raise RunParamError("inventory: no inventory folder given (param 'inventory' or GOVINSPECT_INVENTORY)")
    return inventory


def resolve_run(params: dict, run_id: str, run_after: datetime | None = None) -> RunContext:
    """Validate the DAG params and fill the defaults; raise :class:`RunParamError` naming the bad one."""
    today = (run_after or datetime.now(TZ)).astimezone(TZ).date()
    monitoring = _date_param("monitoring_date", params.get("monitoring_date"), today)
    quarter = (params.get("quarter") or "").strip() or quarter_of(monitoring)
    start, end = quarter_bounds(quarter)
    if not start <= monitoring <= end:
        raise RunParamError(f"monitoring_date: {monitoring} is not inside quarter {quarter} ({start} – {end})")
    notice = _date_param("notice_date", params.get("notice_date"), monitoring)
    if notice < monitoring:
        raise RunParamError(f"notice_date: {notice} is before the monitoring date {monitoring}")
    profile = (params.get("rules_profile") or "ganzi").strip()
    if profile not in PROFILES:
        raise RunParamError(f"rules_profile: '{profile}' is not one of {', '.join(PROFILES)}")
    inventory = inventory_folder(params)
    return RunContext(
        quarter=quarter, monitoring_date=monitoring, notice_date=notice,
        document_number=(params.get("document_number") or "").strip(), inventory=inventory,
        rules_profile=profile, run_id=run_id,
    )

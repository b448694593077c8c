"""The simulated clock: what instant the simulated prefecture believes it is.

Content dates never depend on the real date: they are fixed relative to the scenario's monitoring point.
The clock decides what is *visible* (nothing published after "now" is served) and what the HTTP
``Date`` header says; later it also drives outage windows. It runs: after ``set(instant)`` it advances
with real time from that instant.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")  # China Standard Time, what every page shows

# Default start of the clock: the evening of the monitoring point (content of that day is published
# between 08:00 and 18:59, so it is all visible).
DEFAULT_HOUR = 20


def at_days_ago(monitoring_point: date, days_ago: int, hour: int, minute: int) -> datetime:
    day = monitoring_point - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


class SimClock:
    """Thread-safe running clock (the server thread reads it, the caller's thread sets it)."""

    def __init__(self, monitoring_point: date):
        self._lock = threading.Lock()
        self.set(datetime(monitoring_point.year, monitoring_point.month, monitoring_point.day,
                          DEFAULT_HOUR, tzinfo=CST))

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=CST)  # naive instants are read as China time
        with self._lock:
            self._base = instant
            self._anchor = time.monotonic()

    def now(self) -> datetime:
        with self._lock:
            return (self._base + timedelta(seconds=time.monotonic() - self._anchor)).astimezone(CST)

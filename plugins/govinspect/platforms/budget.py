"""A per-platform request budget for one run, and a fetcher that spends it.

Platforms limit how many requests a client (a cookie, a token, an IP) may make; exceeding that gets the
credentials throttled or banned for days. A run therefore has a **budget per platform**: the number of HTTP
requests (retries included) it may send to that platform. It is configured per platform (``budget`` in the
Airflow connection's extra, or ``GOVINSPECT_<PLATFORM>_BUDGET``; unset = no limit).

The budget is **split over the platform's batches** in proportion to their number of accounts, not shared
through a counter: batches run as separate Airflow tasks, possibly on different workers and retried on
their own, so a shared counter would need a lock in a database and would make a retried batch's share
depend on what the others happened to spend. A split share is deterministic, a retry gets the same share
again (it replaces the batch's files), and the pool of the platform already serialises its batches.

When the budget is spent the fetcher answers without sending anything, with outcome ``not_collected`` and
the reason in ``error``: connectors record that on the account's status row (never "no posts").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from govinspect.collect.http import Fetcher, FetchResult

NOT_COLLECTED = "not_collected"


@dataclass
class RequestBudget:
    """``limit`` requests (None = unlimited); ``spent`` counts every request sent, retries included."""

    limit: int | None
    spent: int = 0
    refused: int = 0

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.spent >= self.limit

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.spent, 0)

    def summary(self) -> dict:
        return {"limit": self.limit, "spent": self.spent, "refused": self.refused}


def share(total: int | None, part: int, whole: int) -> int | None:
    """The share of a budget ``total`` for ``part`` of ``whole`` accounts (rounded up; None = unlimited)."""
    if total is None:
        return None
    if whole <= 0:
        return total
    return math.ceil(total * part / whole)


def parse_budget(value: object, where: str) -> int | None:
    """A configured budget: empty = unlimited; otherwise a whole number >= 0 (``where`` names the setting)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{where}: request budget '{value}' is not a whole number") from None
    if number < 0:
        raise ValueError(f"{where}: request budget {number} is negative")
    return number


class BudgetedFetcher:
    """A :class:`Fetcher` that stops sending once the budget is spent (same ``get`` signature)."""

    def __init__(self, fetcher: Fetcher, budget: RequestBudget, platform: str):
        self.fetcher = fetcher
        self.budget = budget
        self.platform = platform

    async def get(self, url: str, *, params: dict | None = None, headers: dict | None = None) -> FetchResult:
        if self.budget.exhausted:
            self.budget.refused += 1
            return FetchResult(url, None, datetime.now(UTC), NOT_COLLECTED,
                               error=f"{self.platform} request budget of {self.budget.limit} for this run is "
                                     "spent: not requested")
        self.budget.spent += 1  # reserved before awaiting: concurrent accounts cannot overspend the check
        result = await self.fetcher.get(url, params=params, headers=headers)
        self.budget.spent += max(result.attempts, 1) - 1  # retries count too
        return result

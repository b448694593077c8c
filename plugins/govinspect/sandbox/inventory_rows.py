"""The pipeline's inventory, generated from a running scenario (real addresses and ports).

Written with :func:`govinspect.inventory.write_inventory`, never copied by hand.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from govinspect.inventory import write_inventory
from govinspect.sandbox.cms import CmsSite
from govinspect.sandbox.hand_export import write_hand_export
from govinspect.sandbox.scenario import Scenario


def inventory_rows(scenario: Scenario, sites: dict[str, CmsSite], site_urls: dict[str, str]) -> dict[str, list[dict]]:
    websites, columns = [], []
    for site in scenario.sites:
        base = site_urls[site.site_id]
        app = sites[site.site_id]
        websites.append({"site_id": site.site_id, "unit": site.unit, "level": site.level,
                         "site_name": site.site_name, "home_url": f"{base}/"})
        for col in app.content.columns:
            columns.append({"site_id": site.site_id, "column_name": col.column.name,
                            "category": col.column.category, "url": base + app.column_path(col)})
    accounts = [
        {"account_id": a.account_id, "unit": a.unit, "level": a.level, "platform": a.platform,
         "account_name": a.account_name, "platform_id": a.platform_id, "platform_alt_id": a.platform_alt_id}
        for a in scenario.accounts
    ]
    roster = []
    for entry in scenario.roster:
        a = scenario.account(entry.account)
        roster.append({"unit": a.unit, "platform": a.platform, "account_name": a.account_name,
                       "platform_id": a.platform_id, "status": entry.status,
                       "opened_on": entry.opened_on, "closed_on": entry.closed_on})
    return {"websites": websites, "columns": columns, "accounts": accounts, "roster": roster}


def write_important_releases(folder: Path, scenario: Scenario) -> Path | None:
    """``important_releases.csv`` (see :mod:`govinspect.releases`) from the scenario's releases; none: no file."""
    target = folder / "important_releases.csv"
    if not scenario.important_releases:
        target.unlink(missing_ok=True)
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["release_id", "title", "publisher", "released_at", "url"])
    for rel in scenario.important_releases:
        day = scenario.monitoring_point - timedelta(days=rel.days_ago)
        writer.writerow([rel.release_id, rel.title, rel.publisher, f"{day:%Y-%m-%d} {rel.time}", rel.source_url or ""])
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target


def write_scenario_inventory(folder: Path, scenario: Scenario, sites: dict[str, CmsSite],
                             site_urls: dict[str, str]) -> Path:
    write_inventory(folder, inventory_rows(scenario, sites, site_urls))
    write_hand_export(folder, scenario)
    write_important_releases(folder, scenario)
    return folder

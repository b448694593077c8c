"""Raw landing suites: what the collectors landed for one run is well-formed and covers the inventory.

One GX suite per prepared table (``raw_landing.<table>``):

``column_items``      items found on column list pages
``pages``             fetched pages
``account_statuses``  what each platform said about each account
``posts``             posts in the collection window
``site_coverage``     the run's inventory sites left-joined to their count of ``pages`` rows
``account_coverage``  the run's inventory accounts left-joined to their count of ``account_statuses`` rows

Suite parameter: ``monitoring_date`` (监测时间点), passed when the suite is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from govinspect.quality import Rule
from govinspect.quality import build_suite as _build_suite
from govinspect.vocab import ACCOUNT_STATUSES, FETCH_OUTCOMES, PAGE_KINDS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SUITE = "raw_landing"
# raw record types (govinspect.landing) the frames are prepared from
RECORD_TYPES: tuple[str, ...] = (
    "inventory_websites", "inventory_accounts", "pages", "column_items", "account_statuses", "posts",
)
TABLES: tuple[str, ...] = ("column_items", "pages", "account_statuses", "posts", "site_coverage", "account_coverage")
# columns quoted with each failing value, so an operator can find the record
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "column_items": ("column_id", "position"),
    "pages": ("site_id", "url"),
    "account_statuses": ("account_id",),
    "posts": ("account_id", "post_id"),
    "site_coverage": ("site_id", "unit"),
    "account_coverage": ("account_id", "unit"),
}
URL_REGEX = r"^https?://[^\s/?#]+[^\s]*$"


def _url(rule_id: str, table: str, column: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToMatchRegex", {"column": column, "regex": URL_REGEX},
                "URLs must be absolute http(s) URLs: anything else is a parsing bug and cannot serve as evidence")


def _not_null(rule_id: str, table: str, column: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToNotBeNull", {"column": column},
                "records must name what they belong to, or the marts drop or misattribute them")


def _known(rule_id: str, table: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToBeInSet", {"column": "in_inventory", "value_set": [True]},
                "landed records must belong to the run's inventory snapshot (stale part file or id typo)")


RULES: tuple[Rule, ...] = (
    # --- column items ---
    Rule("RAW-001", "column_items", "ExpectColumnValuesToBeBetween",
         {"column": "item_date", "max_value": {"$PARAMETER": "latest_valid_date"}},
         "an item dated after the day it was collected (or after the monitoring date, whichever is later) is a "
         "date-parsing error, e.g. a wrong year inferred for MM-DD, and would hide a stale column"),
    _url("RAW-002", "column_items", "url"),
    _url("RAW-002", "column_items", "page_url"),
    Rule("RAW-006", "column_items", "ExpectCompoundColumnsToBeUnique",
         {"column_list": ["column_id", "url", "position"]},
         "a list page item landed twice (re-run part not replaced) would be counted twice"),
    _not_null("RAW-009", "column_items", "site_id"),
    _not_null("RAW-009", "column_items", "column_id"),
    # --- pages ---
    _url("RAW-002", "pages", "url"),
    _url("RAW-002", "pages", "final_url"),
    Rule("RAW-003", "pages", "ExpectColumnValuesToNotBeNull", {"column": "outcome"},
         "every fetch must say how it ended"),
    Rule("RAW-003", "pages", "ExpectColumnValuesToBeInSet", {"column": "outcome", "value_set": list(FETCH_OUTCOMES)},
         "fetch outcomes must use the shared vocabulary (govinspect.vocab.FETCH_OUTCOMES)"),
    Rule("RAW-010", "pages", "ExpectColumnValuesToBeInSet", {"column": "page_kind", "value_set": list(PAGE_KINDS)},
         "page kinds must use the shared vocabulary (govinspect.vocab.PAGE_KINDS)"),
    _not_null("RAW-009", "pages", "site_id"),
    _known("RAW-011", "pages"),
    # --- account statuses ---
    _url("RAW-002", "account_statuses", "request_url"),
    Rule("RAW-004", "account_statuses", "ExpectColumnValuesToNotBeNull", {"column": "outcome"},
         "every platform call must say how it ended"),
    Rule("RAW-004", "account_statuses", "ExpectColumnValuesToBeInSet",
         {"column": "outcome", "value_set": list(FETCH_OUTCOMES)},
         "fetch outcomes must use the shared vocabulary (govinspect.vocab.FETCH_OUTCOMES)"),
    Rule("RAW-005", "account_statuses", "ExpectColumnValuesToBeInSet",
         {"column": "status", "value_set": list(ACCOUNT_STATUSES)},
         "account statuses must use the shared vocabulary (govinspect.vocab.ACCOUNT_STATUSES)"),
    Rule("RAW-007", "account_statuses", "ExpectColumnValuesToBeUnique", {"column": "account_id"},
         "one status per account per run"),
    _not_null("RAW-009", "account_statuses", "account_id"),
    _known("RAW-011", "account_statuses"),
    # --- posts ---
    _url("RAW-002", "posts", "url"),
    _not_null("RAW-009", "posts", "account_id"),
    _not_null("RAW-009", "posts", "post_id"),
    Rule("RAW-007", "posts", "ExpectCompoundColumnsToBeUnique", {"column_list": ["account_id", "post_id"]},
         "a post landed twice would be counted twice"),
    _known("RAW-011", "posts"),
    # --- coverage of the inventory snapshot ---
    Rule("RAW-008", "site_coverage", "ExpectTableRowCountToBeBetween", {"min_value": 1},
         "the run's inventory snapshot of websites is empty: nothing can be inspected"),
    Rule("RAW-012", "site_coverage", "ExpectColumnValuesToBeBetween", {"column": "pages_rows", "min_value": 1},
         "every inventory site needs at least one fetched page (even a failed fetch) or it is silently skipped"),
    Rule("RAW-008", "account_coverage", "ExpectTableRowCountToBeBetween", {"min_value": 1},
         "the run's inventory snapshot of accounts is empty: nothing can be inspected"),
    Rule("RAW-013", "account_coverage", "ExpectColumnValuesToBeBetween", {"column": "status_rows", "min_value": 1},
         "every inventory account needs a status row (even not_collected) or it is silently skipped"),
)


def build_suite(table: str):
    """The GX suite for one prepared table (GX is imported here, not at module import)."""
    if table not in TABLES:
        raise ValueError(f"unknown raw table '{table}' (known: {', '.join(TABLES)})")
    return _build_suite(f"{SUITE}.{table}", [r for r in RULES if r.table == table])


def build_suites() -> dict:
    """table -> GX suite, for every table of this module."""
    return {table: build_suite(table) for table in TABLES}


def _counts(frame: pd.DataFrame, key: str, name: str) -> pd.DataFrame:
    return frame.groupby(key, dropna=True).size().rename(name).reset_index()


def prepare_frames(raw: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The DataFrames the suites run on, from the run's raw record types (as read by ``landing.read_run``)."""
    sites, accounts = raw["inventory_websites"], raw["inventory_accounts"]
    site_ids, account_ids = set(sites["site_id"].dropna()), set(accounts["account_id"].dropna())
    pages = raw["pages"].assign(in_inventory=raw["pages"]["site_id"].isin(site_ids))
    statuses = raw["account_statuses"].assign(in_inventory=raw["account_statuses"]["account_id"].isin(account_ids))
    posts = raw["posts"].assign(in_inventory=raw["posts"]["account_id"].isin(account_ids))

    site_coverage = sites[["site_id", "unit", "site_name"]].merge(
        _counts(raw["pages"], "site_id", "pages_rows"), on="site_id", how="left")
    site_coverage["pages_rows"] = site_coverage["pages_rows"].fillna(0).astype("int64")
    account_coverage = accounts[["account_id", "unit", "platform", "account_name"]].merge(
        _counts(raw["account_statuses"], "account_id", "status_rows"), on="account_id", how="left")
    account_coverage["status_rows"] = account_coverage["status_rows"].fillna(0).astype("int64")
    return {
        "column_items": raw["column_items"],
        "pages": pages,
        "account_statuses": statuses,
        "posts": posts,
        "site_coverage": site_coverage,
        "account_coverage": account_coverage,
    }

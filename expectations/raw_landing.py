"""Raw landing suites: what the collectors landed for one run is well-formed and covers the inventory.

One GX suite per prepared table (``raw_landing.<table>``): the run's record types (``govinspect.landing``)
``pages``, ``column_items``, ``home_items``, ``discovered_columns``, ``links``, ``content_hits``,
``messages``, ``reposts``, ``account_statuses``, ``posts``, ``account_candidates``, and three prepared ones:

``site_coverage``     the run's inventory sites left-joined to their count of ``pages`` rows
``account_coverage``  the run's inventory accounts left-joined to their count of ``account_statuses`` rows
``probe_days``        every inventory site x every Beijing day of the week before the monitoring point, with
                      the number of availability probes landed for it (W1 wants >= 20 a day)

Suite parameter: ``latest_valid_date`` (the monitoring date, or the collection day when later), passed when
the suite is run. Rules are errors (the gate fails) unless their level is ``warning``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from govinspect.quality import Rule
from govinspect.vocab import ACCOUNT_STATUSES, CONNECTORS, FETCH_OUTCOMES, PAGE_KINDS, PLATFORMS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SUITE = "raw_landing"
# raw record types (govinspect.landing) the frames are prepared from ("probes" is read separately)
SITE_RECORD_TYPES: tuple[str, ...] = (
    "pages", "column_items", "home_items", "discovered_columns", "links", "content_hits", "messages", "reposts",
)
ACCOUNT_RECORD_TYPES: tuple[str, ...] = ("account_statuses", "posts")
RECORD_TYPES: tuple[str, ...] = (
    "inventory_websites", "inventory_accounts", *SITE_RECORD_TYPES, *ACCOUNT_RECORD_TYPES, "account_candidates",
)
TABLES: tuple[str, ...] = (
    *SITE_RECORD_TYPES, *ACCOUNT_RECORD_TYPES, "account_candidates", "site_coverage", "account_coverage",
    "probe_days",
)
# columns quoted with each failing value, so an operator can find the record
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "column_items": ("column_id", "position"),
    "home_items": ("site_id", "position"),
    "discovered_columns": ("site_id", "url"),
    "links": ("site_id", "url"),
    "content_hits": ("site_id", "article_url", "kind"),
    "messages": ("site_id", "url"),
    "reposts": ("site_id", "release_id"),
    "pages": ("site_id", "url"),
    "account_statuses": ("account_id",),
    "posts": ("account_id", "post_id"),
    "account_candidates": ("connector", "platform_id"),
    "site_coverage": ("site_id", "unit"),
    "account_coverage": ("account_id", "unit"),
    "probe_days": ("site_id", "probed_on"),
}
URL_REGEX = r"^https?://[^\s/?#]+[^\s]*$"
# an unmasked personal number: mobile (11 digits from 1[3-9]), resident ID (18), bank card (15..19 digits)
UNMASKED_NUMBER_REGEX = r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|[0-9]{15,19})(?![0-9])"
PRIVACY_KINDS: tuple[str, ...] = ("id_card", "mobile", "bank_card")
CONTENT_CHECKS: tuple[str, ...] = ("privacy", "wording")
POST_SOURCES: tuple[str, ...] = ("connector", "hand_export")
PROBES_PER_DAY = 20  # 国办秘函〔2019〕19号: the home page is visited at least 20 times a day
PROBE_WINDOW_DAYS = 7  # the Beijing days before the monitoring point W1 measures


def probe_window(monitoring_date: date, days: int = PROBE_WINDOW_DAYS) -> list[date]:
    """The Beijing days W1 measures: monitoring point - days .. monitoring point - 1 (as the dbt model does)."""
    return [monitoring_date - timedelta(days=n) for n in range(days, 0, -1)]


def _url(rule_id: str, table: str, column: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToMatchRegex", {"column": column, "regex": URL_REGEX},
                "URLs must be absolute http(s) URLs: anything else is a parsing bug and cannot serve as evidence")


def _not_null(rule_id: str, table: str, column: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToNotBeNull", {"column": column},
                "records must name what they belong to, or the marts drop or misattribute them")


def _known(rule_id: str, table: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToBeInSet", {"column": "in_inventory", "value_set": [True]},
                "landed records must belong to the run's inventory snapshot (stale part file or id typo)")


def _not_future(table: str, column: str) -> Rule:
    return Rule("RAW-001", table, "ExpectColumnValuesToBeBetween",
                {"column": column, "max_value": {"$PARAMETER": "latest_valid_date"}},
                "a date after the monitoring point (or after the day it was collected, when later) is a "
                "date-parsing error, e.g. a wrong year inferred for MM-DD, and would hide a stale column")


def _unique(rule_id: str, table: str, columns: list[str], why: str) -> Rule:
    return Rule(rule_id, table, "ExpectCompoundColumnsToBeUnique", {"column_list": columns}, why)


def _outcome(rule_id: str, table: str) -> Rule:
    return Rule(rule_id, table, "ExpectColumnValuesToBeInSet", {"column": "outcome", "value_set": list(FETCH_OUTCOMES)},
                "fetch outcomes must use the shared vocabulary (govinspect.vocab.FETCH_OUTCOMES)")


RULES: tuple[Rule, ...] = (
    # --- column items ---
    _not_future("column_items", "item_date"),
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
    _outcome("RAW-003", "pages"),
    Rule("RAW-010", "pages", "ExpectColumnValuesToBeInSet", {"column": "page_kind", "value_set": list(PAGE_KINDS)},
         "page kinds must use the shared vocabulary (govinspect.vocab.PAGE_KINDS)"),
    _not_null("RAW-009", "pages", "site_id"),
    _known("RAW-011", "pages"),
    # --- account statuses ---
    _url("RAW-002", "account_statuses", "request_url"),
    Rule("RAW-004", "account_statuses", "ExpectColumnValuesToNotBeNull", {"column": "outcome"},
         "every platform call must say how it ended"),
    _outcome("RAW-004", "account_statuses"),
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
    _not_future("posts", "published_on"),
    Rule("RAW-017", "posts", "ExpectColumnValuesToBeInSet", {"column": "source", "value_set": list(POST_SOURCES)},
         "a post comes from a platform connector or from a hand export (手工导出): nothing else is evidence"),
    # --- home page items (W2 首页更新) ---
    _not_future("home_items", "item_date"),
    _url("RAW-002", "home_items", "url"),
    _url("RAW-002", "home_items", "page_url"),
    _unique("RAW-006", "home_items", ["site_id", "url", "position"],
            "a home page item landed twice would be counted twice"),
    _not_null("RAW-009", "home_items", "site_id"),
    _known("RAW-011", "home_items"),
    # --- columns found on the home page, unknown to the inventory ---
    _url("RAW-002", "discovered_columns", "url"),
    _url("RAW-002", "discovered_columns", "found_on"),
    _unique("RAW-006", "discovered_columns", ["site_id", "url"], "a discovered column is listed once per site"),
    _not_null("RAW-009", "discovered_columns", "site_id"),
    _known("RAW-011", "discovered_columns"),
    # --- links checked (错链死链) ---
    _url("RAW-002", "links", "url"),
    _url("RAW-002", "links", "found_on"),
    Rule("RAW-003", "links", "ExpectColumnValuesToNotBeNull", {"column": "outcome"},
         "every link check must say how it ended"),
    _outcome("RAW-003", "links"),
    _unique("RAW-006", "links", ["site_id", "url"], "one row per distinct link checked on a site"),
    _not_null("RAW-009", "links", "site_id"),
    _known("RAW-011", "links"),
    # --- content checks (隐私泄露, 错别字/表述不规范) ---
    _not_future("content_hits", "article_date"),
    _url("RAW-002", "content_hits", "article_url"),
    Rule("RAW-014", "content_hits", "ExpectColumnValuesToBeInSet",
         {"column": "check", "value_set": list(CONTENT_CHECKS)}, "a content hit is a privacy or a wording check"),
    Rule("RAW-014", "content_hits", "ExpectColumnValuesToBeInSet",
         {"column": "privacy_kind", "value_set": list(PRIVACY_KINDS)},
         "privacy hits are resident ID, mobile or bank card numbers"),
    Rule("RAW-014", "content_hits", "ExpectColumnValuesToNotBeNull", {"column": "matched"},
         "a content hit without the matched text cannot be checked by a person"),
    Rule("RAW-015", "content_hits", "ExpectColumnValuesToNotMatchRegex",
         {"column": "matched", "regex": UNMASKED_NUMBER_REGEX},
         "personal numbers are kept only masked: an unmasked number in the landing would spread the leak"),
    Rule("RAW-015", "content_hits", "ExpectColumnValuesToNotMatchRegex",
         {"column": "context", "regex": UNMASKED_NUMBER_REGEX},
         "the excerpt around a hit must have its personal numbers masked too"),
    _unique("RAW-006", "content_hits", ["article_url", "check", "kind", "matched"],
            "a content hit landed twice would be counted twice"),
    _not_null("RAW-009", "content_hits", "site_id"),
    _known("RAW-011", "content_hits"),
    # --- interaction messages (互动交流) ---
    _not_future("messages", "asked_on"),
    _not_future("messages", "replied_on"),
    _url("RAW-002", "messages", "page_url"),
    _url("RAW-002", "messages", "url"),
    Rule("RAW-016", "messages", "ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "replied_on", "column_B": "asked_on", "or_equal": True,
          "ignore_row_if": "either_value_is_missing"},
         "a reply dated before its question is a date-parsing error and would hide a late reply"),
    _unique("RAW-006", "messages", ["column_id", "url", "title", "asked_on"],
            "a message landed twice would be counted twice"),
    _not_null("RAW-009", "messages", "site_id"),
    _known("RAW-011", "messages"),
    # --- reposts of important releases (重点政务信息转载) ---
    _url("RAW-002", "reposts", "url"),
    Rule("RAW-009", "reposts", "ExpectColumnValuesToNotBeNull", {"column": "found"},
         "every (site, release) row must say whether the release was found"),
    _unique("RAW-006", "reposts", ["site_id", "release_id"], "one row per site and configured release"),
    _not_null("RAW-009", "reposts", "site_id"),
    _known("RAW-011", "reposts"),
    # --- accounts found by platform search (私自开设) ---
    _url("RAW-002", "account_candidates", "url"),
    _url("RAW-002", "account_candidates", "request_url"),
    Rule("RAW-005", "account_candidates", "ExpectColumnValuesToBeInSet",
         {"column": "platform", "value_set": list(PLATFORMS)}, "platforms must be named as the notice prints them"),
    Rule("RAW-005", "account_candidates", "ExpectColumnValuesToBeInSet",
         {"column": "connector", "value_set": list(CONNECTORS)}, "connectors must be known"),
    _not_null("RAW-009", "account_candidates", "platform_id"),
    _unique("RAW-006", "account_candidates", ["connector", "platform_id", "unit"],
            "a candidate account is listed once per unit searched"),
    # --- coverage of the inventory snapshot ---
    Rule("RAW-008", "site_coverage", "ExpectTableRowCountToBeBetween", {"min_value": 1},
         "the run's inventory snapshot of websites is empty: nothing can be inspected"),
    Rule("RAW-012", "site_coverage", "ExpectColumnValuesToBeBetween", {"column": "pages_rows", "min_value": 1},
         "every inventory site needs at least one fetched page (even a failed fetch) or it is silently skipped"),
    Rule("RAW-008", "account_coverage", "ExpectTableRowCountToBeBetween", {"min_value": 1},
         "the run's inventory snapshot of accounts is empty: nothing can be inspected"),
    Rule("RAW-013", "account_coverage", "ExpectColumnValuesToBeBetween", {"column": "status_rows", "min_value": 1},
         "every inventory account needs a status row (even not_collected) or it is silently skipped"),
    Rule("RAW-018", "probe_days", "ExpectColumnValuesToBeBetween", {"column": "probes", "min_value": PROBES_PER_DAY},
         "W1 needs at least 20 probes of the home page on every day of the week before the monitoring point; "
         "a site monitored less is not judged (W1_probes_insufficient, a warning in the marts)", level="warning"),
)


def _counts(frame: pd.DataFrame, key: str, name: str) -> pd.DataFrame:
    return frame.groupby(key, dropna=True).size().rename(name).reset_index()


def _probe_days(sites: pd.DataFrame, probes: pd.DataFrame, days: Sequence[date]) -> pd.DataFrame:
    import pandas as pd

    grid = sites[["site_id", "unit"]].merge(pd.DataFrame({"probed_on": list(days)}), how="cross")
    if probes.empty:
        grid["probes"] = 0
        return grid
    on = pd.to_datetime(probes["probed_at"], utc=True).dt.tz_convert("Asia/Shanghai").dt.date
    counts = probes.assign(probed_on=on).groupby(["site_id", "probed_on"]).size().rename("probes").reset_index()
    out = grid.merge(counts, on=["site_id", "probed_on"], how="left")
    out["probes"] = out["probes"].fillna(0).astype("int64")
    return out


def prepare_frames(raw: Mapping[str, pd.DataFrame], probe_days: Sequence[date] = ()) -> dict[str, pd.DataFrame]:
    """The DataFrames the suites run on, from the run's raw record types (as read by ``landing.read_run``) and
    the availability probes (``probes``, when given) of ``probe_days``."""
    import pandas as pd

    sites, accounts = raw["inventory_websites"], raw["inventory_accounts"]
    site_ids, account_ids = set(sites["site_id"].dropna()), set(accounts["account_id"].dropna())
    frames = {t: raw[t].assign(in_inventory=raw[t]["site_id"].isin(site_ids)) for t in SITE_RECORD_TYPES}
    frames |= {t: raw[t].assign(in_inventory=raw[t]["account_id"].isin(account_ids)) for t in ACCOUNT_RECORD_TYPES}
    hits = frames["content_hits"]
    frames["content_hits"] = hits.assign(privacy_kind=hits["kind"].where(hits["check"].eq("privacy")))
    frames["account_candidates"] = raw["account_candidates"]

    site_coverage = sites[["site_id", "unit", "site_name"]].merge(
        _counts(raw["pages"], "site_id", "pages_rows"), on="site_id", how="left")
    site_coverage["pages_rows"] = site_coverage["pages_rows"].fillna(0).astype("int64")
    account_coverage = accounts[["account_id", "unit", "platform", "account_name"]].merge(
        _counts(raw["account_statuses"], "account_id", "status_rows"), on="account_id", how="left")
    account_coverage["status_rows"] = account_coverage["status_rows"].fillna(0).astype("int64")
    probes = raw.get("probes")
    if probes is None:
        probes = pd.DataFrame({"site_id": pd.Series(dtype="object"), "probed_at": pd.Series(dtype="object")})
    return frames | {
        "site_coverage": site_coverage,
        "account_coverage": account_coverage,
        "probe_days": _probe_days(sites, probes, probe_days),
    }

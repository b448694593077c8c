"""Findings and notice marts suites: findings are complete, and the notice's numbers, its annexes and the
verdicts agree with each other and cover the run's inventory.

One GX suite per prepared table (``findings_mart.<table>``); the marts are read for one quarter. Prepared
tables besides the marts themselves:

``reconciliation``    one row: the summary's numbers next to the same numbers counted from annexes and verdicts
``site_coverage``     the run's inventory sites left-joined to their count of site verdicts
``account_coverage``  the run's inventory accounts left-joined to their count of account verdicts

``fct_findings`` gets a prepared column ``unit_known`` (the finding's unit is a unit of the run's inventory).
``mart_findings_compared`` (this quarter against the previous one) is optional: an older warehouse without
it is checked as an empty table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from govinspect.quality import Rule
from govinspect.vocab import LEVELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SUITE = "findings_mart"
MARTS: tuple[str, ...] = (
    "fct_findings", "mart_notice_summary", "mart_annex_websites", "mart_annex_accounts", "mart_notice_problems",
    "mart_site_verdicts", "mart_account_verdicts",
)
# marts an older warehouse may lack -> the columns its checks need
OPTIONAL_MARTS: dict[str, tuple[str, ...]] = {
    "mart_findings_compared": ("quarter", "previous_quarter", "rule_id", "object_type", "object_id", "unit",
                               "comparison"),
}
COMPARISONS: tuple[str, ...] = ("repeat", "new", "fixed")
INVENTORY_RECORD_TYPES: tuple[str, ...] = ("inventory_websites", "inventory_accounts", "inventory_roster")
TABLES: tuple[str, ...] = (
    "fct_findings", "mart_notice_summary", "mart_annex_websites", "mart_annex_accounts", "mart_notice_problems",
    "mart_site_verdicts", "mart_findings_compared", "reconciliation", "site_coverage", "account_coverage",
)
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_findings": ("finding_id", "rule_id", "object_id"),
    "mart_annex_websites": ("row_no", "site_id"),
    "mart_annex_accounts": ("row_no", "account_id"),
    "mart_notice_problems": ("notice_paragraph", "phrase_order"),
    "mart_site_verdicts": ("site_id",),
    "mart_findings_compared": ("rule_id", "object_type", "object_id", "comparison"),
    "site_coverage": ("site_id", "unit"),
    "account_coverage": ("account_id", "unit"),
}
SEVERITIES: tuple[str, ...] = ("veto", "prominent", "scored", "warning")
NOTICE_PARAGRAPHS: tuple[int, ...] = (1, 2, 3, 4)
# verdict level (vocab.LEVELS, or the mart's English key) -> summary column suffix
LEVEL_KEYS: dict[str, str] = {
    **dict(zip(LEVELS, ("prefecture", "department", "county"), strict=True)),
    **{k: k for k in ("prefecture", "department", "county")},
}


def _required(rule_id: str, column: str) -> Rule:
    return Rule(rule_id, "fct_findings", "ExpectColumnValuesToNotBeNull", {"column": column},
                f"a finding without {column} cannot be reported, traced or defended")


def _equal(rule_id: str, a: str, b: str, why: str) -> Rule:
    return Rule(rule_id, "reconciliation", "ExpectColumnPairValuesToBeEqual", {"column_A": a, "column_B": b}, why)


RULES: tuple[Rule, ...] = (
    # --- findings ---
    _required("MART-001", "unit"),
    _required("MART-002", "rule_id"),
    _required("MART-003", "problem"),
    _required("MART-004", "evidence"),
    Rule("MART-005", "fct_findings", "ExpectColumnValuesToBeInSet",
         {"column": "severity", "value_set": list(SEVERITIES)}, "severity decides the annex and the verdict"),
    Rule("MART-006", "fct_findings", "ExpectColumnValuesToBeInSet", {"column": "annex", "value_set": [1, 2]},
         "a finding goes to 附件1 (websites), 附件2 (accounts) or no annex (null)"),
    Rule("MART-007", "fct_findings", "ExpectColumnValuesToNotBeNull", {"column": "finding_id"},
         "findings are referenced by id"),
    Rule("MART-007", "fct_findings", "ExpectColumnValuesToBeUnique", {"column": "finding_id"},
         "a duplicated finding would be counted twice"),
    Rule("MART-017", "fct_findings", "ExpectColumnValuesToBeInSet", {"column": "unit_known", "value_set": [True]},
         "a finding must name a unit of the run's inventory, or the notice blames a unit that does not exist"),
    Rule("MART-018", "fct_findings", "ExpectColumnValuesToMatchRegex",
         {"column": "evidence_url", "regex": r"^https?://[^\s/?#]+[^\s]*$"},
         "evidence links must be absolute http(s) URLs a unit can open to check the finding"),
    # --- comparison with the previous quarter (paragraph （四） on repeat offenders) ---
    Rule("MART-019", "mart_findings_compared", "ExpectColumnValuesToBeInSet",
         {"column": "comparison", "value_set": list(COMPARISONS)},
         "a finding is a repeat, new or fixed against the previous quarter: the repeat paragraph counts repeats"),
    Rule("MART-019", "mart_findings_compared", "ExpectCompoundColumnsToBeUnique",
         {"column_list": ["rule_id", "object_type", "object_id", "comparison"]},
         "each finding is compared once, or a repeat offender would be counted twice"),
    Rule("MART-019", "mart_findings_compared", "ExpectColumnValuesToNotBeNull", {"column": "unit"},
         "a repeat offender must be named"),
    # --- notice marts ---
    Rule("MART-008", "mart_annex_websites", "ExpectColumnValuesToBeUnique", {"column": "row_no"},
         "annex rows are numbered once each (序号)"),
    Rule("MART-008", "mart_annex_accounts", "ExpectColumnValuesToBeUnique", {"column": "row_no"},
         "annex rows are numbered once each (序号)"),
    Rule("MART-009", "mart_notice_summary", "ExpectTableRowCountToBeBetween", {"min_value": 1, "max_value": 1},
         "the notice needs exactly one summary row for the quarter"),
    Rule("MART-015", "mart_notice_problems", "ExpectColumnValuesToBeInSet",
         {"column": "notice_paragraph", "value_set": list(NOTICE_PARAGRAPHS)},
         "二、主要问题 has paragraphs 1 (updating/interaction) 2 (review & wording) 3 (accounts) 4 (repeats)"),
    Rule("MART-015", "mart_notice_problems", "ExpectColumnValuesToNotBeNull", {"column": "notice_phrase"},
         "an empty phrase would print as 、、 in the notice"),
    Rule("MART-016", "mart_site_verdicts", "ExpectColumnValuesToBeInSet",
         {"column": "level", "value_set": sorted(LEVEL_KEYS)},
         "the notice counts websites by level; an unknown level is counted nowhere"),
    # --- the notice's numbers agree with the annexes and the verdicts ---
    _equal("MART-010", "websites_flagged_total", "annex1_rows",
           "websites_flagged_prefecture + _department + _county must equal the rows of 附件1"),
    _equal("MART-011", "websites_flagged_prefecture", "verdicts_flagged_prefecture",
           "flagged prefecture sites in the summary must equal site verdicts with a prominent problem"),
    _equal("MART-011", "websites_flagged_department", "verdicts_flagged_department",
           "flagged department sites in the summary must equal site verdicts with a prominent problem"),
    _equal("MART-011", "websites_flagged_county", "verdicts_flagged_county",
           "flagged county sites in the summary must equal site verdicts with a prominent problem"),
    _equal("MART-011", "websites_checked", "websites_checked_levels",
           "websites_checked must equal the sum of the checked sites by level"),
    _equal("MART-011", "websites_checked", "site_verdicts", "every checked site has exactly one verdict"),
    _equal("MART-012", "accounts_flagged", "annex2_flagged_accounts",
           "accounts_flagged must equal the distinct 附件2 accounts whose verdict has a prominent problem"),
    _equal("MART-012", "accounts_flagged", "verdicts_flagged_accounts",
           "accounts_flagged must equal the account verdicts with a prominent problem"),
    _equal("MART-013", "accounts_closed_unfiled", "annex2_closed_unfiled_accounts",
           "accounts_closed_unfiled must equal the distinct 附件2 accounts closed without filing"),
    _equal("MART-013", "accounts_closed_unfiled", "verdicts_closed_unfiled",
           "accounts_closed_unfiled must equal the account verdicts closed without filing"),
    Rule("MART-014", "reconciliation", "ExpectColumnValuesToBeBetween",
         {"column": "annex2_unexplained_accounts", "min_value": 0, "max_value": 0},
         "every 附件2 account must have a verdict that is flagged or closed without filing"),
    # --- verdicts cover the inventory ---
    Rule("MART-020", "site_coverage", "ExpectColumnValuesToBeBetween",
         {"column": "verdicts", "min_value": 1, "max_value": 1},
         "every inventory site gets exactly one verdict, or it silently drops out of the notice"),
    Rule("MART-021", "account_coverage", "ExpectColumnValuesToBeBetween",
         {"column": "verdicts", "min_value": 1, "max_value": 1},
         "every inventory account gets exactly one verdict, or it silently drops out of the notice"),
)


def _true(series: pd.Series) -> pd.Series:
    return series.eq(True)  # null -> False


def _reconciliation(m: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    summary = m["mart_notice_summary"]
    if summary.empty:  # MART-009 reports it; nothing to reconcile
        return pd.DataFrame({c: pd.Series(dtype="int64") for r in RULES if r.table == "reconciliation"
                             for c in (r.kwargs.get("column_A"), r.kwargs.get("column_B"), r.kwargs.get("column"))
                             if c})
    s = summary.iloc[0]
    sites, accounts = m["mart_site_verdicts"], m["mart_account_verdicts"]
    site_level = sites["level"].map(LEVEL_KEYS)
    flagged_sites = _true(sites["has_prominent_problem"])
    annex2 = m["mart_annex_accounts"][["account_id"]].drop_duplicates().merge(
        accounts[["account_id", "has_prominent_problem", "closed_unfiled"]], on="account_id", how="left")
    a_flagged, a_closed = _true(annex2["has_prominent_problem"]), _true(annex2["closed_unfiled"])
    row = {
        "websites_flagged_total": int(s["websites_flagged_prefecture"] + s["websites_flagged_department"]
                                      + s["websites_flagged_county"]),
        "annex1_rows": len(m["mart_annex_websites"]),
        "websites_checked": int(s["websites_checked"]),
        "websites_checked_levels": int(s["websites_checked_prefecture"] + s["websites_checked_department"]
                                       + s["websites_checked_county"]),
        "site_verdicts": len(sites),
        "accounts_flagged": int(s["accounts_flagged"]),
        "annex2_flagged_accounts": int(a_flagged.sum()),
        "verdicts_flagged_accounts": int(_true(accounts["has_prominent_problem"]).sum()),
        "accounts_closed_unfiled": int(s["accounts_closed_unfiled"]),
        "annex2_closed_unfiled_accounts": int(a_closed.sum()),
        "verdicts_closed_unfiled": int(_true(accounts["closed_unfiled"]).sum()),
        "annex2_unexplained_accounts": int((~(a_flagged | a_closed)).sum()),
    }
    for key in ("prefecture", "department", "county"):
        row[f"websites_flagged_{key}"] = int(s[f"websites_flagged_{key}"])
        row[f"verdicts_flagged_{key}"] = int((flagged_sites & site_level.eq(key)).sum())
    return pd.DataFrame([row])


def _coverage(inventory: pd.DataFrame, verdicts: pd.DataFrame, key: str, keep: list[str]) -> pd.DataFrame:
    counts = verdicts.groupby(key).size().rename("verdicts").reset_index()
    out = inventory[[key, *keep]].merge(counts, on=key, how="left")
    out["verdicts"] = out["verdicts"].fillna(0).astype("int64")
    return out


def prepare_frames(marts: Mapping[str, pd.DataFrame],
                   inventory: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The DataFrames the suites run on: the quarter's marts, the reconciliation row, the coverage tables."""
    frames = {name: marts[name] for name in TABLES if name in marts}
    units = {u for rt in INVENTORY_RECORD_TYPES for u in inventory[rt]["unit"].dropna()}
    frames["fct_findings"] = marts["fct_findings"].assign(unit_known=marts["fct_findings"]["unit"].isin(units))
    frames["reconciliation"] = _reconciliation(marts)
    frames["site_coverage"] = _coverage(inventory["inventory_websites"], marts["mart_site_verdicts"], "site_id",
                                        ["unit", "site_name"])
    frames["account_coverage"] = _coverage(inventory["inventory_accounts"], marts["mart_account_verdicts"],
                                           "account_id", ["unit", "platform", "account_name"])
    return frames

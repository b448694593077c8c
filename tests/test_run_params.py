"""Run parameters: defaults from the run's date when empty, clear errors naming the parameter."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from govinspect.run import RunContext, RunParamError, quarter_bounds, quarter_of, resolve_run

PARAMS = {"quarter": "2024Q3", "monitoring_date": "2024-09-10", "notice_date": "2024-09-14",
          "document_number": "甘办函〔2024〕67号", "inventory": "/inv", "rules_profile": "ganzi"}


def test_explicit_params():
    ctx = resolve_run(PARAMS, "manual__2024-09-10T00:00:00+00:00")
    assert (ctx.quarter, ctx.monitoring_date, ctx.notice_date) == ("2024Q3", date(2024, 9, 10), date(2024, 9, 14))
    assert ctx.run_slug == "manual__2024-09-10T00_00_00_00_00"
    assert RunContext.from_dict(ctx.to_dict()) == ctx


def test_empty_params_default_to_the_run_date_in_beijing_time(monkeypatch):
    monkeypatch.setenv("GOVINSPECT_INVENTORY", "/env-inv")
    # 2024-12-09 17:00 UTC is already 2024-12-10 in Beijing
    run_after = datetime(2024, 12, 9, 17, 0, tzinfo=ZoneInfo("UTC"))
    ctx = resolve_run({"quarter": "", "monitoring_date": "", "inventory": ""}, "scheduled__x", run_after)
    assert ctx.monitoring_date == date(2024, 12, 10)
    assert ctx.quarter == "2024Q4"
    assert ctx.inventory == "/env-inv"
    assert ctx.rules_profile == "ganzi"


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"quarter": "2024-3"}, "quarter"),
        ({"monitoring_date": "2024-10-01"}, "monitoring_date"),
        ({"monitoring_date": "10/09/2024"}, "monitoring_date"),
        ({"notice_date": "2024-09-01"}, "notice_date"),
        ({"rules_profile": "sichuan"}, "rules_profile"),
    ],
)
def test_bad_params_name_the_parameter(change, name):
    with pytest.raises(RunParamError, match=f"^{name}:"):
        resolve_run(PARAMS | change, "r")


def test_missing_inventory(monkeypatch):
    monkeypatch.delenv("GOVINSPECT_INVENTORY", raising=False)
    with pytest.raises(RunParamError, match="^inventory:"):
        resolve_run(PARAMS | {"inventory": ""}, "r")


def test_quarters():
    assert quarter_of(date(2024, 9, 30)) == "2024Q3"
    assert quarter_bounds("2024Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))


def test_inventory_folder_param_wins_over_the_environment(monkeypatch):
    from govinspect.run import inventory_folder

    monkeypatch.setenv("GOVINSPECT_INVENTORY", "/env-inv")
    assert inventory_folder({"inventory": " /param-inv "}) == "/param-inv"
    assert inventory_folder({"inventory": ""}) == "/env-inv"
    monkeypatch.delenv("GOVINSPECT_INVENTORY")
    with pytest.raises(RunParamError, match="^inventory:"):
        inventory_folder({})

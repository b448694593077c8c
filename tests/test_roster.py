"""The filing roster (政务新媒体信息报送系统 export): CSV or XLSX, every problem reported at once with file,
row and field; roster dates checked against the run's monitoring point in prepare_run."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from govinspect import pipeline
from govinspect.inventory import InventoryError, load_inventory, write_inventory
from govinspect.sandbox import Sandbox

ROWS = {
    "websites": [{"site_id": "derong", "unit": "得荣县", "level": "县", "site_name": "得荣县人民政府",
                  "home_url": "http://www.derong.gov.cn/"}],
    "columns": [{"site_id": "derong", "column_name": "工作动态", "category": "动态",
                 "url": "http://www.derong.gov.cn/gzdt/"}],
    "accounts": [{"account_id": "wb-1", "unit": "得荣县人民政府办公室", "level": "县", "platform": "新浪微博",
                  "account_name": "得荣发布", "platform_id": "1234567890"}],
    "roster": [],
}
HEADER = ["unit", "platform", "account_name", "platform_id", "status", "opened_on", "closed_on"]
MP = date(2024, 9, 10)


def _inventory(folder: Path, roster: list[list[str]]) -> Path:
    write_inventory(folder, ROWS | {"roster": [dict(zip(HEADER, r, strict=False)) for r in roster]})
    return folder


def _problems(folder: Path, monitoring_date: date | None = MP) -> set[tuple[str, int | None, str | None]]:
    with pytest.raises(InventoryError) as info:
        load_inventory(folder, monitoring_date=monitoring_date)
    return {(p.file, p.row, p.field) for p in info.value.problems}


def test_every_roster_problem_at_once(tmp_path):
    folder = _inventory(tmp_path, [
        ["得荣县人民政府办公室", "新浪微博", "得荣发布", "1234567890", "正常", "2016-01-05", ""],  # row 2 fine
        ["得荣县人民政府办公室", "新浪微博", "得荣发布2", "1234567890", "正常", "2017-01-05", ""],  # 3 duplicate
        ["得荣县教育局", "快手", "得荣教育", "ks01", "正常", "2018-01-01", ""],  # 4 unknown platform
        ["得荣县卫健局", "微信订阅号", "健康得荣", "", "正常", "2018-01-01", ""],  # 5 missing id
        ["得荣县文旅局", "抖音短视频", "得荣文旅", "MS4wLjABAAAA1", "正常", "2024-10-01", ""],  # 6 after MP
        ["得荣县公安局", "今日头条", "得荣警方", "MS4wLjABAAAA2", "注销", "2020-05-01", "2019-05-01"],  # 7 close<open
        ["得荣县林草局", "新浪微博", "得荣林草", "555", "停用", "2020-05-01", ""],  # 8 bad status
        ["得荣县水利局", "新浪微博", "得荣水利", "556", "关停", "2020-05-01", "2024-09-11"],  # 9 closed after MP
        ["得荣县民政局", "新浪微博", "得荣民政", "557", "注销", "2020-05-01", ""],  # 10 closure date missing
    ])
    assert _problems(folder) == {
        ("roster.csv", 3, "platform_id"), ("roster.csv", 4, "platform"), ("roster.csv", 5, "platform_id"),
        ("roster.csv", 6, "opened_on"), ("roster.csv", 7, "closed_on"), ("roster.csv", 8, "status"),
        ("roster.csv", 9, "closed_on"), ("roster.csv", 10, "closed_on"),
    }


def test_messages_name_the_values(tmp_path):
    folder = _inventory(tmp_path, [["得荣县文旅局", "抖音短视频", "得荣文旅", "MS4wLjABAAAA1", "正常", "2024-10-01", ""]])
    with pytest.raises(InventoryError) as info:
        load_inventory(folder, monitoring_date=MP)
    assert "roster.csv, row 2, field 'opened_on': 2024-10-01 is after the monitoring point 2024-09-10" in str(info.value)
    assert load_inventory(folder).roster[0].opened_on == date(2024, 10, 1)  # without a monitoring point: no check


def _xlsx(folder: Path, header: list[str], rows: list[list[object]]) -> Path:
    write_inventory(folder, ROWS)
    (folder / "roster.csv").unlink()
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(folder / "roster.xlsx")
    return folder


def test_xlsx_export_of_the_filing_system_with_chinese_headers(tmp_path):
    folder = _xlsx(tmp_path, ["主办单位", "平台类型", "账号名称", "账号ID", "账号状态", "开设日期", "注销日期"], [
        ["得荣县人民政府办公室", "新浪微博", "得荣发布", "1234567890", "正常", datetime(2016, 1, 5), None],
        ["得荣县公安局", "今日头条", "得荣警方", "MS4wLjABAAAA2", "注销", "2019-05-01", datetime(2024, 3, 2)],
    ])
    roster = load_inventory(folder, monitoring_date=MP).roster
    assert [(r.platform_id, r.status, r.opened_on, r.closed_on) for r in roster] == [
        ("1234567890", "正常", date(2016, 1, 5), None),
        ("MS4wLjABAAAA2", "注销", date(2019, 5, 1), date(2024, 3, 2))]


def test_xlsx_problems_name_the_workbook(tmp_path):
    folder = _xlsx(tmp_path, ["主办单位", "平台类型", "账号名称", "账号ID", "账号状态", "开设日期"], [
        ["得荣县人民政府办公室", "微博", "得荣发布", 1234567890, "正常", datetime(2025, 1, 5)],
    ])
    assert _problems(folder) == {("roster.xlsx", 2, "platform"), ("roster.xlsx", 2, "opened_on")}


def test_damaged_workbook(tmp_path):
    write_inventory(tmp_path, ROWS)
    (tmp_path / "roster.csv").unlink()
    (tmp_path / "roster.xlsx").write_bytes(b"PK\x03\x04 damaged")
    assert _problems(tmp_path) == {("roster.xlsx", None, None)}


def test_prepare_run_checks_roster_dates_against_the_monitoring_point(tmp_path):
    with Sandbox("small", port=0, inventory_dir=tmp_path / "inv") as sb:
        folder = tmp_path / "copy"
        shutil.copytree(sb.inventory_dir, folder)
    params = {"inventory": str(folder)}  # the quarter follows the monitoring date
    # the small scenario's roster is valid at its monitoring point, 2024-09-10 ...
    pipeline.prepare_run(params | {"monitoring_date": "2024-09-10"}, "ok_run")
    # ... but one of its closures (2024-06-28 in the scenario) is after an earlier monitoring point
    closures = [r.closed_on for r in load_inventory(folder).roster if r.closed_on]
    assert closures
    early = min(closures) - date.resolution
    with pytest.raises(InventoryError, match=r"roster.csv, row \d+, field 'closed_on': .* is after the monitoring "
                                             f"point {early}"):
        pipeline.prepare_run(params | {"monitoring_date": early.isoformat()}, "early_run")

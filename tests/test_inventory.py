"""Inventory validation: every problem named with file, row and field; nothing returned when invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.inventory import InventoryError, load_inventory, url_problem, write_inventory

GOOD = {
    "websites": [
        {"site_id": "gzz-portal", "unit": "甘孜州人民政府", "level": "州", "site_name": "甘孜藏族自治州人民政府",
         "home_url": "https://www.gzz.gov.cn/"},
        {"site_id": "derong", "unit": "得荣县", "level": "县", "site_name": "得荣县人民政府",
         "home_url": "http://www.derong.gov.cn/"},
    ],
    "columns": [
        {"site_id": "gzz-portal", "column_name": "今日甘孜", "category": "要闻", "url": "https://www.gzz.gov.cn/jrgz/"},
        {"site_id": "derong", "column_name": "工作动态", "category": "动态", "url": "http://www.derong.gov.cn/gzdt/"},
    ],
    "accounts": [
        {"account_id": "wb-1", "unit": "甘孜州文化广播电视和旅游局", "level": "部门", "platform": "新浪微博",
         "account_name": "微甘孜", "platform_id": "1234567890"},
    ],
    "roster": [
        {"unit": "甘孜州文化广播电视和旅游局", "platform": "新浪微博", "account_name": "微甘孜",
         "platform_id": "1234567890", "status": "正常", "opened_on": "2015-03-01"},
    ],
}


def _write(tmp_path: Path, **changes) -> Path:
    rows = {k: [dict(r) for r in v] for k, v in GOOD.items()}
    for entity, mutate in changes.items():
        mutate(rows[entity])
    write_inventory(tmp_path, rows)
    return tmp_path


def _problems(folder: Path) -> list[str]:
    with pytest.raises(InventoryError) as info:
        load_inventory(folder)
    return [str(p) for p in info.value.problems]


def test_good_inventory_loads(tmp_path):
    inv = load_inventory(_write(tmp_path))
    assert [w.site_id for w in inv.websites] == ["gzz-portal", "derong"]
    assert inv.columns_of("derong")[0].column_id == "derong/工作动态"
    assert inv.accounts[0].connector == "weibo"
    assert inv.roster[0].opened_on.isoformat() == "2015-03-01"


def test_bom_from_excel_is_accepted(tmp_path):
    folder = _write(tmp_path)
    path = folder / "websites.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_inventory(folder).websites) == 2


def test_duplicate_site_id_names_file_row_and_field(tmp_path):
    problems = _problems(_write(tmp_path, websites=lambda r: r.append(dict(r[0], home_url="https://x.gov.cn/"))))
    assert any(p.startswith("websites.csv, row 4, field 'site_id': duplicate site_id (first on row 2)") for p in problems)


@pytest.mark.parametrize(
    ("entity", "field", "value", "expected"),
    [
        ("websites", "level", "省", "unknown value '省'"),
        ("websites", "home_url", "ftp://x.gov.cn/", "is not an http(s) URL"),
        ("websites", "home_url", "www.gzz.gov.cn", "is not an http(s) URL"),
        ("websites", "site_name", "", "required value is empty"),
        ("websites", "site_id", "bad id", "is not an id"),
        ("columns", "category", "新闻", "unknown value '新闻'"),
        ("columns", "site_id", "nowhere", "site 'nowhere' is not in websites.csv"),
        ("accounts", "platform", "快手", "unknown value '快手'"),
        ("accounts", "platform_id", "", "required value is empty"),
        ("roster", "opened_on", "2015/03/01", "is not a date"),
        ("roster", "status", "注销", "needs the closure filing date"),
    ],
)
def test_bad_values_are_named(tmp_path, entity, field, value, expected):
    def mutate(rows):
        rows[0][field] = value

    problems = _problems(_write(tmp_path, **{entity: mutate}))
    file_field = f"{entity}.csv, row 2, field '{'closed_on' if expected.startswith('needs') else field}'"
    assert any(p.startswith(file_field) and expected in p for p in problems), problems


def test_closure_before_opening_is_refused(tmp_path):
    def mutate(rows):
        rows[0].update(status="注销", opened_on="2020-01-01", closed_on="2019-12-31")

    problems = _problems(_write(tmp_path, roster=mutate))
    assert any("closed_on" in p and "before opening" in p for p in problems)


def test_all_problems_reported_at_once(tmp_path):
    def bad_sites(rows):
        rows[0]["level"] = "省"
        rows[1]["home_url"] = "not a url"

    problems = _problems(_write(tmp_path, websites=bad_sites, columns=lambda r: r[0].update(category="x")))
    assert len(problems) >= 3


def test_missing_file_and_missing_column(tmp_path):
    folder = _write(tmp_path)
    (folder / "roster.csv").unlink()
    (folder / "accounts.csv").write_text("account_id,unit\nx,y\n", encoding="utf-8")
    problems = _problems(folder)
    assert any(p.startswith("roster.csv: file is missing") for p in problems)
    assert any(p.startswith("accounts.csv, row 1: missing column(s): level") for p in problems)


def test_missing_folder(tmp_path):
    assert "does not exist" in _problems(tmp_path / "nope")[0]


def test_url_problem():
    assert url_problem("https://www.gzz.gov.cn/index.html") is None
    assert url_problem("http://127.61.0.2:18000/") is None
    assert "white space" in url_problem("http://a b.gov.cn/")
    assert "invalid port" in url_problem("http://x.gov.cn:99999/")

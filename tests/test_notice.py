"""The notice renderer, on marts built by hand in a temporary DuckDB file (seed: 甘办函〔2024〕67号)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from govinspect.notice import (
    NoticeDataError,
    NoticeParams,
    ProfileError,
    build_context,
    cn_number,
    cn_period,
    load_profile,
    publish,
    render_notice,
)
from govinspect.settings import paths

Q = "2024Q3"

# --- the seed notice, as data -------------------------------------------------------------------------------

SEED_SITES = [  # unit, site_name, problem, level
    ("得荣县", "得荣县人民政府", "要闻类栏目超14天未更新", "county"),
    ("炉霍县", "炉霍县人民政府", "要闻类栏目超14天未更新", "county"),
    ("色达县", "色达县人民政府", "要闻类栏目超14天未更新", "county"),
    ("白玉县", "白玉县人民政府", "动态类栏目超14天未更新", "county"),
    ("德格县", "德格县人民政府", "动态类栏目超14天未更新", "county"),
    ("甘孜县", "甘孜县人民政府", "动态类栏目超14天未更新", "county"),
    ("石渠县", "石渠县人民政府", "动态类栏目超14天未更新", "county"),
    ("雅江县", "雅江县人民政府", "动态类栏目超14天未更新", "county"),
    ("新龙县", "新龙县人民政府", "动态类栏目超14天未更新", "county"),
    ("州统计局", "甘孜州统计信息网", "要闻类栏目超14天未更新", "department"),
    ("州卫生健康委", "甘孜藏族自治州卫生健康委员会", "要闻类栏目超14天未更新", "department"),
]
STALE, CLOSED = "监测时间点三个月内有断更", "注销未报备"
SEED_ACCOUNTS = [  # account_id, unit, platform, account_name, problem
    ("a01", "甘孜藏族自治州文化广播电视和旅游局", "新浪微博", "微甘孜", STALE),
    ("a02", "甘孜藏族自治州市场监督管理局", "微信订阅号", "圣洁甘孜放心舒心", STALE),
    ("a03", "甘孜藏族自治州市场监督管理局", "今日头条", "甘孜州市场监督管理局", STALE),
    ("a04", "巴塘县应急管理局", "微信服务号", "巴塘县应急管理局", STALE),
    ("a05", "丹巴县甲居镇人民政府", "微信订阅号", "天下甲居", STALE),
    ("a06", "道孚县公安局", "微信订阅号", "道孚公安", STALE),
    ("a07", "道孚县公安局", "新浪微博", "道孚警方", STALE),
    ("a08", "得荣县发展和改革局", "微信订阅号", "得荣发改", STALE),
    ("a09", "新龙县文化广播电视和旅游局", "微信订阅号", "新龙文旅", STALE),
    ("a10", "雅江县文化广播电视和旅游局", "微信订阅号", "雅江文旅", STALE),
    ("a11", "甘孜藏族自治州广播电视台", "抖音短视频", "这就是甘孜", CLOSED),
    ("a03", "甘孜藏族自治州市场监督管理局", "今日头条", "甘孜州市场监督管理局", CLOSED),
    ("a13", "巴塘县司法局", "微信订阅号", "巴塘司法", CLOSED),
    ("a14", "白玉县公安局", "新浪微博", "甘孜白玉警方", CLOSED),
    ("a15", "白玉县热加乡人民政府", "微信订阅号", "热加宣传", CLOSED),
    ("a16", "道孚县公安局交通警察大队", "抖音短视频", "道孚交警", CLOSED),
    ("a17", "道孚县公安局", "抖音短视频", "道孚公安", CLOSED),
    ("a18", "甘孜州道孚生态环境局", "微信订阅号", "甘孜州道孚生态环境局", CLOSED),
    ("a19", "道孚县自然资源局", "微信订阅号", "道孚县不动产", CLOSED),
    ("a20", "道孚县木茹乡人民政府", "微信订阅号", "彩林木茹、生态还远", CLOSED),
    ("a21", "甘孜县发展和改革局", "微信订阅号", "甘孜县发展和改革局", CLOSED),
]
SEED_PROBLEMS = [  # notice_paragraph, phrase
    (1, "栏目更新不及时"), (1, "互动交流质量不高"), (1, "功能设计不完善"), (1, "重点政务信息转载不及时"),
    (2, "表述不规范或错别字"),
    (3, "政务新媒体注销报备不及时"), (3, "私自开设政务新媒体"),
    (4, "同类问题重复出现"),
]
CHECKED = {"prefecture": 1, "department": 19, "county": 18}


LEVEL_CN = {"prefecture": "州", "department": "部门", "county": "县"}


def seed_findings(quarter: str, sites, accounts) -> list[dict]:
    """fct_findings rows behind the annexes (one per annex row) plus one early warning not in the notice."""
    rows = []
    for i, (unit, name, problem, level) in enumerate(sites, 1):
        rows.append({"object_type": "column", "object_id": f"s{i:02d}-c1", "site_id": f"s{i:02d}",
                     "account_id": None, "unit": unit, "level": LEVEL_CN[level], "object_name": name,
                     "platform": None, "category": problem[:2], "problem": problem, "rule_id": "W3",
                     "indicator": "W3", "severity": "veto", "annex": 1, "notice_order": 10, "inventory_order": i,
                     "evidence": f"栏目“{problem[:2]}”最新信息日期2024-08-21，距监测时间点20天",
                     "evidence_url": f"http://s{i:02d}.example.gov.cn/col/", "evidence_date": date(2024, 8, 21)})
    for i, (acc, unit, platform, name, problem) in enumerate(accounts, 1):
        closed = problem == CLOSED
        rows.append({"object_type": "account", "object_id": acc, "site_id": None, "account_id": acc, "unit": unit,
                     "level": "县", "object_name": name, "platform": platform, "category": None,
                     "problem": problem, "rule_id": "M3" if closed else "M2", "indicator": "M3" if closed else "M2",
                     "severity": "veto", "annex": 2, "notice_order": 30 if closed else 21, "inventory_order": i,
                     "evidence": "平台返回账号已注销" if closed else "2024-05-01至2024-07-20无发文",
                     "evidence_url": None, "evidence_date": None if closed else date(2024, 5, 1)})
    if sites:
        rows.append({**rows[0], "object_id": "s01", "object_type": "site", "rule_id": "W9", "indicator": "W9",
                     "severity": "warning", "annex": None, "notice_order": 90, "problem": "网站联系电话138****0000",
                     "evidence": "页脚联系电话138****0000", "category": None})
    for r in rows:
        r["quarter"] = quarter
        r["finding_id"] = f"{quarter}|{r['rule_id']}|{r['object_id']}|{r['problem']}"
    return rows


def make_marts(db: Path, *, quarter: str = Q, sites=SEED_SITES, accounts=SEED_ACCOUNTS, problems=SEED_PROBLEMS,
               checked=CHECKED, accounts_checked: int = 145, summary_overrides: dict | None = None,
               findings: list[dict] | None = None) -> Path:
    """Create the four notice marts and fct_findings in ``db`` the way the dbt project defines them (summary
    derived here; findings by default one per annex row, see ``seed_findings``)."""
    flagged = {lv: sum(1 for s in sites if s[3] == lv) for lv in ("prefecture", "department", "county")}
    closed_ids = {a[0] for a in accounts if a[4] == CLOSED}
    flagged_ids = {a[0] for a in accounts if a[4] != CLOSED}
    summary = {
        "quarter": quarter, "websites_checked": sum(checked.values()),
        **{f"websites_checked_{k}": v for k, v in checked.items()},
        **{f"websites_flagged_{k}": v for k, v in flagged.items()},
        "accounts_checked": accounts_checked, "accounts_flagged": len(flagged_ids),
        "accounts_closed_unfiled": len(closed_ids),
    } | (summary_overrides or {})
    con = duckdb.connect(str(db))
    try:
        con.execute("""create table if not exists mart_notice_summary (quarter varchar, websites_checked int,
            websites_checked_prefecture int, websites_checked_department int, websites_checked_county int,
            websites_flagged_prefecture int, websites_flagged_department int, websites_flagged_county int,
            accounts_checked int, accounts_flagged int, accounts_closed_unfiled int)""")
        con.execute("""create table if not exists mart_annex_websites (quarter varchar, row_no int, site_id varchar,
            unit varchar, site_name varchar, problem varchar)""")
        con.execute("""create table if not exists mart_annex_accounts (quarter varchar, row_no int,
            account_id varchar, unit varchar, platform varchar, account_name varchar, problem varchar)""")
        con.execute("""create table if not exists mart_notice_problems (quarter varchar, notice_paragraph int,
            notice_phrase varchar, phrase_order int)""")
        cols = list(summary)
        con.execute(f"insert into mart_notice_summary ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                    [summary[c] for c in cols])
        for i, (unit, name, problem, _level) in enumerate(sites, 1):
            con.execute("insert into mart_annex_websites values (?, ?, ?, ?, ?, ?)",
                        [quarter, i, f"s{i:02d}", unit, name, problem])
        for i, (acc, unit, platform, name, problem) in enumerate(accounts, 1):
            con.execute("insert into mart_annex_accounts values (?, ?, ?, ?, ?, ?, ?)",
                        [quarter, i, acc, unit, platform, name, problem])
        for i, (para, phrase) in enumerate(problems, 1):
            con.execute("insert into mart_notice_problems values (?, ?, ?, ?)", [quarter, para, phrase, i])
        con.execute("""create table if not exists fct_findings (finding_id varchar, quarter varchar, run_id varchar,
            rules_profile varchar, rule_id varchar, indicator varchar, severity varchar, object_type varchar,
            object_id varchar, site_id varchar, column_id varchar, account_id varchar, unit varchar, level varchar,
            object_name varchar, platform varchar, category varchar, problem varchar, evidence varchar,
            evidence_url varchar, evidence_date date, annex int, notice_paragraph int, notice_phrase varchar,
            notice_order int, inventory_order int)""")
        for f in seed_findings(quarter, sites, accounts) if findings is None else findings:
            cols = list(f)
            con.execute(f"insert into fct_findings ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                        [f[c] for c in cols])
    finally:
        con.close()
    return db


def params(**overrides) -> NoticeParams:
    values = {"quarter": Q, "monitoring_date": date(2024, 9, 10), "notice_date": date(2024, 9, 14),
              "document_number": "甘办函〔2024〕67号"} | overrides
    return NoticeParams(**values)


@pytest.fixture
def seed_db(tmp_path) -> Path:
    return make_marts(tmp_path / "marts.duckdb")


def md_tables(md: str) -> dict[str, list[list[str]]]:
    """附件N -> rows of cells (header first) of the Markdown table under that heading; [] when none."""
    tables: dict[str, list[list[str]]] = {}
    current = None
    for line in md.splitlines():
        m = re.match(r"^#+\s*(附件\d)\s*$", line)
        if m:
            current = m[1]
            tables[current] = []
        elif current and line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r"-+", c) for c in cells):
                tables[current].append(cells)
    return tables


def section(md: str, heading: str) -> str:
    m = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert m, f"section {heading} missing"
    return m[1]


# --- tests --------------------------------------------------------------------------------------------------


def test_seed_notice_header_dates_and_deadline(seed_db, tmp_path):
    files = publish(seed_db, params(), tmp_path / "out")
    assert set(files) == {"md", "html", "docx", "xlsx"}
    assert [p.name for p in files.values()] == ["notice.md", "notice.html", "notice.docx", "findings.xlsx"]
    md = files["md"].read_text(encoding="utf-8")
    assert md.splitlines()[0] == "甘孜藏族自治州人民政府办公室"
    assert "# 关于2024年第三季度全州政府网站和政务新媒体检查情况的通报" in md
    assert "（甘办函〔2024〕67号）" in md
    assert "各县（市）人民政府，州政府各部门：" in md
    assert "开展了2024年第三季度检查，现将有关情况通报如下。" in md
    assert "2024年9月14日" in md
    assert "请于9月23日前将整改情况报送至州政府办公室。" in md
    assert not re.search(r"年0\d|月0\d", md), "dates must not be zero-padded"
    assert "检查查发现" not in md
    assert "附件：1.检查发现存在突出问题的政府网站" in md
    assert "2.检查发现存在突出问题的政务新媒体" in md
    # full-width punctuation in the body text: no ASCII parentheses, commas or colons outside the tables
    body = md.split("## 附件1")[0]
    assert not re.search(r"[(),:;]", body)
    for name in ("一、检查情况", "二、主要问题", "三、工作要求"):
        assert f"## {name}" in md
    assert "（一）压实责任。" in md and "（二）创新做法。" in md and "（三）及时整改。" in md


def test_seed_check_paragraphs_match_the_published_notice(seed_db):
    ctx = build_context(seed_db, Q, params(), load_profile())
    texts = [p.label + p.text for p in ctx.sections[0].paragraphs]
    # sentences of the published notice (ASCII punctuation of its text export made full-width)
    assert texts[0] == ("（一）政府网站检查情况。依据政府网站单项否决指标，对全州正在运行的1个州政府网站、"
                        "19个州政府部门网站、18个县级政府网站进行全覆盖检查，"
                        "发现存在突出问题的州政府部门网站2个、县级政府网站9个。")
    assert texts[1] == ("（二）政务新媒体检查情况。根据政府系统政务新媒体相关单项否决指标，"
                        "对全州系统内正常运行政务新媒体共145个进行了全覆盖检查，"
                        "发现存在突出问题的政务新媒体10个，注销但未报备新媒体11个。")
    problems = [p.label + p.text for p in ctx.sections[1].paragraphs]
    assert problems == [
        "（一）个别政府网站存在栏目更新不及时、互动交流质量不高、功能设计不完善、重点政务信息转载不及时等问题。",
        "（二）个别政府网站、政务新媒体落实信息发布审核制度不到位，信息发布审核把关不严，存在表述不规范或错别字等问题。",
        "（三）个别单位政务新媒体日常管理不到位，存在政务新媒体注销报备不及时、私自开设政务新媒体等问题。",
        "（四）个别单位整改反馈问题不力，同类问题仍然重复出现。",
    ]


def test_counts_in_text_equal_annex_rows(seed_db, tmp_path):
    md = publish(seed_db, params(), tmp_path)["md"].read_text(encoding="utf-8")
    tables = md_tables(md)
    checks = section(md, "一、检查情况")
    flagged_sites = sum(int(n) for n in re.findall(r"(?:州政府网站|州政府部门网站|县级政府网站)(\d+)个", checks))
    assert flagged_sites == len(tables["附件1"]) - 1 == len(SEED_SITES)
    checked = sum(int(n) for n in re.findall(r"(\d+)个(?:州政府网站|州政府部门网站|县级政府网站)", checks))
    assert checked == sum(CHECKED.values())
    flagged_accounts = int(re.search(r"存在突出问题的政务新媒体(\d+)个", checks)[1])
    closed = int(re.search(r"注销但未报备新媒体(\d+)个", checks)[1])
    annex2 = tables["附件2"][1:]
    assert closed == sum(1 for r in annex2 if r[4] == CLOSED)
    assert flagged_accounts == len({(r[1], r[2], r[3]) for r in annex2 if r[4] != CLOSED})


def test_annex_tables_have_exactly_the_seed_columns_and_rows(seed_db, tmp_path):
    md = publish(seed_db, params(), tmp_path)["md"].read_text(encoding="utf-8")
    tables = md_tables(md)
    assert tables["附件1"][0] == ["序号", "所属地区或单位", "网站名称", "存在问题"]
    assert tables["附件1"][1:] == [[str(i), u, f"“{n}”网站", p] for i, (u, n, p, _) in enumerate(SEED_SITES, 1)]
    assert tables["附件1"][1] == ["1", "得荣县", "“得荣县人民政府”网站", "要闻类栏目超14天未更新"]
    assert tables["附件2"][0] == ["序号", "单位", "平台", "账号名称", "存在问题"]
    assert tables["附件2"][1:] == [[str(i), u, pf, n, p] for i, (_, u, pf, n, p) in enumerate(SEED_ACCOUNTS, 1)]
    assert "### 检查发现存在突出问题的政务新媒体" in md


def test_problem_paragraphs_only_for_kinds_found(tmp_path):
    db = make_marts(tmp_path / "m.duckdb", problems=[(3, "私自开设政务新媒体"), (1, "错链死链"), (1, "错链死链")])
    ctx = build_context(db, Q, params(), load_profile())
    assert [p.label + p.text for p in ctx.sections[1].paragraphs] == [
        "（一）个别政府网站存在错链死链等问题。",
        "（二）个别单位政务新媒体日常管理不到位，存在私自开设政务新媒体等问题。",
    ]
    md = render_notice(ctx, tmp_path / "out")["md"].read_text(encoding="utf-8")
    problems = section(md, "二、主要问题")
    assert "审核" not in problems and "重复出现" not in problems and "（三）" not in problems


def test_nothing_flagged_reads_sensibly(tmp_path):
    db = make_marts(tmp_path / "m.duckdb", sites=[], accounts=[], problems=[],
                    checked={"prefecture": 1, "department": 0, "county": 18}, accounts_checked=20)
    md = publish(db, params(), tmp_path / "out")["md"].read_text(encoding="utf-8")
    checks = section(md, "一、检查情况")
    assert "对全州正在运行的1个州政府网站、18个县级政府网站进行全覆盖检查，未发现存在突出问题的政府网站。" in checks
    assert not re.search(r"(?<!\d)0个", checks) and "部门网站" not in checks
    assert "共20个进行了全覆盖检查，未发现存在突出问题的政务新媒体。" in checks
    assert "本季度检查未发现突出问题。" in section(md, "二、主要问题")
    assert md_tables(md) == {"附件1": [], "附件2": []}
    assert md.count("\n无。\n") == 2


def test_only_closed_unfiled_accounts(tmp_path):
    db = make_marts(tmp_path / "m.duckdb", accounts=[a for a in SEED_ACCOUNTS if a[4] == CLOSED])
    ctx = build_context(db, Q, params(), load_profile())
    text = ctx.sections[0].paragraphs[1].text
    assert text.endswith("进行了全覆盖检查，发现注销但未报备新媒体11个。")
    assert "突出问题" not in text


def test_hostile_names_are_escaped(tmp_path):
    sites = [("<b>州</b>", "<script>alert(1)</script>", "要闻类栏目超14天未更新", "county"),
             ("乡|镇", "甲|乙\n丙", "首页出现近14天未更新的情况", "county")]
    accounts = [("x1", "单位", "新浪微博", "a|b</td><td>c", STALE)]
    db = make_marts(tmp_path / "m.duckdb", sites=sites, accounts=accounts)
    files = publish(db, params(), tmp_path / "out")
    html = files["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<b>州</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a|b&lt;/td&gt;&lt;td&gt;c" in html

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.row, self.cell = [], None, None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.row = []
                self.tables[-1].append(self.row)
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.row.append(self.cell)
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    parser = Cells()
    parser.feed(html)
    assert [t[0] for t in parser.tables] == [["序号", "所属地区或单位", "网站名称", "存在问题"],
                                             ["序号", "单位", "平台", "账号名称", "存在问题"]]
    assert parser.tables[0][1] == ["1", "<b>州</b>", "“<script>alert(1)</script>”网站", "要闻类栏目超14天未更新"]
    assert parser.tables[1][1] == ["1", "单位", "新浪微博", "a|b</td><td>c", STALE]

    md = files["md"].read_text(encoding="utf-8")
    assert "<script>" not in md
    tables = md_tables(md)
    assert all(len(r) == 4 for r in tables["附件1"]) and len(tables["附件1"]) == 3
    assert all(len(r) == 5 for r in tables["附件2"]) and len(tables["附件2"]) == 2
    row = next(line for line in md.splitlines() if "甲" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 5 and "丙" in row  # newline folded into the same row


def test_missing_quarter_raises_and_writes_nothing(seed_db, tmp_path):
    out = tmp_path / "out" / "2024Q4"
    with pytest.raises(NoticeDataError, match="2024Q4"):
        publish(seed_db, params(quarter="2024Q4"), out)
    assert not out.exists()


def test_missing_database_or_mart_is_a_clear_error(tmp_path):
    with pytest.raises(NoticeDataError, match="does not exist"):
        build_context(tmp_path / "nope.duckdb", Q, params(), load_profile())
    db = tmp_path / "partial.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table mart_notice_summary (quarter varchar)")
    con.close()
    with pytest.raises(NoticeDataError, match="mart_notice_summary"):
        build_context(db, Q, params(), load_profile())


def test_failed_render_leaves_previous_files_untouched(seed_db, tmp_path):
    out = tmp_path / "out"
    first = publish(seed_db, params(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "templates"
    broken.mkdir()
    for f in paths().templates.iterdir():
        (broken / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "notice.html.j2").write_text("{{ title }}{{ no_such_value.attr }}", encoding="utf-8")
    ctx = build_context(seed_db, Q, params(notice_date=date(2024, 9, 20), document_number="甘办函〔2024〕70号"),
                        load_profile())
    with pytest.raises(Exception, match="no_such_value"):
        render_notice(ctx, out, template_dir=broken)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(before) == sorted(p.name for p in first.values())


def test_summary_that_contradicts_the_annex_is_refused(tmp_path):
    db = make_marts(tmp_path / "m.duckdb", summary_overrides={"websites_flagged_county": 8})
    with pytest.raises(NoticeDataError, match="附件1 has 11"):
        build_context(db, Q, params(), load_profile())


@pytest.mark.parametrize("number", ["甘办函〔2024〕067号", "甘办函(2024)67号", "甘办函〔24〕67号",
                                    "甘办函〔2024〕第67号", "甘办函〔2024〕67", "〔2024〕67号",
                                    "甘办函〔2023〕67号"])
def test_document_number_is_validated(number):
    with pytest.raises(ValueError, match="发文字号"):
        params(document_number=number)


@pytest.mark.parametrize("quarter", ["2024Q5", "2024-Q3", "24Q3", "2024q0"])
def test_quarter_is_validated(quarter):
    with pytest.raises(ValueError, match="quarter"):
        params(quarter=quarter)


def test_deadline_default_explicit_and_across_the_year(tmp_path):
    profile = load_profile()
    assert params().deadline(profile) == date(2024, 9, 23)
    db = make_marts(tmp_path / "m.duckdb")
    ctx = build_context(db, Q, params(rectification_deadline=date(2024, 10, 8)), profile)
    assert ctx.deadline_text == "10月8日" and "请于10月8日前" in ctx.sections[2].paragraphs[-1].text
    late = params(notice_date=date(2024, 12, 28), document_number="甘办函〔2024〕99号")
    ctx = build_context(db, Q, late, profile)
    assert ctx.deadline_text == "2025年1月6日" and ctx.notice_date_text == "2024年12月28日"
    with pytest.raises(ValueError, match="after notice_date"):
        params(rectification_deadline=date(2024, 9, 14))


def test_chinese_numerals():
    assert [cn_number(n) for n in (1, 4, 10, 11, 20, 23)] == ["一", "四", "十", "十一", "二十", "二十三"]
    assert cn_period("2025Q1") == "2025年第一季度"


def test_profile_placeholder_typo_is_reported(tmp_path):
    text = (paths().home / "include" / "notice_profile.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "profile.yaml"
    bad.write_text(text.replace("{period}{scope}", "{peroid}{scope}", 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="peroid"):
        load_profile(bad)

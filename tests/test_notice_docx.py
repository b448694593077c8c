"""notice.docx read back with python-docx: GB/T 9704-2012 letter layout, fonts, annex tables, page numbers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from test_notice import CLOSED, SEED_ACCOUNTS, SEED_SITES, STALE, make_marts, params

from govinspect.notice import ANNEX1_COLUMNS, ANNEX2_COLUMNS, build_context, load_profile, publish, render_docx

Q = "2024Q3"
W = qn("w:val")


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("docx")
    db = make_marts(tmp / "marts.duckdb")
    return db, publish(db, params(), tmp / "out")


@pytest.fixture(scope="module")
def doc(seed):
    return Document(seed[1]["docx"])


def east_asia(run) -> str | None:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def para(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_header_title_number_and_date(doc):
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "甘孜藏族自治州人民政府办公室"
    assert "关于2024年第三季度全州政府网站和政务新媒体检查情况的通报" in texts
    assert "甘办函〔2024〕67号" in texts
    assert texts.index("甘办函〔2024〕67号") < texts.index("关于2024年第三季度全州政府网站和政务新媒体检查情况的通报")
    assert "各县（市）人民政府，州政府各部门：" in texts
    assert "2024年9月14日" in texts
    assert not any(re.search(r"年0\d|月0\d", t) for t in texts), "dates must not be zero-padded"
    assert texts.index("2024年9月14日") == texts.index("甘孜藏族自治州人民政府办公室", 1) + 1
    assert any("请于9月23日前将整改情况报送至州政府办公室。" in t for t in texts)
    assert "附件：1.检查发现存在突出问题的政府网站" in texts
    assert "2.检查发现存在突出问题的政务新媒体" in texts
    for heading in ("一、检查情况", "二、主要问题", "三、工作要求"):
        assert heading in texts


def test_office_in_red_over_a_red_double_rule(doc):
    office = doc.paragraphs[0]
    assert all(str(r.font.color.rgb) == "FF0000" for r in office.runs)
    bottom = office._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(W) == "double" and bottom.get(qn("w:color")) == "FF0000"
    # 170 mm: the text block (156 mm) plus 7 mm either side
    assert abs(-office.paragraph_format.left_indent.mm - 7) < 0.5
    assert abs(-office.paragraph_format.right_indent.mm - 7) < 0.5


def test_page_setup_a4_margins_and_line_grid(doc):
    s = doc.sections[0]
    for got, want in ((s.page_width, 210), (s.page_height, 297), (s.top_margin, 37), (s.bottom_margin, 35),
                      (s.left_margin, 28), (s.right_margin, 26)):
        assert abs(got.mm - want) < 0.5, (got.mm, want)
    assert abs((s.page_width - s.left_margin - s.right_margin) - Mm(156)) < Mm(0.5)
    assert abs((s.page_height - s.top_margin - s.bottom_margin) - Mm(225)) < Mm(0.5)
    normal = doc.styles["Normal"].paragraph_format
    assert abs(normal.line_spacing.pt - 28.95) < 0.05  # 22 lines in 225 mm
    assert int(225 / 25.4 * 72 // normal.line_spacing.pt) == 22


def test_fonts_by_element(doc):
    title = para(doc, "关于2024年第三季度全州政府网站和政务新媒体检查情况的通报")
    assert title.alignment == 1  # centred
    assert {east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size.pt for r in title.runs} == {22}
    assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    body = next(p for p in doc.paragraphs if p.text.startswith("为进一步提升"))
    assert {east_asia(r) for r in body.runs} == {"仿宋_GB2312"} and {r.font.size.pt for r in body.runs} == {16}
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    heading = para(doc, "一、检查情况")
    assert {east_asia(r) for r in heading.runs} == {"黑体"}
    labelled = next(p for p in doc.paragraphs if p.text.startswith("（一）政府网站检查情况。"))
    assert east_asia(labelled.runs[0]) == "楷体_GB2312" and labelled.runs[0].text == "（一）政府网站检查情况。"
    assert east_asia(labelled.runs[1]) == "仿宋_GB2312"
    assert not any(r.font.bold for p in doc.paragraphs for r in p.runs)


def test_annex_lines_are_aligned(doc):
    first, second = para(doc, "附件：1.检查发现存在突出问题的政府网站"), para(doc, "2.检查发现存在突出问题的政务新媒体")
    # "1." and "2." start at the same place: 2 characters + 附件：
    f, s = first.paragraph_format, second.paragraph_format
    assert f.left_indent == s.left_indent == Mm(0) + 80 * 12700  # 5 × 16 pt
    assert f.first_line_indent.pt == -48 and s.first_line_indent is None
    assert not re.search(r"[。，；、]$", first.text + second.text)


def test_each_annex_on_a_new_page_with_its_table(seed, doc):
    paragraphs = doc.paragraphs
    for n, title in ((1, "检查发现存在突出问题的政府网站"), (2, "检查发现存在突出问题的政务新媒体")):
        opener = para(doc, f"附件{n}")
        brk = opener._p.find(f".//{qn('w:br')}")
        assert brk is not None and brk.get(qn("w:type")) == "page"
        assert east_asia(opener.runs[-1]) == "黑体" and opener.runs[-1].font.size.pt == 16
        assert opener.alignment is None or opener.alignment == 0  # top left
        i = [p._p for p in paragraphs].index(opener._p)
        assert paragraphs[i + 1].text == "" and paragraphs[i + 2].text == title  # title on line 3
        assert paragraphs[i + 2].alignment == 1
    t1, t2 = doc.tables
    assert cells(t1)[0] == list(ANNEX1_COLUMNS) == ["序号", "所属地区或单位", "网站名称", "存在问题"]
    assert cells(t2)[0] == list(ANNEX2_COLUMNS) == ["序号", "单位", "平台", "账号名称", "存在问题"]
    ctx = build_context(seed[0], Q, params(), load_profile())
    assert cells(t1)[1:] == [list(r) for r in ctx.annexes[0].rows]
    assert cells(t2)[1:] == [list(r) for r in ctx.annexes[1].rows]
    assert cells(t1)[1:] == [[str(i), u, f"“{n}”网站", p] for i, (u, n, p, _) in enumerate(SEED_SITES, 1)]
    assert cells(t2)[1:] == [[str(i), u, pf, n, p] for i, (_, u, pf, n, p) in enumerate(SEED_ACCOUNTS, 1)]
    for t in (t1, t2):
        header = t.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(W) in (None, "true", "1")
        assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in t.rows[1:])
    # the tables come after their annex page breaks, in order
    body = list(doc.element.body)
    opener2 = para(doc, "附件2")._p
    assert body.index(para(doc, "附件1")._p) < body.index(t1._tbl) < body.index(opener2) < body.index(t2._tbl)


def test_page_numbers_in_footer_not_on_first_page(doc):
    s = doc.sections[0]
    assert s.different_first_page_header_footer
    assert s.first_page_footer.is_linked_to_previous is False
    assert "".join(p.text for p in s.first_page_footer.paragraphs).strip() == ""
    assert not s.first_page_footer._element.findall(f".//{qn('w:fldChar')}")
    for footer, align in ((s.footer, 2), (s.even_page_footer, 0)):  # odd pages right, even pages left
        p = footer.paragraphs[0]
        instr = "".join(el.text for el in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        kinds = [el.get(qn("w:fldCharType")) for el in p._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert p.text == "— 1 —" and p.alignment == align
        assert {east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size.pt for r in p.runs} == {14}


def test_hostile_names_are_plain_text(tmp_path):
    sites = [("<b>州</b>", "<script>alert(1)</script>", "要闻类栏目超14天未更新", "county"),
             ("乡|镇", "甲|乙\n丙\x07", "首页出现近14天未更新的情况", "county")]
    accounts = [("x1", "单位", "新浪微博", "a|b</td><td>c", STALE), ("x2", "=1+1", "抖音", "@x\r\ny", CLOSED)]
    db = make_marts(tmp_path / "m.duckdb", sites=sites, accounts=accounts)
    doc = Document(publish(db, params(), tmp_path / "out")["docx"])
    t1, t2 = doc.tables
    assert cells(t1)[1:] == [["1", "<b>州</b>", "“<script>alert(1)</script>”网站", "要闻类栏目超14天未更新"],
                             ["2", "乡|镇", "“甲|乙 丙”网站", "首页出现近14天未更新的情况"]]
    assert cells(t2)[1:] == [["1", "单位", "新浪微博", "a|b</td><td>c", STALE], ["2", "=1+1", "抖音", "@x y", CLOSED]]
    assert not doc.element.body.findall(f".//{qn('w:tbl')}//{qn('w:br')}")


def test_empty_annexes_say_none(tmp_path):
    db = make_marts(tmp_path / "m.duckdb", sites=[], accounts=[], problems=[],
                    checked={"prefecture": 1, "department": 0, "county": 18}, accounts_checked=20)
    ctx = build_context(db, Q, params(), load_profile())
    doc = Document(io.BytesIO(render_docx(ctx)))
    assert len(doc.tables) == 0
    texts = [p.text for p in doc.paragraphs]
    assert texts.count("无。") == 2 and "附件1" in texts and "附件2" in texts


def test_draft_without_document_number(tmp_path):
    db = make_marts(tmp_path / "m.duckdb")
    ctx = build_context(db, Q, params(document_number=None), load_profile())
    texts = [p.text for p in Document(io.BytesIO(render_docx(ctx))).paragraphs]
    assert texts[1] == ctx.document_number == "发文字号待定"


def test_publish_is_all_or_nothing(tmp_path, monkeypatch):
    import govinspect.notice.render as render

    db = make_marts(tmp_path / "m.duckdb")
    out = tmp_path / "out"
    publish(db, params(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["findings.xlsx", "notice.docx", "notice.html", "notice.md"]

    def broken_workbook(*_a, **_k):
        raise RuntimeError("workbook failed")

    monkeypatch.setattr(render, "render_workbook", broken_workbook)
    with pytest.raises(RuntimeError, match="workbook failed"):
        publish(db, params(notice_date=params().notice_date.replace(day=20)), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()

    staged, real_stage = [], render._stage

    def failing_stage(target, data):
        if len(staged) == 2:
            raise OSError("disk full")
        staged.append(real_stage(target, data))
        return staged[-1]

    monkeypatch.setattr(render, "_stage", failing_stage)
    with pytest.raises(OSError, match="disk full"):
        publish(db, params(notice_date=params().notice_date.replace(day=20)), out)
    assert staged and not any(p.exists() for p in staged)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary files, old files intact


def test_annex_tables_fill_the_text_block_with_narrow_cell_margins(doc):
    for t in doc.tables:
        grid = [int(c.get(qn("w:w"))) for c in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - Mm(156).twips) <= 5 * len(grid)  # twips, rounding per column
        margins = t._tbl.tblPr.find(qn("w:tblCellMar"))
        assert margins is not None
        assert {int(m.get(qn("w:w"))) for m in margins} == {Mm(1).twips}
        # schema order: tblCellMar before tblLook (Word rejects the file otherwise)
        tags = [c.tag for c in t._tbl.tblPr]
        assert tags.index(qn("w:tblCellMar")) < tags.index(qn("w:tblLook"))

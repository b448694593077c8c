"""The notice as a Word document (``notice.docx``), laid out as a GB/T 9704-2012 letter (函).

Built from the :class:`NoticeContext` alone, in memory (:func:`render_docx` returns the bytes); the caller
writes the file. Layout, as ``notice-format.md`` prescribes it:

* A4, margins top 37 mm / bottom 35 mm / left (binding) 28 mm / right 26 mm: a 156 × 225 mm text block;
  fixed line spacing of 28.95 pt and a line grid, so a page holds 22 lines.
* Issuing office in red at the top, over a red double rule 170 mm long; the 发文字号 flush right under it.
* Title 2号 (22 pt) 方正小标宋简体 centred; body 3号 (16 pt) 仿宋_GB2312 indented two characters;
  一、 headings 黑体; （一） labels 楷体_GB2312.
* 附件说明 under the body (附件：1. … / 2. … aligned), signature and date (no zero padding).
* Each annex on a new page: 附件N in 黑体 top left, its title centred on line 3, a Word table whose header
  row repeats on every page.
* Page numbers — N — in 4号 宋体 (a PAGE field): odd pages right, even pages left, one character in from the
  text block edge; none on the first page.

Values from crawled pages are written as plain text: line breaks folded to a space and characters XML cannot
carry dropped (no markup is ever interpreted).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from govinspect.notice.context import Annex, NoticeContext

# Fonts by element, as Word installations in government offices name them.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_LABEL = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_TITLE = Pt(22)  # 2号
SIZE_BODY = Pt(16)  # 3号
SIZE_PAGE_NUMBER = Pt(14)  # 4号
SIZE_TABLE = Pt(14)  # 4号 in the annex tables
SIZE_OFFICE = Pt(26)  # 发文机关标志 of a letter: red, smaller than a 文件 header

LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines (the usual 28.95 pt of GB/T 9704 templates)
LINE_PITCH_TWIPS = 579
CHAR = 16  # pt, one character of body text
RED = RGBColor(0xFF, 0x00, 0x00)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM = 156
RULE_OVERHANG = Mm(7)  # the red rule is 170 mm: 7 mm beyond the text block on either side

# Column widths (mm) of the annex tables; each adds up to the text block width.
# With 1 mm cell margins a 4号 (14 pt ≈ 4.94 mm) character needs ~5 mm: 序号, 所属地区或单位, “××县人民政府”网站,
# 微信订阅号 each fit on one line.
CELL_MARGIN = Mm(1)
COLUMN_WIDTHS_MM: dict[int, tuple[int, ...]] = {
    4: (12, 37, 57, 50),  # 序号 | 所属地区或单位 | 网站名称 | 存在问题
    5: (12, 44, 28, 32, 40),  # 序号 | 单位 | 平台 | 账号名称 | 存在问题
}

# Characters XML 1.0 cannot carry (python-docx would refuse them) and line breaks, folded like md_escape.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*|[\t\f\v]+")


def plain(value: object) -> str:
    """One line of plain text, safe for WordprocessingML."""
    text = "" if value is None else str(value)
    return _XML_ILLEGAL.sub("", _WS.sub(" ", text)).strip()


# --- low-level helpers -----------------------------------------------------------------------------------------


def _set_fonts(rpr_owner, east_asia: str, latin: str = FONT_LATIN) -> None:
    """Set the run/style fonts, the East Asian one through ``w:eastAsia`` (python-docx only sets ascii/hAnsi)."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(qn(attr), name)
    # a theme font would override the explicit names
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _run(paragraph: DocxParagraph, text: str, *, font: str = FONT_BODY, size=SIZE_BODY, color: RGBColor | None = None,
         latin: str = FONT_LATIN, raw: bool = False):
    run = paragraph.add_run(text if raw else plain(text))
    run.font.size = size
    run.font.bold = False
    if color is not None:
        run.font.color.rgb = color
    _set_fonts(run._r, font, latin)
    return run


def _indent_chars(paragraph: DocxParagraph, *, first_line: int = 0, left: int = 0, hanging: int = 0) -> None:
    """Indents in characters (w:firstLineChars etc., as Word's own 首行缩进 2 字符) with point fallbacks."""
    pf = paragraph.paragraph_format
    if left:
        pf.left_indent = Pt(left * CHAR)
    if first_line:
        pf.first_line_indent = Pt(first_line * CHAR)
    if hanging:
        pf.first_line_indent = Pt(-hanging * CHAR)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is None:
        return
    if left:
        ind.set(qn("w:leftChars"), str(left * 100))
    if first_line:
        ind.set(qn("w:firstLineChars"), str(first_line * 100))
    if hanging:
        ind.set(qn("w:hangingChars"), str(hanging * 100))


def _exact_spacing(paragraph: DocxParagraph, pitch=LINE_PITCH) -> None:
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = pitch
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def _border(ppr, side: str, *, val: str = "double", size_eighths: int = 12, color: str = "FF0000", space: int = 1):
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        # w:pBdr comes before w:spacing / w:ind / w:jc in CT_PPr's sequence
        anchor = next((ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
                       if ppr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(bdr)
        else:
            ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field: begin / instrText / separate / result / end."""
    def fld(kind: str):
        r = _run(paragraph, "", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)

    fld("begin")
    instr = _run(paragraph, "", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " PAGE "
    instr._r.append(it)
    fld("separate")
    _run(paragraph, "1", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    fld("end")


def _page_number_footer(footer, *, odd: bool) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    # 单页码居右空一字，双页码居左空一字 (one 4号 character)
    if odd:
        pf.right_indent = SIZE_PAGE_NUMBER
    else:
        pf.left_indent = SIZE_PAGE_NUMBER
    _run(p, "— ", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, latin=FONT_PAGE_NUMBER, raw=True)
    _page_field(p)
    _run(p, " —", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, latin=FONT_PAGE_NUMBER, raw=True)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _cell_margins(table: Table, side: Mm) -> None:
    """Left/right cell margins of the whole table (Word's default 1.9 mm wraps short names in narrow columns)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(side.twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    # schema order: … tblLayout, tblCellMar, tblLook, tblCaption, tblDescription
    later = next((c for c in tbl_pr if c.tag in {qn("w:tblLook"), qn("w:tblCaption"), qn("w:tblDescription")}), None)
    if later is not None:
        later.addprevious(mar)
    else:
        tbl_pr.append(mar)


def _cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


# --- the document --------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, context: NoticeContext):
        self.ctx = context
        self.doc = Document()
        self._setup()

    def _setup(self) -> None:
        doc = self.doc
        props = doc.core_properties
        props.title = plain(self.ctx.title)
        props.author = plain(self.ctx.issuing_office)
        props.subject = plain(self.ctx.document_number)
        props.comments = ""
        props.keywords = ""
        props.last_modified_by = plain(self.ctx.issuing_office)

        normal = doc.styles["Normal"]
        normal.font.size = SIZE_BODY
        _set_fonts(normal.element, FONT_BODY)
        npf = normal.paragraph_format
        npf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        npf.line_spacing = LINE_PITCH
        npf.space_before = npf.space_after = Pt(0)

        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(23)  # the page number sits about 7 mm under the text block
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

        # page numbers: none on the first page; odd pages right, even pages left
        section.different_first_page_header_footer = True
        doc.settings.odd_and_even_pages_header_footer = True
        section.first_page_footer.is_linked_to_previous = False
        section.first_page_header.is_linked_to_previous = False
        _page_number_footer(section.footer, odd=True)
        _page_number_footer(section.even_page_footer, odd=False)

    # paragraphs

    def para(self, text: str = "", *, font: str = FONT_BODY, size=SIZE_BODY, align=None,
             first_line: int = 0) -> DocxParagraph:
        p = self.doc.add_paragraph()
        _exact_spacing(p)
        if align is not None:
            p.alignment = align
        if first_line:
            _indent_chars(p, first_line=first_line)
        if text:
            _run(p, text, font=font, size=size)
        return p

    def blank(self) -> DocxParagraph:
        return self.para()


    # parts

    def head(self) -> None:
        ctx = self.ctx
        office = self.doc.add_paragraph()
        office.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf = office.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.space_before = Pt(0)
        pf.space_after = Pt(10)
        pf.left_indent = pf.right_indent = -RULE_OVERHANG  # the rule under it is 170 mm long
        _run(office, ctx.issuing_office, font=FONT_TITLE, size=SIZE_OFFICE, color=RED)
        _border(office._p.get_or_add_pPr(), "bottom", val="double", size_eighths=12, color="FF0000", space=4)

        number = self.para(ctx.document_number, align=WD_ALIGN_PARAGRAPH.RIGHT)
        number.paragraph_format.space_before = Pt(6)
        self.blank()
        self.para(ctx.title, font=FONT_TITLE, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.blank()
        self.para(ctx.addressees)
        self.para(ctx.preamble, first_line=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def sections(self) -> None:
        for section in self.ctx.sections:
            self.para(section.heading, font=FONT_HEADING, first_line=2)
            for item in section.paragraphs:
                p = self.para(first_line=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
                if item.label:
                    _run(p, item.label, font=FONT_LABEL)
                _run(p, item.text)

    def annex_lines(self) -> None:
        annexes = self.ctx.annexes
        if not annexes:
            return
        self.blank()
        lead = "附件："
        for i, annex in enumerate(annexes):
            p = self.para(align=WD_ALIGN_PARAGRAPH.LEFT)
            # names aligned under the first one: 2 characters of indent + 附件：, wrapped lines likewise
            if i == 0:
                _indent_chars(p, left=2 + len(lead), hanging=len(lead))
                _run(p, lead)
            else:
                _indent_chars(p, left=2 + len(lead))
            _run(p, f"{annex.number}.{plain(annex.title)}")

    def signature(self) -> None:
        # 不加盖印章: one blank line under the 附件说明, signature two characters from the right, the date on the
        # next line starting two characters right of the signature's first character
        ctx = self.ctx
        self.blank()
        line = TEXT_WIDTH_MM / 25.4 * 72 / CHAR  # characters per line (27.6)
        sig_len = len(plain(ctx.signatory))
        start = max(0.0, line - 2 - sig_len)
        sig = self.para(ctx.signatory)
        sig.paragraph_format.left_indent = Pt(start * CHAR)
        date_p = self.para(ctx.notice_date_text)
        date_p.paragraph_format.left_indent = Pt(min(start + 2, max(0.0, line - 9)) * CHAR)

    def annex(self, annex: Annex) -> None:
        # a page break opening the 附件N line itself, so that line is line 1 of the new page
        p = self.para()
        p.add_run().add_break(WD_BREAK.PAGE)
        _run(p, f"附件{annex.number}", font=FONT_HEADING)
        self.blank()
        self.para(annex.title, font=FONT_TITLE, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.blank()
        if not annex.rows:
            self.para("无。", first_line=2)
            return
        self.table(annex.columns, annex.rows)

    def table(self, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> Table:
        rows = list(rows)
        table = self.doc.add_table(rows=1 + len(rows), cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table, CELL_MARGIN)
        widths = COLUMN_WIDTHS_MM.get(len(columns)) or (TEXT_WIDTH_MM // len(columns),) * len(columns)
        for col, width in zip(table.columns, widths, strict=True):
            col.width = Mm(width)
        _repeat_header(table.rows[0])
        for r, values in enumerate([columns, *rows]):
            row = table.rows[r]
            if r:
                _cant_split(row)
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Mm(widths[c])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                pf = p.paragraph_format
                pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
                pf.space_before = pf.space_after = Pt(2)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if (r == 0 or c == 0) else WD_ALIGN_PARAGRAPH.LEFT
                _run(p, value, font=FONT_HEADING if r == 0 else FONT_BODY, size=SIZE_TABLE)
        return table

    def build(self) -> bytes:
        self.head()
        self.sections()
        self.annex_lines()
        self.signature()
        for annex in self.ctx.annexes:
            self.annex(annex)
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def render_docx(context: NoticeContext) -> bytes:
    """The notice as DOCX bytes (nothing is written)."""
    return _Writer(context).build()

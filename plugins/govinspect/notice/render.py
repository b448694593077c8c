"""Render the notice context to files: ``notice.md``, ``notice.html``, ``notice.docx`` (GB/T 9704 letter) and,
from ``fct_findings``, ``findings.xlsx``.

Every output is rendered in memory first; only when all of them rendered are they written: each to a
temporary name in the target folder (flushed to disk), and only when all temporary files are complete are
they renamed into place, so a failure never leaves a half-written notice.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from govinspect.notice.context import NoticeContext, build_context
from govinspect.notice.docx import render_docx
from govinspect.notice.model import NoticeParams, NoticeProfile
from govinspect.notice.workbook import read_findings, render_workbook
from govinspect.settings import paths

log = logging.getLogger(__name__)

# output format -> (template name, file name); autoescaping follows the template name (*.html.j2).
TEMPLATES: dict[str, tuple[str, str]] = {
    "md": ("notice.md.j2", "notice.md"),
    "html": ("notice.html.j2", "notice.html"),
}
# binary outputs: format -> file name
DOCX_NAME = "notice.docx"
XLSX_NAME = "findings.xlsx"

_MD_SPECIAL = re.compile(r"([\\|<>*_`\[\]])")
_WS = re.compile(r"\s*[\r\n]+\s*|[\t\f\v]+")


def md_escape(value: object) -> str:
    """Make a value safe as Markdown text or a table cell: one line, no table breaks, no raw HTML, no markup."""
    if isinstance(value, Markup):
        return str(value)
    text = _WS.sub(" ", "" if value is None else str(value)).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir or paths().templates)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "html.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def render_strings(context: NoticeContext, template_dir: Path | None = None,
                   formats: tuple[str, ...] = tuple(TEMPLATES)) -> dict[str, str]:
    """Render every format in memory; raises before anything is written."""
    env = environment(template_dir)
    values = context.as_dict()
    return {fmt: env.get_template(TEMPLATES[fmt][0]).render(**values) for fmt in formats}


def _stage(target: Path, data: str | bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target`` and flush it to disk; return the temporary path."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, str):
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(target: Path, data: str | bytes) -> Path:
    _stage(target, data).replace(target)
    return target


def write_all_atomic(files: dict[Path, str | bytes]) -> None:
    """Stage every file, then rename them all into place; a failure while staging removes every staged file."""
    staged: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            staged[target] = _stage(target, data)
        for target, tmp in staged.items():
            tmp.replace(target)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise


def render_all(context: NoticeContext, *, template_dir: Path | None = None,
               findings: list[dict] | None = None) -> dict[str, tuple[str, str | bytes]]:
    """Every output in memory: format -> (file name, content). ``findings`` (rows of ``fct_findings``) adds the
    workbook; without it only the notice itself is rendered."""
    texts = render_strings(context, template_dir)
    out: dict[str, tuple[str, str | bytes]] = {fmt: (TEMPLATES[fmt][1], text) for fmt, text in texts.items()}
    out["docx"] = (DOCX_NAME, render_docx(context))
    if findings is not None:
        out["xlsx"] = (XLSX_NAME, render_workbook(context, findings))
    return out


def render_notice(context: NoticeContext, out_dir: Path | str, *, template_dir: Path | None = None,
                  findings: list[dict] | None = None) -> dict[str, Path]:
    """Write ``notice.md``, ``notice.html``, ``notice.docx`` (and ``findings.xlsx`` when ``findings`` are given)
    into ``out_dir``; returns ``{"md": path, "html": path, "docx": path[, "xlsx": path]}``."""
    rendered = render_all(context, template_dir=template_dir, findings=findings)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {fmt: out / name for fmt, (name, _) in rendered.items()}
    write_all_atomic({written[fmt]: data for fmt, (_, data) in rendered.items()})
    for fmt, path in written.items():
        log.info("notice %s for %s written: %s", fmt, context.quarter, path)
    return written


def publish(duckdb_path: Path | str | None, params: NoticeParams, out_dir: Path | str | None = None, *,
            profile: NoticeProfile | None = None) -> dict[str, Path]:
    """Build the context from the marts and write the notice (md, html, docx) and the findings workbook to
    ``out_dir`` (default ``output/<quarter>``)."""
    db = duckdb_path or paths().duckdb
    context = build_context(db, params.quarter, params, profile)
    findings = read_findings(db, params.quarter)
    return render_notice(context, out_dir or paths().quarter_output(params.quarter), findings=findings)

"""Render the notice context to files (Markdown and HTML for now; DOCX/XLSX writers plug in beside them).

Every output is rendered in memory first; only when all of them rendered are they written, each to a
temporary name in the target folder and then renamed, so a failure never leaves a half-written notice.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from govinspect.notice.context import NoticeContext, build_context
from govinspect.notice.model import NoticeParams, NoticeProfile
from govinspect.settings import paths

log = logging.getLogger(__name__)

# output format -> (template name, file name); autoescaping follows the template name (*.html.j2).
TEMPLATES: dict[str, tuple[str, str]] = {
    "md": ("notice.md.j2", "notice.md"),
    "html": ("notice.html.j2", "notice.html"),
}

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


def write_atomic(target: Path, text: str) -> Path:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def render_notice(context: NoticeContext, out_dir: Path | str, *,
                  template_dir: Path | None = None) -> dict[str, Path]:
    """Write ``notice.md`` and ``notice.html`` into ``out_dir``; returns ``{"md": path, "html": path}``."""
    texts = render_strings(context, template_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {fmt: write_atomic(out / TEMPLATES[fmt][1], text) for fmt, text in texts.items()}
    for fmt, path in written.items():
        log.info("notice %s for %s written: %s", fmt, context.quarter, path)
    return written


def publish(duckdb_path: Path | str | None, params: NoticeParams, out_dir: Path | str | None = None, *,
            profile: NoticeProfile | None = None) -> dict[str, Path]:
    """Build the context from the marts and write the notice to ``out_dir`` (default ``output/<quarter>``)."""
    context = build_context(duckdb_path or paths().duckdb, params.quarter, params, profile)
    return render_notice(context, out_dir or paths().quarter_output(params.quarter))

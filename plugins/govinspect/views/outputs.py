"""What a quarterly run left in the output folder, and the only paths the views may serve from it.

The folder is ``$GOVINSPECT_OUTPUT_DIR/<quarter>/`` (see :mod:`govinspect.settings`). A quarter name must match
``^\\d{4}Q[1-4]$``; files are served only from a fixed list (:data:`ARTIFACTS`) or from inside one of the two
documentation folders (:data:`DOCS_SITES`), after resolving symbolic links. Everything else is "not found":
nothing here ever touches a path outside the output folder. No FastAPI in this module: the app (``app.py``)
turns :class:`OutputNotFound` into a 404 page.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

QUARTER_PATTERN = re.compile(r"^\d{4}Q[1-4]$")
BEIJING = ZoneInfo("Asia/Shanghai")
_QUARTER_NAMES = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Artifact:
    """One file a run writes into the quarter folder."""

    name: str
    label: str
    media_type: str
    download: bool  # served as an attachment (Content-Disposition) rather than shown in the browser


ARTIFACTS: tuple[Artifact, ...] = (
    Artifact("notice.html", "通报（网页版）", "text/html; charset=utf-8", download=False),
    Artifact("notice.docx", "通报（Word 文档，供修改签发）", DOCX_TYPE, download=True),
    Artifact("findings.xlsx", "问题清单及证据（Excel）", XLSX_TYPE, download=True),
    Artifact("notice.md", "通报（Markdown 文本）", "text/markdown; charset=utf-8", download=False),
)
ARTIFACTS_BY_NAME = {a.name: a for a in ARTIFACTS}


@dataclass(frozen=True)
class DocsSite:
    """A static documentation site kept with the run: a folder with an ``index.html`` and its assets."""

    folder: str
    label: str
    description: str


DOCS_SITES: tuple[DocsSite, ...] = (
    DocsSite("dbt-docs", "指标模型文档（dbt docs）", "各项指标由哪些数据、按什么口径计算"),
    DocsSite("data-docs", "数据质量校验报告（GX Data Docs）", "采集数据和计算结果通过了哪些校验"),
)
DOCS_BY_FOLDER = {d.folder: d for d in DOCS_SITES}


class OutputNotFound(Exception):
    """A quarter, file or documentation page that is not there (or not allowed): the message is for the official."""

    def __init__(self, message: str, *, quarter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.quarter = quarter


@dataclass(frozen=True)
class FileState:
    name: str
    label: str
    present: bool
    download: bool
    size: int | None = None
    modified: datetime | None = None

    @property
    def size_text(self) -> str:
        if self.size is None:
            return ""
        if self.size < 1024:
            return f"{self.size} B"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"

    @property
    def modified_text(self) -> str:
        return self.modified.strftime("%Y-%m-%d %H:%M") if self.modified else ""


@dataclass(frozen=True)
class DocsState:
    folder: str
    label: str
    description: str
    present: bool
    modified: datetime | None = None

    @property
    def modified_text(self) -> str:
        return self.modified.strftime("%Y-%m-%d %H:%M") if self.modified else ""


@dataclass(frozen=True)
class QuarterOutputs:
    quarter: str
    title: str | None  # the notice's title, read from notice.html
    files: tuple[FileState, ...]
    docs: tuple[DocsState, ...]

    @property
    def display_name(self) -> str:
        return quarter_display_name(self.quarter)

    @property
    def present_count(self) -> int:
        return sum(f.present for f in self.files) + sum(d.present for d in self.docs)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.files if not f.present) + tuple(d.label for d in self.docs if not d.present)

    def file(self, name: str) -> FileState:
        return next(f for f in self.files if f.name == name)


def quarter_display_name(quarter: str) -> str:
    """``2024Q3`` -> ``2024年第三季度``."""
    return f"{quarter[:4]}年{_QUARTER_NAMES[quarter[5]]}" if QUARTER_PATTERN.match(quarter) else quarter


def check_quarter(quarter: str) -> str:
    if not QUARTER_PATTERN.match(quarter):
        raise OutputNotFound(f"“{quarter}”不是有效的季度名称（应为 2024Q3 这样的形式）。")
    return quarter


def list_quarters(output: Path) -> list[str]:
    """Quarter folders found under ``output``, newest first; anything else in the folder is ignored."""
    if not output.is_dir():
        return []
    return sorted((p.name for p in output.iterdir() if p.is_dir() and QUARTER_PATTERN.match(p.name)), reverse=True)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=BEIJING)


def _notice_title(path: Path) -> str | None:
    try:
        head = path.read_bytes()[:8192].decode("utf-8", errors="replace")
    except OSError:
        return None
    match = _TITLE.search(head)
    title = html.unescape(match.group(1)).strip() if match else ""
    return " ".join(title.split()) or None


def quarter_outputs(output: Path, quarter: str) -> QuarterOutputs:
    """What exists for ``quarter``; raises :class:`OutputNotFound` when the quarter folder itself is absent."""
    folder = output / check_quarter(quarter)
    if not folder.is_dir():
        raise OutputNotFound(f"{quarter_display_name(quarter)}（{quarter}）还没有检查结果。", quarter=quarter)
    files = []
    for artifact in ARTIFACTS:
        path = folder / artifact.name
        if path.is_file():
            files.append(FileState(artifact.name, artifact.label, True, artifact.download,
                                   path.stat().st_size, _modified(path)))
        else:
            files.append(FileState(artifact.name, artifact.label, False, artifact.download))
    docs = []
    for site in DOCS_SITES:
        index = folder / site.folder / "index.html"
        present = index.is_file()
        docs.append(DocsState(site.folder, site.label, site.description, present,
                              _modified(index) if present else None))
    title = _notice_title(folder / "notice.html") if files[0].present else None
    return QuarterOutputs(quarter, title, tuple(files), tuple(docs))


def artifact_path(output: Path, quarter: str, name: str) -> tuple[Artifact, Path]:
    """The file ``name`` of ``quarter`` if it is one of :data:`ARTIFACTS` and exists."""
    check_quarter(quarter)
    artifact = ARTIFACTS_BY_NAME.get(name)
    if artifact is None:
        raise OutputNotFound(f"没有名为“{name}”的结果文件。", quarter=quarter)
    path = output / quarter / artifact.name
    if not path.is_file():
        raise OutputNotFound(f"{quarter_display_name(quarter)}的{artifact.label}尚未生成。", quarter=quarter)
    return artifact, path


def docs_path(output: Path, quarter: str, folder: str, relative: str) -> Path:
    """A file inside ``<output>/<quarter>/<folder>/`` (``index.html`` for an empty or folder path).

    The path is resolved (``..``, symbolic links) and must stay inside the documentation folder.
    """
    check_quarter(quarter)
    site = DOCS_BY_FOLDER.get(folder)
    if site is None:
        raise OutputNotFound(f"没有名为“{folder}”的文档。", quarter=quarter)
    root = output / quarter / site.folder
    if not (root / "index.html").is_file():
        raise OutputNotFound(f"{quarter_display_name(quarter)}的{site.label}尚未生成。", quarter=quarter)
    root = root.resolve()
    if "\x00" in relative:
        raise OutputNotFound("文档中没有这个页面。", quarter=quarter)
    candidate = (root / relative.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        log.warning("Refused a path outside %s: %r (quarter %s)", root, relative, quarter)
        raise OutputNotFound("文档中没有这个页面。", quarter=quarter)
    if candidate.is_dir():
        candidate = candidate / "index.html"
    if not candidate.is_file():
        raise OutputNotFound("文档中没有这个页面。", quarter=quarter)
    return candidate

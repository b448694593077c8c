"""Errors shared by the loaders of operator-edited files (wording dictionary, important releases)."""

from __future__ import annotations

from pathlib import Path


class FileRowError(ValueError):
    """A bad row of an input file: names the file, the row (1 = header) and the field."""

    def __init__(self, path: Path, row: int, field: str, message: str):
        self.path, self.row, self.field = path, row, field
        super().__init__(f"{path}: row {row}, field '{field}': {message}")

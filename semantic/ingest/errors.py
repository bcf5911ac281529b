"""Coded ingest failures: an unreadable file, an unknown source or file kind, a table of the wrong shape.

Bad *records* are never errors (they become `Reject`s and the run goes on); these are the problems that stop
a file or a run, raised with a stable code and a hint like every other error of the layer.
"""
from __future__ import annotations

from pathlib import Path

from semantic.errors import SemanticError

UNREADABLE = "E_INGEST_UNREADABLE"
UNKNOWN_SOURCE = "E_INGEST_UNKNOWN_SOURCE"
UNKNOWN_FILE = "E_INGEST_UNKNOWN_FILE"
TABLE_SHAPE = "E_INGEST_TABLE_SHAPE"
FOREIGN_KEYS = "E_INGEST_FOREIGN_KEYS"
DATABASE = "E_INGEST_DATABASE"


class IngestError(SemanticError):
    """A file or database the ingest cannot use; `code` is one of the E_INGEST_* constants above."""


def unreadable(path: Path, why: str, hint: str = "check the path and the file's permissions") -> IngestError:
    return IngestError(UNREADABLE, f"cannot read {path}: {why}", hint)

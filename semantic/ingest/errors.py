"""The one error an adapter raises: a file it cannot read at all (bad records are `Reject` values instead)."""
from __future__ import annotations

from semantic.errors import SemanticError


class IngestError(SemanticError):
    """An export file or a mapping that cannot be used; carries a stable code and a hint for the fix."""

    def __init__(self, message: str, hint: str, code: str = "E_INGEST_FILE") -> None:
        super().__init__(code, message, hint)

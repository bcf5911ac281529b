"""How the catalogue writes a metric's formula: one home in semantic/catalogue.py, shared with the CLI."""
from __future__ import annotations

from semantic.catalogue import formula_text

__all__ = ["formula_text"]

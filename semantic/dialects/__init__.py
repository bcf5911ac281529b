"""Every fact about a SQL dialect in one place: one module per dialect, each exposing `FACTS`.

The SQL stage asks `facts(name)` what the dialect can do (FILTER clauses, date arithmetic, placeholders) and
execution asks it how to open a read-only session with a timeout, instead of `if dialect == ...` branches.
"""
from __future__ import annotations

from semantic.dialects.facts import DialectFacts

__all__ = ["DialectFacts"]

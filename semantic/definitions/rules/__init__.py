"""Semantic validation rules, run in order over merged definitions; each appends issues and never raises.

The order matters only for readability of the code (entities before what leans on them): issues are sorted
by position before they are shown, and every rule tolerates the problems earlier rules report.
"""
from __future__ import annotations

from typing import Callable

from semantic.definitions.project import Definitions
from semantic.definitions.rules import (conversions, decks, entities, expressions, funnels, glossary, history,
                                        history_rows, metrics, names, policies, quality, recorded_grains,
                                        saved_queries, stages, standings)
from semantic.errors import IssueList

Rule = Callable[[Definitions, IssueList], None]

RULES: tuple[Rule, ...] = (
    *names.RULES,
    *entities.RULES,
    *expressions.RULES,
    *history.RULES,
    *history_rows.RULES,
    *glossary.RULES,
    *stages.RULES,
    *metrics.RULES,
    *standings.RULES,
    *conversions.RULES,
    *quality.RULES,
    *saved_queries.RULES,
    *recorded_grains.RULES,
    *funnels.RULES,
    *decks.RULES,
    *policies.RULES,
)

__all__ = ["RULES", "Rule"]

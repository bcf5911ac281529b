"""Semantic validation over merged definitions (references, cycles, joins, expressions, stages).

The rules live in `semantic.definitions.rules`, one function per rule or rule group; this module runs them
all in one pass with a shared context, so every issue surfaces at once and nothing is computed twice.
"""
from __future__ import annotations

from semantic.definitions.project import Definitions
from semantic.definitions.rules import RULES, Rule
from semantic.definitions.rules.context import shared_context
from semantic.errors import IssueList


def validate(defs: Definitions, issues: IssueList) -> None:
    """Run every rule; schema problems found while loading are already in `issues`.

    When a file did not parse, everything it defines is missing, so the rules would report every reference
    into it as unknown: only the parse error is shown until it is fixed, as a compiler does.
    """
    if defs.unreadable:
        return
    with shared_context(defs):
        for rule in RULES:
            rule(defs, issues)


__all__ = ["RULES", "Rule", "validate"]

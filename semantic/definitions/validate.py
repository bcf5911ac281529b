"""Semantic validation rules over merged definitions (references, cycles, joins, expressions, stages).

Each rule is a function `(defs, issues) -> None` that appends issues; `RULES` runs them in order.
"""
from __future__ import annotations

from typing import Callable

from semantic.definitions.project import Definitions
from semantic.errors import IssueList

Rule = Callable[[Definitions, IssueList], None]
RULES: tuple[Rule, ...] = ()


def validate(defs: Definitions, issues: IssueList) -> None:
    for rule in RULES:
        rule(defs, issues)

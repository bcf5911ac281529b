"""Plan -> one SQLAlchemy Core SELECT: each step one named CTE, commented with its one-line description.

Steps are rendered inputs first (the plan's order), each by the function registered for its kind in
semantic/sql/steps.py; the final step (compute) is the statement itself. Every user value (filter values,
time range bounds, spine dates, limit) is a bound parameter, and a comment holds only a step's description,
which is built from validated names, so nothing in it can end the comment early.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from semantic.definitions.project import Definitions
from semantic.plan.steps import Plan, Step
from semantic.result import Column
from semantic.sql.dialects import dialect_for, normalize
from semantic.sql.steps import RENDERERS, Context

SAFE_COMMENT = re.compile(r"[A-Za-z0-9_ ,.;()-]*")


@dataclass(frozen=True)
class CompiledQuery:
    """A question's statement; its text is rendered only when someone asks for it (execution does not)."""

    statement: sa.Select
    dialect: str
    columns: tuple[Column, ...]
    plan: Plan

    @cached_property
    def _text(self) -> Any:
        return self.statement.compile(dialect=dialect_for(self.dialect))

    @property
    def sql(self) -> str:
        return str(self._text)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._text.params)

    def driver_sql(self, dialect: Any) -> tuple[str, Any]:
        """The statement as the driver of an engine takes it (text + parameters), compiled once per driver.

        Executing this text skips SQLAlchemy's per-execution compile, which duckdb-engine cannot cache.
        """
        key = (type(dialect), dialect.paramstyle)
        cache = self.__dict__.setdefault("_driver_sql", {})
        if key not in cache:
            compiled = self.statement.compile(dialect=dialect)
            params = compiled.construct_params()
            args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
            cache[key] = (str(compiled), args)
        return cache[key]


def comment(step: Step) -> str:
    """The step's description as a block comment (valid in every target dialect, kept by sqlglot)."""
    text = step.describe()
    if not SAFE_COMMENT.fullmatch(text):  # descriptions are built from validated names: a bug, not input
        raise AssertionError(f"unsafe description for step {step.name}: {text!r}")
    return f"/* {text} */"


def compile_plan(defs: Definitions, plan: Plan, dialect: str) -> CompiledQuery:
    ctx = Context(defs, normalize(dialect))
    *steps, final = plan.steps
    ctes = [RENDERERS[type(step)](ctx, step).cte(step.name).prefix_with(comment(step)) for step in steps]
    statement = RENDERERS[type(final)](ctx, final).prefix_with(comment(final))
    if ctes:
        statement = statement.add_cte(*ctes)
    return CompiledQuery(statement, ctx.dialect, plan.columns, plan)

"""Plan -> one SQLAlchemy Core SELECT: a named CTE per aggregate, spine and combine step, the final step
(compute) as the statement; the row steps feeding an aggregate are its FROM and WHERE (semantic/sql/steps.py).

Every step's one-line description is a comment: a CTE is headed by those of the row steps rendered into
it (inputs first), then its own. Every user value (filter values, time range bounds, spine dates, limit)
is a bound parameter, and a description is built from validated names, numbers and fixed words, checked
here, so nothing in it can end the comment early.
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
from semantic.dialects import normalize
from semantic.sql.shown import ShownSQL, literal_sql, shown_sql
from semantic.sql.steps import RENDERERS, ROW_STEPS, Context

SAFE_COMMENT = re.compile(r"[A-Za-z0-9_ ,.;()-]*")


@dataclass(frozen=True)
class CompiledQuery:
    """A question's statement; its text is rendered only when someone asks for it (execution does not)."""

    statement: sa.Select
    dialect: str
    columns: tuple[Column, ...]
    plan: Plan

    @cached_property
    def _shown(self) -> ShownSQL:
        return shown_sql(self.statement, self.dialect)

    @property
    def sql(self) -> str:
        """The text as the database runs it (native placeholders, no doubled `%`: semantic/sql/shown.py)."""
        return self._shown.text

    @property
    def params(self) -> dict[str, Any]:
        """The values of `sql`'s placeholders, keyed by the marker (`$1`, `:1`, `?1`, `@param_1`)."""
        return dict(self._shown.params)

    @cached_property
    def literal_sql(self) -> str:
        """`sql` with every parameter inlined as a literal: runs as pasted, with nothing to bind."""
        return literal_sql(self.statement, self.dialect)

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


def _rendered_into(step: Step) -> list[Step]:
    """The row steps rendered into `step`'s SELECT, inputs first."""
    out: list[Step] = []
    for child in step.inputs:
        if isinstance(child, ROW_STEPS):
            out += _rendered_into(child) + [child]
    return out


def _comments(step: Step) -> str:
    return "\n".join(comment(s) for s in _rendered_into(step) + [step])


def compile_plan(defs: Definitions, plan: Plan, dialect: str) -> CompiledQuery:
    ctx = Context(defs, normalize(dialect), plan.today, {p.entity: p for p in plan.row_policies})
    *steps, final = [s for s in plan.steps if not isinstance(s, ROW_STEPS)]
    ctes = [RENDERERS[type(step)](ctx, step).cte(step.name).prefix_with(_comments(step)) for step in steps]
    statement = RENDERERS[type(final)](ctx, final).prefix_with(_comments(final))
    if ctes:
        statement = statement.add_cte(*ctes)
    return CompiledQuery(statement, ctx.dialect, plan.columns, plan)

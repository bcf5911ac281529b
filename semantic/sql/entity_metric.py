"""The EntityValues step: every row of an entity with its metric computed per row, kept when it meets the
condition (semantic/plan/entity_metric.py).

The entity's own rows are the frame, so a row with nothing to aggregate still gets a value (the formula's
COALESCE gives 0 for a count or a sum) and `activities = 0` finds the deals with no activity at all.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from semantic.plan.entity_metric import KEY, EntityValues
from semantic.plan.steps import internal_name
from semantic.sql.filters import filter_sql
from semantic.sql.render import render_formula
from semantic.sql.tables import entity_source, qualified

if TYPE_CHECKING:
    from semantic.sql.steps import Context

ROWS = "entity_rows"


def entity_values(ctx: Context, step: EntityValues) -> sa.Select:
    key = qualified(ROWS, step.key.name, ctx.dialect)
    frame: sa.FromClause = entity_source(ctx.defs, step.entity, ROWS, ctx.dialect, ctx.today)
    column = internal_name(step.key.ref)
    for aggregate in step.aggregates:
        table = ctx.table(aggregate)
        frame = frame.outerjoin(table, table.c[column] == key)
    value = render_formula(step.formula, ctx.dialect)
    return sa.select(key.label(KEY)).select_from(frame).where(filter_sql(value, step.test, ctx.dialect))

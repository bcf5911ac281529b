"""A metric computed per row of an entity (semantic/plan/entity_metric.py): its values per key, and the
LEFT JOIN that brings them to the rows a question filters, many-to-one on the key like a dimension's entity
(the condition on them is in filters.py, with the other row conditions).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.entity_metric import KEY, VALUE, EntityValues, joined_columns
from semantic.plan.model import EntityMetricUse
from semantic.plan.steps import internal_name
from semantic.sql.render import render_formula

if TYPE_CHECKING:
    from semantic.sql.steps import Context, Rows


def entity_values(ctx: Context, step: EntityValues) -> sa.Select:
    """One row per key with anything aggregated (the keys of every aggregate when the metric reads several)."""
    column = internal_name(step.key.ref)
    tables = [ctx.table(a) for a in step.aggregates]
    if len(tables) == 1:
        keys, frame = tables[0].c[column], tables[0]
    else:
        union = sa.union(*[sa.select(t.c[column].label(KEY)) for t in tables]).subquery("keys")
        keys, frame = union.c[KEY], union
        for table in tables:
            frame = frame.outerjoin(table, table.c[column] == keys)
    value = render_formula(step.formula, ctx.dialect)
    return sa.select(keys.label(KEY), value.label(VALUE)).select_from(frame).where(keys.is_not(None))


def join_values(ctx: Context, rows: Rows, leaves: list[EntityMetricUse]) -> tuple[sa.FromClause,
                                                                                  dict[str, ColumnElement]]:
    """The rows LEFT JOINed to each per-entity metric's values on the entity key they reach."""
    source, columns = rows.source, dict(rows.columns)
    for values in {leaf.values.name: leaf.values for leaf in leaves}.values():
        table = ctx.table(values)
        key_name, value_name = joined_columns(values)
        source = source.outerjoin(table, table.c[KEY] == columns[internal_name(values.key.ref)])
        columns[key_name], columns[value_name] = table.c[KEY], table.c[VALUE]
    return source, columns

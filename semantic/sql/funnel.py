"""Render a funnel's steps (semantic/plan/funnel.py): counts on one scan, then a row per step with its rates.

Step 1's term, date and the time range are the WHERE clause; each later step is a conditional count whose
condition holds every earlier step's, so a row counts at a step only if it reached the ones before it, on the
same day or later and within each step's window (days compared, edges included, as for conversions).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.funnel import FunnelCounts, FunnelSteps, step_condition, step_time
from semantic.sql.conversion import window_end
from semantic.sql.filters import row_filter_sql, within_days

if TYPE_CHECKING:
    from semantic.sql.steps import Context


def funnel_counts(ctx: Context, step: FunnelCounts) -> sa.Select:
    rows = ctx.rows(step.input)
    c = rows.columns
    reached: list[ColumnElement] = []
    counts: list[ColumnElement] = []
    previous: ColumnElement | None = None
    for k, (within, conditioned) in enumerate(zip(step.within, step.conditioned), start=1):
        time = c[step_time(k)]
        day = sa.cast(time, sa.Date)
        reached += [c[step_condition(k)]] if conditioned else []
        reached.append(time.is_not(None))
        if previous is not None:
            reached.append(day >= previous)
            reached += [day <= window_end(previous, within, ctx.dialect)] if within else []
        counts.append((sa.func.count() if k == 1 else sa.func.count(sa.case((sa.and_(*reached),
                                                                            sa.literal_column("1")))))
                      .label(f"step_{k}"))
        if k == 1:
            where = list(rows.where) + reached
            reached = []
        previous = day
    if step.window is not None:
        where.append(within_days(c[step_time(1)], *step.window, ctx.dialect))
    where += [row_filter_sql(c, f, ctx.dialect) for f in step.filters]
    return sa.select(*counts).select_from(rows.source).where(*where)


def _rate(top: ColumnElement, bottom: ColumnElement) -> ColumnElement:
    return sa.cast(top, sa.Double) / sa.func.nullif(bottom, sa.literal_column("0"))


def funnel_steps(ctx: Context, step: FunnelSteps) -> sa.Select:
    counts = ctx.table(step.input)
    first = counts.c.step_1
    rows = []
    for k, label in enumerate(step.labels, start=1):
        here = counts.c[f"step_{k}"]
        before = sa.cast(sa.null(), sa.Double) if k == 1 else _rate(here, counts.c[f"step_{k - 1}"])
        rows.append(sa.select(sa.literal_column(str(k)).label("step"), sa.literal(label, sa.String).label("label"),
                              here.label("count"), before.label("rate_from_previous"),
                              _rate(here, first).label("rate_from_first")).select_from(counts))
    steps = sa.union_all(*rows).subquery("steps")
    return sa.select(*steps.c).order_by(steps.c.step)

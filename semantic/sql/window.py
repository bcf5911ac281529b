"""The Window step in SQL: for each period shown, its daily totals summed from where its reach starts to the
day it is read on (semantic/plan/window.py says what the step means).

Each period's reading day and first day counted are columns of a small table (`reads`) the daily totals are
joined to by a plain date range: computed in Python from the spine's periods when the range is closed
(semantic/plan/calendar.py mirrors this module's SQL), else in SQL once per period. Written inside the join
condition instead, the same date arithmetic ran for every pair of period and day: 0.3-0.5 ms of a 5 ms
question on DuckDB.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.calendar import GRAIN_STEP, reach_start
from semantic.plan.window import Reach, Window
from semantic.sql.dates import date_table
from semantic.sql.timefns import ShiftDate, ShiftDateBy, period_start

if TYPE_CHECKING:
    from semantic.sql.steps import Context

DIGITS = 5  # a spine built in SQL holds at most 10**5 periods (MAX_SPINE_PERIODS is 20 000)


def _reach_start(day: ColumnElement, reach: Reach, ctx: Context) -> ColumnElement | None:
    """The first day a value read on `day` counts (mirrors plan.calendar.reach_start); None: all time."""
    if reach.grain_to_date:
        return period_start(day, reach.grain_to_date, ctx.defs.calendar)
    if reach.unit == "month":
        return ShiftDate(ShiftDate(day, -(reach.count or 0), "month"), 1, "day")
    if reach.unit is not None:
        return ShiftDate(day, 1 - (reach.count or 0) * (7 if reach.unit == "week" else 1), "day")
    return None


def window(ctx: Context, step: Window) -> sa.Select:
    """For each period shown (the spine's, else the data's from the first shown), the daily totals from its
    reach's first day to its reading day (its last day, or the range's last day if earlier), summed."""
    daily = ctx.table(step.input)
    day = daily.c.period
    dims = [k for k in step.keys if k != "period"]
    sums = [sa.func.sum(daily.c[m.column]).label(m.column) for m in step.measures]
    if step.grain is None:  # one value, read on the range's last day (or the data's)
        read_on = sa.cast(sa.literal(step.read_on[0], sa.Date), sa.Date) if step.read_on else \
            sa.select(sa.func.max(day)).scalar_subquery()
        lower = _reach_start(read_on, step.reach, ctx)
        stmt = sa.select(*[daily.c[k].label(k) for k in dims], *sums).select_from(daily)
        stmt = stmt.where(day <= read_on, *([day >= lower] if lower is not None else []))
    else:
        reads = _reads(ctx, step, daily).subquery("reads")
        on = [day <= reads.c.read_on] + ([day >= reads.c.reach_from] if "reach_from" in reads.c else [])
        # an empty window keeps its period (summing to NULL, shown as 0) unless sliced by a dimension
        frame = reads.join(daily, sa.and_(*on), isouter=not dims)
        stmt = sa.select(reads.c.period, *[daily.c[k].label(k) for k in dims], *sums).select_from(frame)
    keys = len(step.keys)
    return stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(keys)]) if keys else stmt


def _reads(ctx: Context, step: Window, daily: sa.TableClause) -> sa.Select:
    """Each period shown with the day it is read on and the first day its reach counts (no such column for
    all time)."""
    assert step.grain is not None
    if step.spine is not None and step.read_on:
        rows = []
        for period, read_on in zip(step.spine.periods, step.read_on, strict=True):
            first = reach_start(read_on, step.reach, ctx.defs.calendar)
            rows.append((period, read_on) + ((first,) if first is not None else ()))
        counts_from = step.reach.count or step.reach.grain_to_date
        columns = ("period", "read_on") + (("reach_from",) if counts_from else ())
        return date_table(columns, rows, ctx.dialect, "periods")
    amount, unit = GRAIN_STEP[step.grain]
    periods = _data_spine(ctx, step, daily, amount, unit)
    end = ShiftDate(ShiftDate(periods.c.period, amount, unit), -1, "day")
    read_on = sa.func.least(end, sa.cast(sa.literal(step.last_day, sa.Date), sa.Date)) if step.last_day else end
    lower = _reach_start(read_on, step.reach, ctx)
    return sa.select(periods.c.period, read_on.label("read_on"),
                     *([lower.label("reach_from")] if lower is not None else []))


def _data_spine(ctx: Context, step: Window, daily: sa.TableClause, amount: int, unit: str) -> sa.Subquery:
    """Every period from the first shown (or the data's first) to the range's last day (or the data's last),
    generated as start + k periods for k = 0, 1, ... from a cross join of digit tables."""
    day = daily.c.period
    extent = sa.select(sa.func.min(day).label("first_day"), sa.func.max(day).label("last_day")).subquery("extent")
    start = sa.cast(sa.literal(step.first_period, sa.Date), sa.Date) if step.first_period else \
        period_start(extent.c.first_day, step.grain or "day", ctx.defs.calendar)
    end = sa.cast(sa.literal(step.last_day, sa.Date), sa.Date) if step.last_day else extent.c.last_day
    digits = [sa.union_all(*[sa.select(sa.literal_column(str(d)).label("d")) for d in range(10)]).subquery(f"d{i}")
              for i in range(DIGITS)]
    k = sum((t.c.d * sa.literal_column(str(10 ** i)) for i, t in enumerate(digits)), sa.literal_column("0"))
    frame: sa.FromClause = extent
    for t in digits:
        frame = frame.join(t, sa.true())
    period = ShiftDateBy(start, k * sa.literal_column(str(amount)), unit)
    return sa.select(period.label("period")).select_from(frame).where(period <= end).subquery("periods")

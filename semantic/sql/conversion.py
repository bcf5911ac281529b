"""Render a Conversion step (semantic/plan/conversion.py): cohorts by the base event's day, and conversions.

Days, not timestamps, are compared: a conversion counts when its day is on or after the base event's day and
at most `within` after it (both edges included), so a lead created at 17:00 that became an MQL at 09:00 the
same day converted on day 0. When the conversion is a date on the base row (lead -> MQL) this is one scan
with a conditional count; otherwise the base rows are LEFT JOINed to the conversion rows on the `through`
key inside the window and instances are counted distinct, so an instance converting twice counts once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.calendar import GRAIN_STEP
from semantic.plan.conversion import BASE_IF, CONVERSION_IF, CONVERSION_TIME, LINK, SUBJECT, Conversion
from semantic.plan.metric_types.conversion import Within
from semantic.plan.steps import TIME, internal_name
from semantic.sql.filters import filter_sql, within_days
from semantic.sql.timefns import ShiftDate, period_start

if TYPE_CHECKING:
    from semantic.sql.steps import Context


def _day(value: ColumnElement) -> ColumnElement:
    return sa.cast(value, sa.Date)


def window_end(day: ColumnElement, within: Within) -> ColumnElement:
    """The last day a conversion counts on (a month from 31 January is the last day of February)."""
    if within.unit == "month":
        return ShiftDate(day, within.count, "month")
    return ShiftDate(day, within.count * (7 if within.unit == "week" else 1), "day")


def _cohort_last_day(ctx: Context, step: Conversion, time: ColumnElement) -> ColumnElement:
    """The last day of the cohort a base event belongs to: its period's, the range's, or its own day."""
    if step.grain is not None:
        amount, unit = GRAIN_STEP[step.grain]
        start = period_start(time, step.grain, ctx.defs.calendar)
        return ShiftDate(ShiftDate(start, amount, unit), -1, "day")
    if step.window is not None and step.window[1] is not None:
        return sa.cast(sa.literal(step.window[1], sa.Date), sa.Date)
    return _day(time)


def _first_events(ctx: Context, step: Conversion) -> tuple[sa.FromClause, dict[str, ColumnElement]]:
    """Base rows of another entity narrowed to each instance's first base event (its cohort day)."""
    rows = ctx.rows(step.base)
    c = rows.columns
    where = [c[BASE_IF]] if BASE_IF in c else []
    where += [filter_sql(c[internal_name(f.dimension.ref)], f, ctx.dialect) for f in step.filters]
    keys = [c[SUBJECT].label(SUBJECT), c[LINK].label(LINK)] + \
        [c[internal_name(d.ref)].label(internal_name(d.ref)) for d in step.dimensions]
    first = sa.select(*keys, sa.func.min(c[TIME]).label(TIME)).select_from(rows.source) \
        .where(*rows.where, *where, c[SUBJECT].is_not(None), c[TIME].is_not(None)) \
        .group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))]).subquery("first_events")
    return first, dict(first.c.items())


def conversion(ctx: Context, step: Conversion) -> sa.Select:
    if step.first_event:
        source, c = _first_events(ctx, step)
        where: list[ColumnElement] = []
    else:
        rows = ctx.rows(step.base)
        source, c = rows.source, rows.columns
        where = list(rows.where) + ([c[BASE_IF]] if BASE_IF in c else []) + [c[TIME].is_not(None)]
        where += [filter_sql(c[internal_name(f.dimension.ref)], f, ctx.dialect) for f in step.filters]
    if step.window is not None:
        where.append(within_days(c[TIME], *step.window, ctx.dialect))
    base_day = _day(c[TIME])
    if step.converted is None:
        day = _day(c[CONVERSION_TIME])
        hit = [day >= base_day] + ([day <= window_end(base_day, step.within)] if step.within else [])
        hit += [c[CONVERSION_IF]] if CONVERSION_IF in c else []
        cohort: ColumnElement = sa.func.count()
        converted = sa.func.count(sa.case((sa.and_(*hit), sa.literal_column("1"))))
    else:
        events = ctx.rows(step.converted)
        e = events.columns
        event_where = [e[CONVERSION_IF]] if CONVERSION_IF in e else []
        matches = sa.select(e[LINK].label(LINK), _day(e[TIME]).label("day")).select_from(events.source) \
            .where(*events.where, *event_where, e[LINK].is_not(None), e[TIME].is_not(None)) \
            .subquery("conversion_events")
        on = [matches.c[LINK] == c[LINK], matches.c.day >= base_day]
        on += [matches.c.day <= window_end(base_day, step.within)] if step.within else []
        source = source.outerjoin(matches, sa.and_(*on))
        cohort = sa.func.count(sa.distinct(c[SUBJECT]))
        converted = sa.func.count(sa.distinct(sa.case((matches.c[LINK].is_not(None), c[SUBJECT]))))
    if step.within is not None:
        today = sa.cast(sa.literal(step.today, sa.Date), sa.Date)
        window_closes = window_end(_cohort_last_day(ctx, step, c[TIME]), step.within)
        still_open = sa.case((window_closes >= today, sa.literal_column("1")), else_=sa.literal_column("0"))
    else:
        still_open = sa.literal_column("0")  # with no window a cohort never closes; nothing is left out for it
    keys = [period_start(c[TIME], step.grain, ctx.defs.calendar).label("period")] if step.grain else []
    keys += [c[internal_name(d.ref)].label(internal_name(d.ref)) for d in step.dimensions]
    cohort_col, converted_col, open_col = (m.column for m in step.measures)
    stmt = sa.select(*keys, cohort.label(cohort_col), converted.label(converted_col),
                     sa.func.max(still_open).label(open_col)).select_from(source).where(*where)
    return stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))]) if keys else stmt

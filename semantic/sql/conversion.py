"""Render a conversion (semantic/plan/conversion.py): the Cohort of instances, then per cohort period the
instances, those converted and whether the cohort's window is still open.

Days, not timestamps, are compared: a conversion counts when its day is on or after the base event's day and
at most `within` after it (both edges included), so a lead created at 17:00 that became an MQL at 09:00 the
same day converted on day 0. When the conversion is a date on the base row (lead -> MQL) this is one scan
with a conditional count. Otherwise the cohort (a CTE) is LEFT JOINed to the distinct instances that have a
matching conversion event on the `through` key inside the window, so an instance converting twice counts
once; the same shape an analyst writes (a semi-join, then a count), cheaper than counting distinct per group.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.dialects import facts
from semantic.plan.calendar import GRAIN_STEP
from semantic.plan.conversion import BASE_IF, CONVERSION_IF, CONVERSION_TIME, LINK, SUBJECT, Cohort, Conversion
from semantic.plan.metric_types.conversion import Within
from semantic.plan.steps import TIME, internal_name
from semantic.sql.filters import row_filter_sql, within_days
from semantic.sql.timefns import ShiftDate, period_start

if TYPE_CHECKING:
    from semantic.sql.steps import Context

def _day(value: ColumnElement) -> ColumnElement:
    return sa.cast(value, sa.Date)


def window_end(day: ColumnElement, within: Within, dialect: str) -> ColumnElement:
    """The last day a conversion counts on (a month from 31 January is the last day of February). Days are
    added as an integer where DATE + INTEGER is a DATE: DuckDB spends about 10% of a lead -> MQL scan on
    `CAST(d + INTERVAL ... AS DATE)` for every row."""
    if within.unit == "month":
        return ShiftDate(day, within.count, "month")
    days = within.count * (7 if within.unit == "week" else 1)
    if facts(dialect).date_plus_integer:
        return day + sa.literal_column(str(days))
    return ShiftDate(day, days, "day")


def _cohort_last_day(ctx: Context, step: Conversion, time: ColumnElement) -> ColumnElement:
    """The last day of each aggregated cohort, as an expression over its rows' aggregates (so it is computed
    once per cohort): its period's last day, the range's last day, or its last base event's day."""
    if step.grain is not None:
        amount, unit = GRAIN_STEP[step.grain]
        start = period_start(sa.func.min(time), step.grain, ctx.defs.calendar)
        return ShiftDate(ShiftDate(start, amount, unit), -1, "day")
    if step.window is not None and step.window[1] is not None:
        return sa.cast(sa.literal(step.window[1], sa.Date), sa.Date)
    return sa.func.max(_day(time))


def cohort(ctx: Context, step: Cohort) -> sa.Select:
    """The instances in the cohorts shown: base rows meeting the term and filters, each instance once (by its
    first base event when the rows are another entity's), its day in the time range."""
    rows = ctx.rows(step.input)
    c = rows.columns
    where = list(rows.where) + ([c[BASE_IF]] if BASE_IF in c else []) + [c[TIME].is_not(None), c[SUBJECT].is_not(None)]
    where += [row_filter_sql(c, f, ctx.dialect) for f in step.filters]
    keys = [c[SUBJECT].label(SUBJECT), c[LINK].label(LINK)]
    dims = [c[internal_name(d.ref)].label(internal_name(d.ref)) for d in step.dimensions]
    if not step.first_event:
        window = [within_days(c[TIME], *step.window, ctx.dialect)] if step.window is not None else []
        return sa.select(*keys, c[TIME].label(TIME), *dims).select_from(rows.source).where(*where, *window)
    first = sa.func.min(c[TIME])
    stmt = sa.select(*keys, first.label(TIME), *dims).select_from(rows.source).where(*where) \
        .group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))],
                  *[sa.literal_column(str(i + 4)) for i in range(len(dims))])
    return stmt.having(within_days(first, *step.window, ctx.dialect)) if step.window is not None else stmt


def _conditional_count(condition: ColumnElement, dialect: str) -> ColumnElement:
    if facts(dialect).filter_clause:
        return sa.func.count().filter(condition)
    return sa.func.count(sa.case((condition, sa.literal_column("1"))))


def _same_row(ctx: Context, step: Conversion) -> tuple[sa.FromClause, dict[str, ColumnElement], list, ColumnElement,
                                                       ColumnElement]:
    """Both dates on one row: the rows in the cohorts shown, each counted once, converted by a condition."""
    rows = ctx.rows(step.base)
    c = rows.columns
    where = list(rows.where) + ([c[BASE_IF]] if BASE_IF in c else []) + [c[TIME].is_not(None)]
    where += [row_filter_sql(c, f, ctx.dialect) for f in step.filters]
    where += [within_days(c[TIME], *step.window, ctx.dialect)] if step.window is not None else []
    base_day, day = _day(c[TIME]), _day(c[CONVERSION_TIME])
    hit = [day >= base_day] + ([day <= window_end(base_day, step.within, ctx.dialect)] if step.within else [])
    hit += [c[CONVERSION_IF]] if CONVERSION_IF in c else []
    return rows.source, c, where, sa.func.count(), _conditional_count(sa.and_(*hit), ctx.dialect)


def _joined(ctx: Context, step: Conversion) -> tuple[sa.FromClause, dict[str, ColumnElement], list, ColumnElement,
                                                     ColumnElement]:
    """Events on other rows: the cohort LEFT JOINed to the distinct instances with a matching conversion."""
    assert step.converted is not None
    cohort_rows = ctx.table(step.base)
    events = ctx.rows(step.converted)
    e = events.columns
    matches = sa.select(e[LINK].label(LINK), _day(e[TIME]).label("day")).select_from(events.source) \
        .where(*events.where, *([e[CONVERSION_IF]] if CONVERSION_IF in e else []), e[LINK].is_not(None),
               e[TIME].is_not(None)).subquery("conversion_events")
    base_day = _day(cohort_rows.c[TIME])
    on = [matches.c[LINK] == cohort_rows.c[LINK], matches.c.day >= base_day]
    on += [matches.c.day <= window_end(base_day, step.within, ctx.dialect)] if step.within else []
    hits = sa.select(cohort_rows.c[SUBJECT]).distinct().select_from(cohort_rows.join(matches, sa.and_(*on))) \
        .subquery("converted")
    source = cohort_rows.outerjoin(hits, hits.c[SUBJECT] == cohort_rows.c[SUBJECT])
    return source, dict(cohort_rows.c.items()), [], sa.func.count(), sa.func.count(hits.c[SUBJECT])


def conversion(ctx: Context, step: Conversion) -> sa.Select:
    """Per cohort: its instances, those converted, and whether its window is still open today."""
    source, c, where, cohort_count, converted = (_same_row if step.converted is None else _joined)(ctx, step)
    keys = [period_start(c[TIME], step.grain, ctx.defs.calendar).label("period")] if step.grain else []
    keys += [c[internal_name(d.ref)].label(internal_name(d.ref)) for d in step.dimensions]
    cohort_col, converted_col, open_col = (m.column for m in step.measures)
    if step.within is None:  # no window: a cohort never closes, so nothing is left out for it
        still_open: ColumnElement = sa.literal_column("0")
    else:
        today = sa.cast(sa.literal(step.today, sa.Date), sa.Date)
        closes = window_end(_cohort_last_day(ctx, step, c[TIME]), step.within, ctx.dialect)
        still_open = sa.case((closes >= today, sa.literal_column("1")), else_=sa.literal_column("0"))
    stmt = sa.select(*keys, cohort_count.label(cohort_col), converted.label(converted_col),
                     still_open.label(open_col)).select_from(source).where(*where)
    return stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))]) if keys else stmt

"""Date parts (semantic/definitions/date_parts.py) as SQL for every target dialect.

`EXTRACT` of month, quarter and hour reads the same everywhere; the weekday does not (PostgreSQL `ISODOW`,
Snowflake `DAYOFWEEKISO`, BigQuery counts from Sunday = 1, Trino and DuckDB have an ISO function), and
neither does a count of days between two dates, so those two are constructs rendered by the dialect's
`DateSQL` (semantic/dialects/).
Fiscal parts are the calendar part of the date moved back by the fiscal year's offset in months (a fiscal
year starting in February makes February month 1), and a week of a quarter counts whole days from the
quarter's first day, so no part depends on a session's week-start setting.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from semantic.definitions.models import Calendar
from semantic.sql.timefns import ShiftDate, dates_of, period_start


class IsoWeekday(FunctionElement):
    """The ISO day of the week of a DATE: 1 = Monday ... 7 = Sunday."""

    type = sa.Integer()
    inherit_cache = True
    name = "iso_weekday"


@compiles(IsoWeekday)
def _weekday(element: IsoWeekday, compiler: Any, **kw: Any) -> str:
    return dates_of(compiler).iso_weekday(compiler.process(element.clauses, **kw))


class DaysBetween(FunctionElement):
    """Whole days from the first DATE to the second (second - first)."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(DaysBetween)
def _days(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return dates_of(compiler).days_between(first, second)


def _extract(field: str, expr: ColumnElement) -> ColumnElement:
    return sa.cast(sa.extract(field, expr), sa.Integer)


def _week_of(expr: ColumnElement, day: ColumnElement, quarter: str, calendar: Calendar) -> ColumnElement:
    """1 + whole weeks since the quarter's first day (constants, not parameters: nothing here is user input)."""
    days = DaysBetween(period_start(expr, quarter, calendar), day)
    return sa.cast(sa.func.floor(days / sa.literal_column("7.0")), sa.Integer) + sa.literal_column("1")


def date_part(expr: ColumnElement, part: str, calendar: Calendar) -> ColumnElement:
    """SQL for one date part of a time expression (a DATE or a TIMESTAMP)."""
    day = sa.cast(expr, sa.Date)
    fiscal_day = ShiftDate(day, 1 - calendar.fiscal_year_start_month, "month") \
        if calendar.fiscal_year_start_month != 1 else day
    builders = {
        "hour": lambda: _extract("hour", sa.cast(expr, sa.DateTime)),
        "day_of_week": lambda: IsoWeekday(day),
        "day_of_month": lambda: _extract("day", day),
        "week_of_quarter": lambda: _week_of(expr, day, "quarter", calendar),
        "month_of_year": lambda: _extract("month", day),
        "quarter_of_year": lambda: _extract("quarter", day),
        "fiscal_week_of_quarter": lambda: _week_of(expr, day, "fiscal_quarter", calendar),
        "fiscal_month_of_year": lambda: _extract("month", fiscal_day),
        "fiscal_quarter_of_year": lambda: _extract("quarter", fiscal_day),
    }
    return builders[part]()

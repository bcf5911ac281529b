"""Date parts (semantic/definitions/date_parts.py) as SQL for every target dialect.

`EXTRACT` of month, quarter and hour reads the same everywhere; the weekday does not (PostgreSQL `ISODOW`,
Snowflake `DAYOFWEEKISO`, BigQuery counts from Sunday = 1, Trino and DuckDB have an ISO function), and
neither does a count of days between two dates, so those two are constructs with per-dialect renderings.
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
from semantic.sql.timefns import ShiftDate, period_start


class IsoWeekday(FunctionElement):
    """The ISO day of the week of a DATE: 1 = Monday ... 7 = Sunday."""

    type = sa.Integer()
    inherit_cache = True
    name = "iso_weekday"


@compiles(IsoWeekday)
def _weekday_default(element: IsoWeekday, compiler: Any, **kw: Any) -> str:  # DuckDB
    return f"isodow({compiler.process(element.clauses, **kw)})"


@compiles(IsoWeekday, "postgresql")
def _weekday_postgresql(element: IsoWeekday, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(ISODOW FROM {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(IsoWeekday, "snowflake")
def _weekday_snowflake(element: IsoWeekday, compiler: Any, **kw: Any) -> str:
    return f"DAYOFWEEKISO({compiler.process(element.clauses, **kw)})"


@compiles(IsoWeekday, "bigquery")
def _weekday_bigquery(element: IsoWeekday, compiler: Any, **kw: Any) -> str:  # DAYOFWEEK: Sunday = 1
    return f"MOD(EXTRACT(DAYOFWEEK FROM {compiler.process(element.clauses, **kw)}) + 5, 7) + 1"


@compiles(IsoWeekday, "trino")
def _weekday_trino(element: IsoWeekday, compiler: Any, **kw: Any) -> str:
    return f"day_of_week({compiler.process(element.clauses, **kw)})"


class DaysBetween(FunctionElement):
    """Whole days from the first DATE to the second (second - first)."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


def _two(element: DaysBetween, compiler: Any, **kw: Any) -> tuple[str, str]:
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return first, second


@compiles(DaysBetween)
def _days_default(element: DaysBetween, compiler: Any, **kw: Any) -> str:  # DuckDB, PostgreSQL: date - date
    first, second = _two(element, compiler, **kw)
    return f"({second} - {first})"


@compiles(DaysBetween, "snowflake")
def _days_snowflake(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    first, second = _two(element, compiler, **kw)
    return f"DATEDIFF(day, {first}, {second})"


@compiles(DaysBetween, "bigquery")
def _days_bigquery(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    first, second = _two(element, compiler, **kw)
    return f"DATE_DIFF({second}, {first}, DAY)"


@compiles(DaysBetween, "trino")
def _days_trino(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    first, second = _two(element, compiler, **kw)
    return f"date_diff('day', {first}, {second})"


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

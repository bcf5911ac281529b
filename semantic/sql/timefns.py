"""Time truncation and date shifting as SQLAlchemy constructs compiled per dialect.

`date_trunc('quarter', x)` is right on DuckDB, PostgreSQL, Snowflake and Trino but wrong on BigQuery
(`DATE_TRUNC(x, QUARTER)`); date arithmetic differs everywhere. Each construct compiles through the
dialect's `DateSQL` (semantic/dialects/), so the compiler stays dialect-free. Fiscal periods are built from
the same two pieces: shift back by the fiscal offset, truncate, shift forward.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Date, cast, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from semantic.definitions.models import Calendar
from semantic.dialects import DEFAULT, DateSQL, facts_of

UNITS = ("day", "week", "month", "quarter", "year")


class TruncDate(FunctionElement):
    """First day (as DATE) of the calendar unit containing the argument."""

    type = Date()
    inherit_cache = True
    name = "trunc_date"

    def __init__(self, expr: Any, unit: str) -> None:
        assert unit in UNITS
        super().__init__(expr, literal_column(f"'{unit}'"))


class ShiftDate(FunctionElement):
    """The argument (a DATE expression) moved by a whole number of months or days (a constant from the calendar)."""

    type = Date()
    inherit_cache = True
    name = "shift_date"

    def __init__(self, expr: Any, amount: int, unit: str) -> None:
        assert unit in ("month", "day")
        super().__init__(expr, literal_column(str(int(amount))), literal_column(f"'{unit}'"))


def dates_of(compiler: Any) -> DateSQL:
    """The date SQL of the dialect being compiled for (DuckDB's for a dialect the layer does not know)."""
    found = facts_of(compiler.dialect.name)
    return (found or DEFAULT).dates


def _unit(clause: Any) -> str:
    return clause.name.strip("'")


@compiles(TruncDate)
def _trunc(element: TruncDate, compiler: Any, **kw: Any) -> str:
    expr, unit = element.clauses
    return dates_of(compiler).trunc(compiler.process(expr, **kw), _unit(unit))


@compiles(ShiftDate)
def _shift(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = element.clauses
    return dates_of(compiler).shift(compiler.process(expr, **kw), int(amount.name), _unit(unit))


class ShiftDateBy(FunctionElement):
    """A DATE moved by `amount` (an integer SQL expression) whole months or days: the periods of a spine built
    in SQL, when no time range bounds it in Python."""

    type = Date()
    inherit_cache = True
    name = "shift_date_by"

    def __init__(self, expr: Any, amount: Any, unit: str) -> None:
        assert unit in ("month", "day")
        super().__init__(expr, amount, literal_column(f"'{unit}'"))


@compiles(ShiftDateBy)
def _shift_by(element: ShiftDateBy, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = element.clauses
    return dates_of(compiler).shift_by(compiler.process(expr, **kw), compiler.process(amount, **kw), _unit(unit))


def period_start(expr: ColumnElement, grain: str, calendar: Calendar) -> ColumnElement:
    """SQL for the first day of the `grain` period containing `expr` (mirrors plan.calendar.period_start)."""
    day = cast(expr, Date)
    if grain == "week" and calendar.week_start == "sunday":
        return ShiftDate(TruncDate(ShiftDate(day, 1, "day"), "week"), -1, "day")
    if grain in UNITS:
        return TruncDate(day, grain)
    base = "quarter" if grain == "fiscal_quarter" else "year"
    offset = calendar.fiscal_year_start_month - 1
    if offset == 0:
        return TruncDate(day, base)
    return ShiftDate(TruncDate(ShiftDate(day, -offset, "month"), base), offset, "month")

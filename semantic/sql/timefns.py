"""Time truncation and date shifting as SQLAlchemy constructs compiled per dialect.

`date_trunc('quarter', x)` is right on DuckDB, PostgreSQL, Snowflake and Trino but wrong on BigQuery
(`DATE_TRUNC(x, QUARTER)`); date arithmetic differs everywhere. Each construct has a default rendering and
per-dialect overrides, so the compiler stays dialect-free. Fiscal periods are built from the same two
pieces: shift back by the fiscal offset, truncate, shift forward.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Date, cast, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from semantic.definitions.models import Calendar

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


def _args(element: FunctionElement, compiler: Any, **kw: Any) -> tuple[str, list[str]]:
    clauses = list(element.clauses)
    rest = [c.name.strip("'") for c in clauses[1:]]
    return compiler.process(clauses[0], **kw), rest


@compiles(TruncDate)
def _trunc_default(element: TruncDate, compiler: Any, **kw: Any) -> str:
    expr, (unit,) = _args(element, compiler, **kw)
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    return f"CAST(date_trunc('{unit}', {expr}) AS DATE)"


@compiles(TruncDate, "bigquery")
def _trunc_bigquery(element: TruncDate, compiler: Any, **kw: Any) -> str:
    expr, (unit,) = _args(element, compiler, **kw)
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    part = "WEEK(MONDAY)" if unit == "week" else unit.upper()
    return f"DATE_TRUNC(CAST({expr} AS DATE), {part})"


@compiles(TruncDate, "snowflake")
def _trunc_snowflake(element: TruncDate, compiler: Any, **kw: Any) -> str:
    expr, (unit,) = _args(element, compiler, **kw)
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    if unit == "week":  # DATE_TRUNC('week') follows the session's WEEK_START; ISO weekday does not
        return f"DATEADD(day, 1 - DAYOFWEEKISO({expr}), CAST({expr} AS DATE))"
    return f"CAST(DATE_TRUNC('{unit}', {expr}) AS DATE)"


@compiles(ShiftDate)
def _shift_default(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    expr, (amount, unit) = _args(element, compiler, **kw)
    return f"CAST({expr} + INTERVAL '{amount} {unit}' AS DATE)"


@compiles(ShiftDate, "snowflake")
def _shift_snowflake(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    expr, (amount, unit) = _args(element, compiler, **kw)
    return f"CAST(DATEADD({unit}, {amount}, {expr}) AS DATE)"


@compiles(ShiftDate, "trino")
def _shift_trino(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    expr, (amount, unit) = _args(element, compiler, **kw)
    return f"date_add('{unit}', {amount}, {expr})"


@compiles(ShiftDate, "bigquery")
def _shift_bigquery(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    expr, (amount, unit) = _args(element, compiler, **kw)
    return f"DATE_ADD({expr}, INTERVAL {amount} {unit.upper()})"


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
def _shift_by_default(element: ShiftDateBy, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({expr} + ({amount}) * INTERVAL '1 {unit.strip(chr(39))}' AS DATE)"


@compiles(ShiftDateBy, "snowflake")
def _shift_by_snowflake(element: ShiftDateBy, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(DATEADD({unit.strip(chr(39))}, {amount}, {expr}) AS DATE)"


@compiles(ShiftDateBy, "trino")
def _shift_by_trino(element: ShiftDateBy, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = (compiler.process(c, **kw) for c in element.clauses)
    return f"date_add({unit}, {amount}, {expr})"


@compiles(ShiftDateBy, "bigquery")
def _shift_by_bigquery(element: ShiftDateBy, compiler: Any, **kw: Any) -> str:
    expr, amount, unit = (compiler.process(c, **kw) for c in element.clauses)
    return f"DATE_ADD({expr}, INTERVAL ({amount}) {unit.strip(chr(39)).upper()})"


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

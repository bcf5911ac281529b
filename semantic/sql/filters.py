"""Question filters and time bounds as SQL conditions; every value is a bound parameter.

Dates against time dimensions are whole days ([day, day + 1)), whether the column holds dates or
timestamps. BigQuery will not compare a TIMESTAMP with a DATE, so there both sides become DATETIME.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.model import FilterUse


def _moment(col: ColumnElement, dialect: str) -> ColumnElement:
    return sa.cast(col, sa.DateTime) if dialect == "bigquery" else col


def _day(day: date, dialect: str) -> ColumnElement:
    if dialect == "bigquery":
        return sa.literal(datetime.combine(day, time()), sa.DateTime)
    return sa.literal(day, sa.Date)


def within_days(col: ColumnElement, first: date, last: date, dialect: str) -> ColumnElement:
    """first <= col < last + 1 day: inclusive dates, right for DATE and TIMESTAMP columns alike."""
    moment = _moment(col, dialect)
    return sa.and_(moment >= _day(first, dialect), moment < _day(last + timedelta(days=1), dialect))


def _day_filter(col: ColumnElement, op: str, days: tuple[date, ...], dialect: str) -> ColumnElement:
    """'eq 2025-11-03' matches 09:00 that day, 'lte' includes the day, 'gt' starts the next day."""
    moment = _moment(col, dialect)
    if op in ("eq", "in"):
        return sa.or_(*[within_days(col, d, d, dialect) for d in days])
    if op in ("neq", "not_in"):
        return sa.or_(sa.not_(sa.or_(*[within_days(col, d, d, dialect) for d in days])), col.is_(None))
    if op == "between":
        return within_days(col, days[0], days[1], dialect)
    day, next_day = _day(days[0], dialect), _day(days[0] + timedelta(days=1), dialect)
    return {"lt": lambda: moment < day, "lte": lambda: moment < next_day,
            "gt": lambda: moment >= next_day, "gte": lambda: moment >= day}[op]()


def _contains(col: ColumnElement, text: str, dialect: str) -> ColumnElement:
    if dialect == "bigquery":  # BigQuery's LIKE has no ESCAPE clause; STRPOS needs no escaping at all
        return sa.func.strpos(sa.func.lower(col), sa.func.lower(sa.literal(text))) > sa.literal_column("0")
    return col.icontains(text, autoescape=True)


def _is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def filter_sql(col: ColumnElement, flt: FilterUse, dialect: str) -> ColumnElement:
    values = flt.values
    if flt.dimension.dimension.type == "time":
        if values and all(_is_day(v) for v in values):
            return _day_filter(col, flt.op, values, dialect)
        col = _moment(col, dialect)
    if flt.op == "eq":
        return col == sa.literal(values[0])
    if flt.op == "neq":  # "not X" keeps rows where the value is unknown, as a business reader expects
        return sa.or_(col != sa.literal(values[0]), col.is_(None))
    if flt.op == "in":
        return col.in_([sa.literal(v) for v in values])
    if flt.op == "not_in":
        return sa.or_(col.not_in([sa.literal(v) for v in values]), col.is_(None))
    if flt.op == "between":
        return col.between(sa.literal(values[0]), sa.literal(values[1]))
    if flt.op == "is_null":
        return col.is_(None)
    if flt.op == "not_null":
        return col.is_not(None)
    if flt.op == "contains":
        return _contains(col, values[0], dialect)
    comparisons = {"gt": col.__gt__, "gte": col.__ge__, "lt": col.__lt__, "lte": col.__le__}
    return comparisons[flt.op](sa.literal(values[0]))

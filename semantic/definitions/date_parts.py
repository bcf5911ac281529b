"""Date parts: every time dimension also offers its day of week, week of quarter, month of year, hour...

A part is written after the time dimension it is taken from: `opportunity.created_at.day_of_week`. The names
and their meanings live here once, for validation, the planner, the catalogue and the docs; the SQL for each
dialect is in semantic/sql/date_parts.py. Every part is a whole number. Fiscal parts count from the start
of the fiscal year the calendar defines (`fiscal_year_start_month`); with a January start they equal the
calendar ones.
"""
from __future__ import annotations

from typing import Any, Mapping

DATE_PARTS: dict[str, str] = {
    "hour": "hour of the day, 0-23 (0 for a date without a time)",
    "day_of_week": "day of the week, 1 = Monday ... 7 = Sunday (ISO 8601, whatever the calendar's week_start)",
    "day_of_month": "day of the month, 1-31",
    "week_of_quarter": "week of the calendar quarter, 1-14: week 1 is the quarter's first seven days",
    "month_of_year": "month of the calendar year, 1 = January ... 12 = December",
    "quarter_of_year": "calendar quarter, 1-4",
    "fiscal_week_of_quarter": "week of the fiscal quarter, 1-14: week 1 is the fiscal quarter's first seven days",
    "fiscal_month_of_year": "month of the fiscal year, 1 = the month the fiscal year starts in ... 12",
    "fiscal_quarter_of_year": "fiscal quarter, 1-4",
}


def split_date_part(ref: str) -> tuple[str, str | None]:
    """`opportunity.created_at.day_of_week` -> (`opportunity.created_at`, `day_of_week`); a reference whose last
    name is not a date part, or that has no time dimension before it, comes back whole with no part.

    Whether the base really is a time dimension is for the caller to check: this is only the spelling."""
    base, _, last = ref.rpartition(".")
    if last in DATE_PARTS and base.count(".") >= 1:
        return base, last
    return ref, None


def part_of_time(entities: Mapping[str, Any], ref: str) -> tuple[str, str] | None:
    """(base, part) when `ref` is a date part of a time dimension that exists; else None."""
    base, part = split_date_part(ref)
    return (base, part) if part is not None and _is_time(entities, base) else None


def misspelt_part(entities: Mapping[str, Any], ref: str) -> tuple[str, str] | None:
    """(time dimension, name) when `ref` is a time dimension followed by a name that is no date part
    (`opportunity.closed_at.hours`), so the error can speak of date parts rather than of an unknown entity."""
    base, _, last = ref.rpartition(".")
    return (base, last) if last not in DATE_PARTS and base.count(".") >= 1 and _is_time(entities, base) else None


def _is_time(entities: Mapping[str, Any], ref: str) -> bool:
    *via, entity_name, dim_name = ref.split(".")
    entity = entities.get(entity_name)
    dim = entity.dimensions.get(dim_name) if entity is not None and all(v in entities for v in via) else None
    return dim is not None and dim.type == "time"


def part_label(dimension_label: str, part: str) -> str:
    """The column label of a part: `Created at (day of week)`."""
    return f"{dimension_label} ({part.replace('_', ' ')})"

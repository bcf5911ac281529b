"""Measures recorded per period (a quota per fiscal quarter): which questions they can answer.

A quota row covers a whole quarter but is placed in time by one date, its period's first day. Asked by
month, the whole quarter's quota would land in the quarter's first month and the next two would show none;
asked for a range that cuts a quarter, the range would carry the whole quarter's quota or none of it.
Both are wrong numbers, so the measure declares the finest grain it is recorded at (`grain:`) and such
questions are refused with E_GRAIN_TOO_FINE, saying how to ask instead. One home for the rule: the planner
calls `refuse_cut` per measure; validation (semantic/definitions/rules/recorded_grains.py) uses the same
checks for saved queries and cumulative metrics.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import NoReturn

from semantic.definitions.models import Calendar
from semantic.errors import SemanticError
from semantic.plan.calendar import GRAINS, period_start

CODE = "E_GRAIN_TOO_FINE"
_MONTHS = {"month": 1, "quarter": 3, "fiscal_quarter": 3, "year": 12, "fiscal_year": 12}


def _month_grid(grain: str, calendar: Calendar) -> tuple[int, int]:
    """(length in months, offset of a period start from January) of a month-based grain."""
    offset = calendar.fiscal_year_start_month - 1 if grain.startswith("fiscal_") else 0
    return _MONTHS[grain], offset % _MONTHS[grain]


def covers(asked: str, recorded: str, calendar: Calendar) -> bool:
    """True when every period of `asked` is a whole number of `recorded` periods (a fiscal year of fiscal
    quarters; a calendar quarter of fiscal quarters only when the fiscal year starts on a quarter)."""
    if recorded == "day" or asked == recorded:
        return True
    if asked == "day" or "week" in (asked, recorded):
        return False
    (length, offset), (unit, unit_offset) = _month_grid(asked, calendar), _month_grid(recorded, calendar)
    return length % unit == 0 and (offset - unit_offset) % unit == 0


def askable_grains(recorded: str, calendar: Calendar) -> list[str]:
    return [g for g in GRAINS if covers(g, recorded, calendar)]


def _starts_period(day: date, recorded: str, calendar: Calendar) -> bool:
    return period_start(day, recorded, calendar) == day


def shift_keeps_periods(shift: tuple, recorded: str) -> bool:
    """A comparison moves rows by (amount, 'month' | 'day'): a period start must land on a period start."""
    amount, unit = shift[:2]
    if recorded == "day":
        return True
    if recorded == "week":
        return unit == "day" and amount % 7 == 0
    return unit == "month" and amount % _MONTHS[recorded] == 0


def range_cut(bounds: tuple[date | None, date | None], recorded: str, calendar: Calendar) -> str | None:
    """Which end of an inclusive [first, last] range cuts a period of `recorded`, in words; None if none does."""
    first, last = bounds
    if first is not None and not _starts_period(first, recorded, calendar):
        return f"starts on {first}, inside a {recorded.replace('_', ' ')}"
    if last is not None and last < date.max and not _starts_period(last + timedelta(days=1), recorded, calendar):
        return f"ends on {last}, inside a {recorded.replace('_', ' ')}"
    return None


def grain_problem(measure: str, recorded: str, grain: str | None, calendar: Calendar) -> str | None:
    """Why asking `measure` at `grain` is refused (None when it is fine)."""
    if grain is None or covers(grain, recorded, calendar):
        return None
    return f"measure '{measure}' is recorded per {recorded.replace('_', ' ')}, so it cannot be cut by {grain}"


def _listed(recorded: str, calendar: Calendar) -> str:
    grains = askable_grains(recorded, calendar)
    return ", ".join(grains[:-1]) + " or " + grains[-1] if len(grains) > 1 else grains[0]


def cumulative_hint(recorded: str, calendar: Calendar) -> str:
    return (f"use a simple metric over the measure, asked per {_listed(recorded, calendar)}: a total over "
            "several periods is the sum of their whole periods")


def how_to_ask(recorded: str, calendar: Calendar) -> str:
    period = recorded.replace("_", " ")
    return (f"ask per {_listed(recorded, calendar)} (or without a grain) over whole periods, e.g. this_{recorded} "
            f"or a range from a {period}'s first day to a {period}'s last day")


def refuse_reach(measure: str, recorded: str, calendar: Calendar) -> NoReturn:
    """A cumulative metric totals its measure per day, which a measure recorded per period cannot give."""
    raise SemanticError(CODE, f"measure '{measure}' is recorded per {recorded.replace('_', ' ')}, so a cumulative "
                        "metric cannot total it day by day", cumulative_hint(recorded, calendar))


def refuse_cut(measure: str, recorded: str, grain: str | None, bounds: tuple[date | None, date | None] | None,
               calendar: Calendar, shift: tuple | None = None) -> None:
    """Raise E_GRAIN_TOO_FINE when the grain, the time range or a comparison's shift would split one of the
    measure's periods."""
    problem = grain_problem(measure, recorded, grain, calendar)
    if problem is None and shift is not None and not shift_keeps_periods(shift, recorded):
        problem = (f"measure '{measure}' is recorded per {recorded.replace('_', ' ')}, and the comparison moves it "
                   f"back {shift[0]} {shift[1]}s, onto the middle of a period")
    if problem is None and bounds is not None:
        cut = range_cut(bounds, recorded, calendar)
        if cut:
            problem = f"measure '{measure}' is recorded per {recorded.replace('_', ' ')}, and the time range {cut}"
    if problem:
        raise SemanticError(CODE, problem, how_to_ask(recorded, calendar))

"""Calendar arithmetic in Python: period starts for each grain and relative time ranges.

The SQL side truncates timestamps to periods (semantic/sql/timefns.py); this side computes the same period
starts for the date spine (so empty periods still appear) and resolves names like `this_fiscal_quarter`
against a 'today' in the calendar's time zone. Both follow the same rule: a fiscal period is the calendar
period of the date shifted back by (fiscal_year_start_month - 1) months, shifted forward again.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from semantic.definitions.models import Calendar, Grain, TimeRange
from semantic.definitions.relative_ranges import HELP, LAST_N, LAST_N_LIMITS, RELATIVE, TO_DATE, normalise
from semantic.plan.window import Reach
from semantic.errors import SemanticError

GRAINS: tuple[str, ...] = get_args(Grain)
MAX_SPINE_PERIODS = 20_000


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1) if d.day == 1 else _clamp(index // 12, index % 12 + 1, d.day)


def _clamp(year: int, month: int, day: int) -> date:
    for candidate in (day, 30, 29, 28):
        try:
            return date(year, month, min(day, candidate))
        except ValueError:
            continue
    raise ValueError("unreachable")


def period_start(d: date, grain: str, calendar: Calendar) -> date:
    """First day of the period of `grain` that contains `d`."""
    if grain == "day":
        return d
    if grain == "week":
        offset = d.weekday() if calendar.week_start == "monday" else (d.weekday() + 1) % 7
        return d - timedelta(days=offset)
    if grain == "month":
        return d.replace(day=1)
    if grain == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(d.year, 1, 1)
    shift = calendar.fiscal_year_start_month - 1
    shifted = add_months(d.replace(day=1), -shift)
    base = "quarter" if grain == "fiscal_quarter" else "year"
    return add_months(period_start(shifted, base, calendar), shift)


def next_period(start: date, grain: str) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "fiscal_quarter": 3, "year": 12, "fiscal_year": 12}[grain]
    return add_months(start, months)


def periods(start: date, end: date, grain: str, calendar: Calendar) -> list[date]:
    """Every period start whose period overlaps [start, end] (inclusive)."""
    out: list[date] = []
    current = period_start(start, grain, calendar)
    while current <= end:
        out.append(current)
        if len(out) > MAX_SPINE_PERIODS:
            raise SemanticError("E_BAD_TIME_RANGE", f"the time range has more than {MAX_SPINE_PERIODS} "
                                f"{grain} periods", "use a coarser grain or a shorter time range")
        try:
            current = next_period(current, grain)
        except (ValueError, OverflowError):  # the last period of year 9999
            break
    return out


def today_in(calendar: Calendar) -> date:
    try:
        return datetime.now(ZoneInfo(calendar.timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.utcnow().date()


def resolve_relative(name: str, today: date, calendar: Calendar) -> tuple[date, date]:
    """Inclusive [start, end] dates for a relative range name."""
    key = normalise(name)
    if key == "today":
        return today, today
    if key == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if m := RELATIVE.match(key):
        which, grain = m.groups()
        start = period_start(today, grain, calendar)
        if which == "last":
            start = period_start(start - timedelta(days=1), grain, calendar)
        elif which == "next":
            start = next_period(start, grain)
        return start, next_period(start, grain) - timedelta(days=1)
    if m := TO_DATE.match(key):
        return period_start(today, m.group(1), calendar), today
    if m := LAST_N.match(key):
        n, unit = int(m.group(1)), m.group(2)
        if not 1 <= n <= LAST_N_LIMITS[unit]:
            raise SemanticError("E_BAD_TIME_RANGE", f"'{name}': N must be between 1 and {LAST_N_LIMITS[unit]}",
                                "use a count of at least 1, within a century")
        if unit == "days":
            return today - timedelta(days=n - 1), today
        if unit == "weeks":
            return today - timedelta(days=7 * n - 1), today
        return add_months(today, -n) + timedelta(days=1), today
    raise SemanticError("E_BAD_TIME_RANGE", f"unknown relative time range '{name}'", f"use one of: {HELP}")


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise SemanticError("E_BAD_TIME_RANGE", f"{what} '{text}' is not a date",
                            "write dates as YYYY-MM-DD, or use a relative range such as 'this_quarter'") from None


Bounds = tuple[date | None, date | None]


def resolve_range(time_range: TimeRange | None, today: date, calendar: Calendar) -> Bounds | None:
    """The inclusive [start, end] of a question's time range (None for an open side), or None for no range."""
    try:
        return _resolve_range(time_range, today, calendar)
    except (ValueError, OverflowError):
        raise SemanticError("E_BAD_TIME_RANGE", "the time range runs past the calendar (years 1 to 9999)",
                            "use dates between 0001-01-01 and 9999-12-31") from None


def _resolve_range(time_range: TimeRange | None, today: date, calendar: Calendar) -> Bounds | None:
    if time_range is None:
        return None
    if time_range.relative:
        if time_range.start or time_range.end:
            raise SemanticError("E_BAD_TIME_RANGE", "give either a relative range or from/to dates, not both",
                                "drop `relative` or drop `from`/`to`")
        return resolve_relative(time_range.relative, today, calendar)
    if not time_range.start and not time_range.end:
        return None
    start = _endpoint(time_range.start, today, calendar, 0) if time_range.start else None
    end = _endpoint(time_range.end, today, calendar, 1) if time_range.end else None
    if start and end and end < start:
        raise SemanticError("E_BAD_TIME_RANGE", f"the time range ends ({end}) before it starts ({start})",
                            "swap `from` and `to`")
    return start, end


def _endpoint(text: str, today: date, calendar: Calendar, side: int) -> date:
    if re.match(r"^\d{4}-", text.strip()):
        return parse_date(text, "time range bound")
    return resolve_relative(text, today, calendar)[side]


GRAIN_STEP = {"day": (1, "day"), "week": (7, "day"), "month": (1, "month"), "quarter": (3, "month"),
              "fiscal_quarter": (3, "month"), "year": (12, "month"), "fiscal_year": (12, "month")}


def comparison_shift(compare_to: str, grain: str | None, bounds: Bounds | None) -> tuple[int, str]:
    """How far back a period-over-period metric looks, as (amount, 'month' | 'day').

    A year back is 12 months, or 52 weeks at the week grain so weekdays line up; the previous period is one
    grain step, or with no grain a range of the same length just before the question's range.
    """
    if bounds is None or None in bounds:
        raise SemanticError("E_BAD_REQUEST", "a period-over-period metric needs a time range with both ends",
                            "add a time range, e.g. --range this_fiscal_year or --from/--to")
    if compare_to == "same_period_last_year":
        return (364, "day") if grain == "week" else (12, "month")
    if grain is not None:
        return GRAIN_STEP[grain]
    first, last = bounds
    return ((last - first).days + 1, "day")


def shift_back(day: date, shift: tuple) -> date:
    """The same calendar day `shift` (amount, unit) earlier (months clamp to the month's end: Mar 31 -> Feb 28)."""
    amount, unit = shift[:2]
    return add_months(day, -amount) if unit == "month" else day - timedelta(days=amount)


def days_after_today(window: Bounds, today: date, grain: str | None, calendar: Calendar) -> tuple[date, date] | None:
    """The days of today's period (the whole range with no grain) after today, inside the window: a like-for-like
    comparison leaves out the earlier rows moved onto them, so both sides of today's period stop at the same
    offset. None when today is not inside the window before its last day (no period is to date)."""
    first, last = window
    if first is None or last is None or not first <= today < last:
        return None
    end = next_period(period_start(today, grain, calendar), grain) - timedelta(days=1) if grain else last
    return today + timedelta(days=1), min(end, last)


def last_day_moved_onto(today: date, shift: tuple) -> date:
    """The last earlier day that `shift` moves onto `today` or before: with months, 29 February 2024 moves
    onto 28 February 2025, so a year-earlier comparison to 28 February 2025 runs to 29 February 2024."""
    amount, unit = shift[:2]
    day = shift_back(today, shift)
    while (add_months(day, amount) if unit == "month" else day + timedelta(days=amount)) <= today:
        day += timedelta(days=1)
    return day - timedelta(days=1)


def days_moved_onto(first: date | None, last: date | None, shift: tuple) -> Bounds:
    """The earlier days `shift` moves into first..last (inclusive; None: open). Moving forward never reverses
    two days' order, so they are one run of days, found from where days land: with months several days can
    land on one (29 and 28 February 2024 both on 28 February 2025). Filtering the unmoved date by them lets
    the database skip rows while scanning, which a filter on the moved date prevents."""
    try:
        start = last_day_moved_onto(first - timedelta(days=1), shift) + timedelta(days=1) if first else None
    except (ValueError, OverflowError):  # the day before the first is before year 1: nothing earlier is left out
        start = None
    try:
        end = last_day_moved_onto(last, shift) if last else None
    except (ValueError, OverflowError):  # days moved past year 9999: nothing later is left out
        end = None
    return start, end


def reading_days(periods: tuple[date, ...], grain: str | None, last: date, shift: tuple | None,
                 today: date | None, calendar: Calendar) -> tuple[date, ...]:
    """The day a cumulative value is read on for each period shown (one value without a grain): its last day,
    or the range's last day if earlier. With a shift, the day its earlier period is read on, so an earlier
    quarter to date is that quarter's own (moving days instead would move quarter starts with a one-month
    shift); like for like (`today` given), the period holding today is read on the day today moves back to."""
    days = []
    for start in periods if grain else (None,):
        end = next_period(start, grain) - timedelta(days=1) if start and grain else last
        cap = today if today and (start is None or start <= today) and today < min(end, last) else last
        if shift is None:
            days.append(min(end, cap))
            continue
        earlier = period_start(shift_back(start, shift), grain, calendar) if start and grain else None
        earlier_end = next_period(earlier, grain) - timedelta(days=1) if earlier and grain else cap
        days.append(min(earlier_end, last_day_moved_onto(cap, shift)))
    return tuple(days)


def reach_start(day: date, reach: Reach, calendar: Calendar) -> date | None:
    """The first day a cumulative value read on `day` counts (mirrors semantic/sql/steps.py); None: all time."""
    if reach.grain_to_date:
        return period_start(day, reach.grain_to_date, calendar)
    if reach.unit == "month":
        return add_months(day, -(reach.count or 0)) + timedelta(days=1)
    if reach.unit is not None:
        return day - timedelta(days=(reach.count or 0) * (7 if reach.unit == "week" else 1) - 1)
    return None

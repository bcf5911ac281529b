"""Python's period arithmetic (used for the date spine) must agree with the SQL truncation, day by day."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from semantic.definitions.models import Calendar
from semantic.plan.calendar import GRAINS, days_moved_onto, period_start, periods, reading_days, resolve_relative
from semantic.sql import timefns

DAYS = [date(2023, 12, 1) + timedelta(days=i) for i in range(0, 800, 3)]


@pytest.mark.parametrize("fiscal_start", [1, 2, 4, 7, 12])
@pytest.mark.parametrize("week_start", ["monday", "sunday"])
def test_sql_and_python_periods_agree_on_duckdb(fiscal_start, week_start):
    calendar = Calendar(fiscal_year_start_month=fiscal_start, week_start=week_start)
    engine = sa.create_engine("duckdb:///:memory:")
    day = sa.column("d", sa.Date)
    values = sa.values(day, name="days").data([(d,) for d in DAYS])
    columns = [timefns.period_start(values.c.d, grain, calendar).label(grain) for grain in GRAINS]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(values.c.d, *columns)).fetchall()
    for row in rows:
        for grain, got in zip(GRAINS, row[1:]):
            assert got == period_start(row[0], grain, calendar), (row[0], grain)


def test_hand_checked_fiscal_periods():
    feb = Calendar(fiscal_year_start_month=2)
    assert period_start(date(2025, 1, 18), "fiscal_quarter", feb) == date(2024, 11, 1)
    assert period_start(date(2025, 1, 18), "fiscal_year", feb) == date(2024, 2, 1)
    assert period_start(date(2025, 2, 1), "fiscal_year", feb) == date(2025, 2, 1)
    assert period_start(date(2025, 1, 18), "week", Calendar(week_start="sunday")) == date(2025, 1, 12)
    assert period_start(date(2025, 1, 18), "week", Calendar()) == date(2025, 1, 13)


def test_periods_cover_the_range_inclusively():
    assert periods(date(2025, 2, 15), date(2025, 7, 1), "quarter", Calendar()) == [
        date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]


@pytest.mark.parametrize("name, expected", [
    ("today", (date(2025, 11, 15), date(2025, 11, 15))),
    ("this_quarter", (date(2025, 10, 1), date(2025, 12, 31))),
    ("last_quarter", (date(2025, 7, 1), date(2025, 9, 30))),
    ("next_quarter", (date(2026, 1, 1), date(2026, 3, 31))),
    ("this_fiscal_year", (date(2025, 2, 1), date(2026, 1, 31))),
    ("last_fiscal_quarter", (date(2025, 8, 1), date(2025, 10, 31))),  # FQs: Feb, May, Aug, Nov
    ("last_90_days", (date(2025, 8, 18), date(2025, 11, 15))),
    ("year_to_date", (date(2025, 1, 1), date(2025, 11, 15))),
    ("last_month", (date(2025, 10, 1), date(2025, 10, 31))),
    ("this_week", (date(2025, 11, 10), date(2025, 11, 16))),
])
def test_relative_ranges_against_a_fixed_today(name, expected):
    assert resolve_relative(name, date(2025, 11, 15), Calendar(fiscal_year_start_month=2)) == expected


@pytest.mark.parametrize("first, last, shift, expected", [
    (date(2025, 1, 1), date(2025, 3, 31), (12, "month"), (date(2024, 1, 1), date(2024, 3, 31))),
    (date(2025, 2, 28), date(2025, 2, 28), (12, "month"), (date(2024, 2, 28), date(2024, 2, 29))),  # two days land
    (date(2024, 2, 29), date(2024, 3, 1), (12, "month"), (date(2023, 3, 1), date(2023, 3, 1))),  # none lands on 29th
    (date(2025, 3, 29), None, (1, "month"), (date(2025, 3, 1), None)),  # 28 Feb lands on 28 Mar, 1 Mar on 1 Apr
    (None, date(2025, 11, 15), (7, "day"), (None, date(2025, 11, 8))),
])
def test_days_moved_onto_by_hand(first, last, shift, expected):
    assert days_moved_onto(first, last, shift) == expected


@pytest.mark.parametrize("shift", [(12, "month"), (3, "month"), (1, "month"), (7, "day")])
def test_days_moved_onto_are_the_days_sql_moves_into_the_range(shift):
    """Every day whose SQL shift lands in the range, and no other, lies between the two days returned."""
    engine = sa.create_engine("duckdb:///:memory:")
    day = sa.column("d", sa.Date)
    values = sa.values(day, name="days").data([(date(2023, 1, 1) + timedelta(days=i),) for i in range(1200)])
    moved = timefns.ShiftDate(values.c.d, shift[0], shift[1])
    with engine.connect() as conn:
        pairs = conn.execute(sa.select(values.c.d, moved)).fetchall()
    for first, last in [(date(2024, 2, 29), date(2024, 5, 31)), (date(2025, 1, 31), date(2025, 2, 28)),
                        (date(2024, 3, 1), date(2025, 2, 28)), (date(2024, 12, 31), date(2024, 12, 31))]:
        landing = [d for d, m in pairs if first <= m <= last]
        start, end = days_moved_onto(first, last, shift)
        if not landing:  # no day lands there (31 December from 30 September): an empty run
            assert start > end, (first, last)
            continue
        assert (start, end) == (min(landing), max(landing)), (first, last)
        assert len(landing) == (end - start).days + 1  # one run of days


@pytest.mark.parametrize("periods, grain, last, shift, today, expected", [
    ((date(2025, 6, 1),), "month", date(2025, 6, 15), None, None, (date(2025, 6, 15),)),  # the range's last day
    ((date(2025, 2, 1), date(2025, 3, 1)), "month", date(2025, 12, 31), (12, "month", True), None,
     (date(2024, 2, 29), date(2024, 3, 31))),  # February 2024 is read on its 29th
    ((date(2025, 4, 1),), "month", date(2025, 12, 31), (1, "month", True), None, (date(2025, 3, 31),)),
    ((date(2025, 10, 1),), "quarter", date(2025, 12, 31), (12, "month", True), date(2025, 11, 15),
     (date(2024, 11, 15),)),  # like for like: the quarter holding today, on the day today moves back to
    ((date(2025, 7, 1), date(2025, 10, 1)), "quarter", date(2025, 11, 20), (3, "month", True), None,
     (date(2025, 6, 30), date(2025, 8, 20))),  # the range's last day moves back too
    ((), None, date(2025, 6, 30), (12, "month", True), date(2025, 5, 10), (date(2024, 5, 10),)),
])
def test_reading_days_by_hand(periods, grain, last, shift, today, expected):
    assert reading_days(periods, grain, last, shift, today, Calendar()) == expected

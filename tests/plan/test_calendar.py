"""Python's period arithmetic (used for the date spine) must agree with the SQL truncation, day by day."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from semantic.definitions.models import Calendar
from semantic.plan.calendar import GRAINS, period_start, periods, resolve_relative
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

"""Which grains, ranges and shifts keep a measure recorded per period whole (semantic/plan/recorded_grain.py)."""
from __future__ import annotations

from datetime import date

import pytest

from semantic.definitions.models import Calendar
from semantic.errors import SemanticError
from semantic.plan.recorded_grain import covers, range_cut, refuse_cut, shift_keeps_periods

JAN, FEB, APR = Calendar(fiscal_year_start_month=1), Calendar(fiscal_year_start_month=2), Calendar(
    fiscal_year_start_month=4)


@pytest.mark.parametrize("asked, recorded, calendar, ok", [
    ("fiscal_quarter", "fiscal_quarter", FEB, True),
    ("fiscal_year", "fiscal_quarter", FEB, True),
    ("quarter", "fiscal_quarter", FEB, False),   # Jan-Mar holds parts of Nov-Jan and Feb-Apr
    ("year", "fiscal_quarter", FEB, False),
    ("quarter", "fiscal_quarter", APR, True),    # fiscal quarters start on calendar quarters
    ("year", "fiscal_quarter", APR, True),
    ("year", "fiscal_year", APR, False),
    ("quarter", "fiscal_quarter", JAN, True),
    ("month", "fiscal_quarter", JAN, False),
    ("week", "month", JAN, False),
    ("day", "week", JAN, False),
    ("month", "week", JAN, False),
    ("week", "day", JAN, True),
    ("fiscal_quarter", "month", FEB, True),
])
def test_covers(asked: str, recorded: str, calendar: Calendar, ok: bool) -> None:
    assert covers(asked, recorded, calendar) is ok


def test_range_cut() -> None:
    assert range_cut((date(2025, 2, 1), date(2025, 4, 30)), "fiscal_quarter", FEB) is None
    assert range_cut((date(2025, 1, 1), date(2025, 3, 31)), "fiscal_quarter", FEB) == \
        "starts on 2025-01-01, inside a fiscal quarter"
    assert range_cut((date(2025, 2, 1), date(2025, 3, 31)), "fiscal_quarter", FEB) == \
        "ends on 2025-03-31, inside a fiscal quarter"
    assert range_cut((None, date(2025, 4, 30)), "fiscal_quarter", FEB) is None
    assert range_cut((date(2025, 2, 1), None), "fiscal_quarter", FEB) is None


def test_shifts() -> None:
    assert shift_keeps_periods((12, "month", True), "fiscal_quarter")
    assert shift_keeps_periods((3, "month", True), "quarter")
    assert not shift_keeps_periods((1, "month", True), "quarter")
    assert not shift_keeps_periods((91, "day", True), "quarter")  # 'previous period' of a range without a grain
    assert shift_keeps_periods((364, "day", True), "week") and not shift_keeps_periods((12, "month", True), "week")


def test_refusal_names_the_measure_and_the_way_out() -> None:
    with pytest.raises(SemanticError) as info:
        refuse_cut("quota", "fiscal_quarter", "month", None, FEB)
    assert info.value.code == "E_GRAIN_TOO_FINE"
    assert info.value.message == "measure 'quota' is recorded per fiscal quarter, so it cannot be cut by month"
    assert info.value.hint.startswith("ask per fiscal_quarter or fiscal_year (or without a grain) over whole periods")
    refuse_cut("quota", "fiscal_quarter", "fiscal_year", (date(2025, 2, 1), date(2026, 1, 31)), FEB)  # fine

"""The load-time check of relative range names agrees with the planner that resolves them to dates."""
from __future__ import annotations

from datetime import date

import pytest

from semantic.definitions.models import Calendar
from semantic.definitions.relative_ranges import NAMES, bound_problem, relative_problem
from semantic.errors import SemanticError
from semantic.plan.calendar import resolve_relative

ODD = ["this_decade", "last_quater", "last_0_days", "last_36501_days", "last_5201_weeks", "last_1201_months",
       "next_90_days", "tomorrow", "", "Last Quarter", "this-fiscal-year", "last_36500_days", "last_1_weeks"]


@pytest.mark.parametrize("name", list(NAMES) + ODD)
def test_load_time_check_agrees_with_the_planner(name: str) -> None:
    try:
        resolve_relative(name, date(2025, 11, 15), Calendar())
        resolved = True
    except SemanticError:
        resolved = False
    assert (relative_problem(name) is None) == resolved


@pytest.mark.parametrize("text,ok", [("2025-01-31", True), ("2025-02-30", False), ("2025-13-01", False),
                                     ("this_quarter", True), ("end_of_time", False)])
def test_bounds_are_dates_or_relative_names(text: str, ok: bool) -> None:
    assert (bound_problem(text) is None) == ok

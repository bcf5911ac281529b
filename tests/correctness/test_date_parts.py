"""Date parts as dimensions (`opportunity.closed_at.day_of_week`, ...) on DuckDB and PostgreSQL.

Expected numbers are counted from the fixture's rows in Python (tests/fixtures/ledger_small.py) and checked
again with hand-written SQL in each engine's own date functions. Won deals, closed_at:
101 2024-03-31 Sun 15:00 (10k) | 102 2025-01-18 Sat 10:00 (5k) | 104 2025-02-01 Sat 00:00 (30k) |
105 2025-05-15 Thu 12:00 (8k) | 107 2025-10-05 Sun 11:00 (2k) | 109 2025-11-03 Mon 09:00 (12k) |
110 2025-08-20 Wed 14:00 (3k).
"""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by, hand_sql
from tests.fixtures.ledger_small import OPPORTUNITIES

WON = [o for o in OPPORTUNITIES if o["is_won"]]


def _is_postgres(layer: SemanticLayer) -> bool:
    return layer.database_url.startswith("postgresql")


def test_bookings_by_day_of_week_monday_is_one(layer: SemanticLayer) -> None:
    """ISO weekday: Monday = 1 ... Sunday = 7, whatever the engine's own convention."""
    expected = Counter()
    for o in WON:
        expected[o["closed_at"].isoweekday()] += o["amount"]
    rows = ask(layer, "bookings", dimensions=["opportunity.closed_at.day_of_week"])
    assert by(rows, "opportunity.closed_at.day_of_week", "bookings") == dict(expected)
    assert dict(expected) == {7: 12_000, 6: 35_000, 4: 8_000, 1: 12_000, 3: 3_000}  # read off the docstring
    weekday = "extract(isodow from closed_at)" if _is_postgres(layer) else "isodow(closed_at)"
    assert hand_sql(layer, f"select sum(amount) from opportunities where is_won and {weekday} = 6") == 35_000


def test_hour_and_month_and_quarter_of_year(layer: SemanticLayer) -> None:
    rows = ask(layer, "won_deals", dimensions=["opportunity.closed_at.hour"])
    assert by(rows, "opportunity.closed_at.hour", "won_deals") == dict(Counter(o["closed_at"].hour for o in WON))
    rows = ask(layer, "won_deals", dimensions=["opportunity.closed_at.month_of_year"])
    assert by(rows, "opportunity.closed_at.month_of_year", "won_deals") == \
        dict(Counter(o["closed_at"].month for o in WON))
    rows = ask(layer, "bookings", dimensions=["opportunity.closed_at.quarter_of_year"])
    assert by(rows, "opportunity.closed_at.quarter_of_year", "bookings") == {1: 45_000, 2: 8_000, 3: 3_000,
                                                                              4: 14_000}
    assert hand_sql(layer, "select sum(amount) from opportunities where is_won "
                           "and extract(quarter from closed_at) = 1") == 45_000


def test_week_of_quarter_counts_days_from_the_quarters_first_day(layer: SemanticLayer) -> None:
    """Week 1 is days 1-7 of the quarter: 03-31 is day 91 of leap 2024 (week 13), 01-18 day 18 (week 3), 02-01 day 32
    (week 5), 05-15 day 45 (week 7), 10-05 day 5 (week 1), 11-03 day 34 (week 5), 08-20 day 51 (week 8)."""
    quarter_start = {1: 1, 2: 4, 3: 7, 4: 10}
    expected = Counter()
    for o in WON:
        day = o["closed_at"].date()
        first = date(day.year, quarter_start[(day.month - 1) // 3 + 1], 1)
        expected[(day - first).days // 7 + 1] += 1
    assert dict(expected) == {13: 1, 3: 1, 5: 2, 7: 1, 1: 1, 8: 1}
    rows = ask(layer, "won_deals", dimensions=["opportunity.closed_at.week_of_quarter"])
    assert by(rows, "opportunity.closed_at.week_of_quarter", "won_deals") == dict(expected)
    days = "(cast(closed_at as date) - cast(date_trunc('quarter', closed_at) as date))"
    assert hand_sql(layer, f"select count(*) from opportunities where is_won and {days} between 28 and 34") == 2


def test_filter_on_a_date_part(layer: SemanticLayer) -> None:
    """Weekend closes: 101 and 107 (Sundays), 102 and 104 (Saturdays)."""
    rows = ask(layer, "bookings", filters=[{"dimension": "opportunity.closed_at.day_of_week", "op": "in",
                                            "values": [6, 7]}])
    assert rows == [{"bookings": 10_000 + 2_000 + 5_000 + 30_000}]


def test_fiscal_parts_count_from_the_fiscal_year(fiscal_layer: SemanticLayer) -> None:
    """Fiscal year from February: January is fiscal month 12 and fiscal Q4 (Nov-Jan), February month 1.
    102 (2025-01-18) is day 79 of the fiscal quarter starting 2024-11-01: fiscal week 12."""
    rows = ask(fiscal_layer, "won_deals", dimensions=["opportunity.closed_at.fiscal_month_of_year"])
    assert by(rows, "opportunity.closed_at.fiscal_month_of_year", "won_deals") == \
        dict(Counter((o["closed_at"].month - 2) % 12 + 1 for o in WON))
    rows = ask(fiscal_layer, "bookings", dimensions=["opportunity.closed_at.fiscal_quarter_of_year"])
    fiscal_quarters = Counter()
    for o in WON:
        fiscal_quarters[((o["closed_at"].month - 2) % 12) // 3 + 1] += o["amount"]
    assert by(rows, "opportunity.closed_at.fiscal_quarter_of_year", "bookings") == dict(fiscal_quarters)
    rows = ask(fiscal_layer, "bookings", dimensions=["opportunity.closed_at.fiscal_week_of_quarter"],
               time_range={"from": "2025-01-01", "to": "2025-01-31"})
    assert rows == [{"opportunity.closed_at.fiscal_week_of_quarter": 12, "bookings": 5_000}]
    assert (date(2025, 1, 18) - date(2024, 11, 1)).days // 7 + 1 == 12


def test_calendar_parts_ignore_the_fiscal_setting(fiscal_layer: SemanticLayer) -> None:
    rows = ask(fiscal_layer, "won_deals", dimensions=["opportunity.closed_at.month_of_year"],
               time_range={"from": "2025-01-01", "to": "2025-02-28"})
    assert by(rows, "opportunity.closed_at.month_of_year", "won_deals") == {1: 1, 2: 1}


def test_a_part_of_a_dimension_that_is_not_a_time_is_refused(layer: SemanticLayer) -> None:
    with pytest.raises(SemanticError) as err:
        ask(layer, "bookings", dimensions=["account.segment.day_of_week"])
    assert err.value.code == "E_NOT_A_TIME_DIMENSION"
    with pytest.raises(SemanticError) as err:
        ask(layer, "bookings", dimensions=["opportunity.closed_at.hours"])
    assert err.value.code == "E_UNKNOWN_DIMENSION"
    assert err.value.message == "'hours' is not a date part of 'opportunity.closed_at' (did you mean 'hour'?)"
    assert "day_of_week" in err.value.hint

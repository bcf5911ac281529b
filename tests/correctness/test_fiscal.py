"""Fiscal years starting in February (a copy of the starter project with fiscal_year_start_month: 2).

Fiscal quarters are Feb-Apr, May-Jul, Aug-Oct, Nov-Jan; `period` is the first day of the fiscal period, so
a January close belongs to the fiscal year (and Q4) that began the previous February/November.
Won deals: 101 2024-03-31 (10k) | 102 2025-01-18 (5k) | 104 2025-02-01 00:00 (30k) | 105 2025-05-15 (8k) |
110 2025-08-20 (3k) | 107 2025-10-05 (2k) | 109 2025-11-03 (12k).
"""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by, hand_sql, total

FISCAL_RANGE = {"from": "2024-02-01", "to": "2026-01-31"}


def test_bookings_by_fiscal_quarter(fiscal_layer: SemanticLayer) -> None:
    """102 (Jan 18) is fiscal Q4 starting 2024-11-01; 104 (Feb 1) opens FY2025; empty quarters are 0."""
    rows = ask(fiscal_layer, "bookings", "won_deals", grain="fiscal_quarter", time_range=FISCAL_RANGE)
    assert [(r["period"], r["bookings"], r["won_deals"]) for r in rows] == [
        ("2024-02-01", 10_000, 1),  # 101
        ("2024-05-01", 0, 0),
        ("2024-08-01", 0, 0),
        ("2024-11-01", 5_000, 1),   # 102, closed in January 2025
        ("2025-02-01", 30_000, 1),  # 104 at midnight of the fiscal new year
        ("2025-05-01", 8_000, 1),   # 105
        ("2025-08-01", 5_000, 2),   # 110 + 107
        ("2025-11-01", 12_000, 1),  # 109
    ]


def test_fiscal_quarter_matches_hand_sql(fiscal_layer: SemanticLayer) -> None:
    """The fiscal Q4 that holds January is [2024-11-01, 2025-02-01) in hand-written SQL."""
    rows = ask(fiscal_layer, "bookings", grain="fiscal_quarter",
               time_range={"from": "2024-11-01", "to": "2025-01-31"})
    assert rows == [{"period": "2024-11-01", "bookings": 5_000}]
    assert hand_sql(fiscal_layer, "select sum(amount) from opportunities where is_won "
                                  "and closed_at >= date '2024-11-01' and closed_at < date '2025-02-01'") == 5_000


def test_bookings_by_fiscal_year(fiscal_layer: SemanticLayer) -> None:
    """FY starting 2024-02-01 holds 101 and the January close 102; FY 2025-02-01 holds the rest."""
    rows = ask(fiscal_layer, "bookings", "win_rate", grain="fiscal_year", time_range=FISCAL_RANGE)
    assert by(rows, "period", "bookings") == {"2024-02-01": 15_000, "2025-02-01": 55_000}
    # FY2024: won 101, 102 / closed + 103 lost; FY2025: won 104, 105, 110, 107, 109 / closed + 106, 108
    assert by(rows, "period", "win_rate") == {"2024-02-01": pytest.approx(2 / 3), "2025-02-01": pytest.approx(5 / 7)}


def test_range_starting_mid_fiscal_period(fiscal_layer: SemanticLayer) -> None:
    """A calendar Q1 2025 range touches two fiscal quarters; each row is labelled by its fiscal start."""
    rows = ask(fiscal_layer, "bookings", grain="fiscal_quarter",
               time_range={"from": "2025-01-01", "to": "2025-03-31"})
    assert rows == [{"period": "2024-11-01", "bookings": 5_000}, {"period": "2025-02-01", "bookings": 30_000}]


def test_activities_by_fiscal_year_without_range(fiscal_layer: SemanticLayer) -> None:
    """No range, no spine: FY2024 = 1, 2, 3, 4, 25, 30 plus January 2025's 5 and 6; FY2025 the other 22."""
    rows = ask(fiscal_layer, "activities", grain="fiscal_year")
    assert rows == [{"period": "2024-02-01", "activities": 8}, {"period": "2025-02-01", "activities": 22}]


def test_calendar_quarters_ignore_the_fiscal_setting(fiscal_layer: SemanticLayer) -> None:
    """grain 'quarter' stays the calendar quarter: 2025Q1 holds 102 and 104."""
    rows = ask(fiscal_layer, "bookings", grain="quarter", time_range={"from": "2025-01-01", "to": "2025-03-31"})
    assert rows == [{"period": "2025-01-01", "bookings": 35_000}]


def test_fiscal_relative_ranges(fiscal_layer: SemanticLayer) -> None:
    """Today 2025-11-15: this fiscal year is 2025-02-01..2026-01-31 (its last day includes 113's close
    2026-01-31); last fiscal year 2024-02-01..2025-01-31; this fiscal quarter 2025-11-01..2026-01-31."""
    assert ask(fiscal_layer, "bookings", "won_deals", "open_pipeline", time_range={"relative": "this_fiscal_year"}) \
        == [{"bookings": 55_000, "won_deals": 5, "open_pipeline": 76_000}]  # open 111+112+113+115
    assert total(fiscal_layer, "bookings", time_range={"relative": "last_fiscal_year"}) == 15_000
    assert ask(fiscal_layer, "bookings", "open_pipeline", time_range={"relative": "this_fiscal_quarter"}) == [
        {"bookings": 12_000, "open_pipeline": 70_000}]  # 109; open 111 + 112 + 113


def test_fiscal_year_to_date(fiscal_layer: SemanticLayer) -> None:
    """fiscal_year_to_date = 2025-02-01..2025-11-15: wins 104, 105, 110, 107, 109; leads 5 (02-14)
    ..14 minus duplicate 11 = 9."""
    assert ask(fiscal_layer, "bookings", "leads", time_range={"relative": "fiscal_year_to_date"}) == [
        {"bookings": 55_000, "leads": 9}]

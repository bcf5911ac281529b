"""Grains, empty periods, inclusive date ranges, relative ranges and time-dimension overrides.

Won deals by closed_at (quarter): 2024Q1 101 (10k, 2024-03-31 15:00); 2025Q1 102 (5k, 01-18), 104 (30k, 02-01);
2025Q2 105 (8k); 2025Q3 110 (3k); 2025Q4 107 (2k, 10-05), 109 (12k, 11-03).
Lost deals by closed_at: 2024Q3 103 (07-01); 2025Q2 106 (06-30 18:00); 2025Q3 108 (09-10).
Today is 2025-11-15.
"""
from __future__ import annotations

from typing import Any

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by, hand_sql, total

QUARTERS_2024_2025 = ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01",
                      "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
RANGE_2024_2025 = {"from": "2024-01-01", "to": "2025-12-31"}


def test_bookings_by_quarter_has_every_period(layer: SemanticLayer) -> None:
    """Every quarter of the range appears in order; quarters with no win are 0, not missing."""
    rows = ask(layer, "bookings", "won_deals", grain="quarter", time_range=RANGE_2024_2025)
    assert [r["period"] for r in rows] == QUARTERS_2024_2025
    assert [r["bookings"] for r in rows] == [10_000, 0, 0, 0, 35_000, 8_000, 3_000, 14_000]
    assert [r["won_deals"] for r in rows] == [1, 0, 0, 0, 2, 1, 1, 2]


def test_ratios_and_averages_of_empty_periods_are_none(layer: SemanticLayer) -> None:
    """0/0 is None (never an error or 0); averages over no rows are None."""
    rows = ask(layer, "win_rate", "win_rate_amount", "avg_deal_size", "bookings_per_won_deal_check",
               "sales_cycle_days", grain="quarter", time_range=RANGE_2024_2025)
    # 2024Q1 1/1; Q2 none closed; Q3 only the loss 103; Q4 none; 2025Q1 2/2; Q2 105 won, 106 lost;
    # Q3 110 won, 108 lost; Q4 107, 109 won
    assert [r["win_rate"] for r in rows] == [1.0, None, 0.0, None, 1.0, 0.5, 0.5, 1.0]
    # amounts: Q2 8k/(8k+4k); Q3 3k/(3k+16k)
    amount_rates = [r["win_rate_amount"] for r in rows]
    assert amount_rates[1] is None and amount_rates[3] is None
    assert [amount_rates[i] for i in (0, 2, 4, 5, 6, 7)] == pytest.approx([1.0, 0.0, 1.0, 8 / 12, 3 / 19, 1.0])
    assert [r["avg_deal_size"] for r in rows] == [10_000, None, None, None, 17_500, 8_000, 3_000, 7_000]
    assert [r["bookings_per_won_deal_check"] for r in rows] == [r["avg_deal_size"] for r in rows]
    # cycle days: 2024Q1 101: 81; 2025Q1 (231 + 153) / 2; Q2 75; Q3 80; Q4 (87 + 94) / 2
    assert [r["sales_cycle_days"] for r in rows] == [81, None, None, None, 192, 75, 80, 90.5]


def test_activity_months_with_gaps(layer: SemanticLayer) -> None:
    """Activities Jan..Jun 2024: March has 1 and 2 (both linked); May has 25 (unlinked); the rest none."""
    rows = ask(layer, "activities", "meetings", "activity_opportunity_coverage", grain="month",
               time_range={"from": "2024-01-01", "to": "2024-06-30"})
    assert [r["period"] for r in rows] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
                                           "2024-05-01", "2024-06-01"]
    assert [r["activities"] for r in rows] == [0, 0, 2, 0, 1, 0]
    assert [r["meetings"] for r in rows] == [0, 0, 1, 0, 0, 0]
    assert [r["activity_opportunity_coverage"] for r in rows] == [None, None, 1.0, None, 0.0, None]


def test_funnel_by_quarter_each_on_its_own_date(layer: SemanticLayer) -> None:
    """leads by created_at, MQLs by mql_at, SQLs by sql_at, conversion by the leads' creation quarter."""
    rows = ask(layer, "leads", "mqls", "sqls", "lead_to_mql_rate", grain="quarter",
               time_range={"from": "2024-10-01", "to": "2025-12-31"})
    assert [r["period"] for r in rows] == ["2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
    # created: 2024Q4 {1}; 2025Q1 {2,3,5,6} (+4 dup); Q2 {7,8,9}; Q3 {10,12} (+11 dup); Q4 {13,14,15}
    assert [r["leads"] for r in rows] == [1, 4, 3, 2, 3]
    # mql_at: Q1 2 (01-20), 3 (02-03), 4 (02-01), 6 (03-10); Q2 8; Q3 10; Q4 12, 14
    assert [r["mqls"] for r in rows] == [0, 4, 1, 1, 2]
    # sql_at: Q1 3 (02-20); Q2 6 (04-02); Q3 10 (08-01); Q4 14 (11-14)
    assert [r["sqls"] for r in rows] == [0, 1, 1, 1, 1]
    # of the leads created: 2024Q4 0/1; Q1 {2,3,6}/4; Q2 {8}/3; Q3 {10,12}/2; Q4 {14}/3
    assert [r["lead_to_mql_rate"] for r in rows] == pytest.approx([0.0, 3 / 4, 1 / 3, 1.0, 1 / 3])


def test_lead_to_mql_rate_empty_period_is_none(layer: SemanticLayer) -> None:
    """No lead was created before 2024-12-20, so the conversion rate of those quarters is None."""
    rows = ask(layer, "leads", "lead_to_mql_rate", grain="quarter",
               time_range={"from": "2024-01-01", "to": "2024-09-30"})
    assert rows == [{"period": p, "leads": 0, "lead_to_mql_rate": None}
                    for p in ("2024-01-01", "2024-04-01", "2024-07-01")]


def test_time_range_bounds_are_inclusive_dates(layer: SemanticLayer) -> None:
    """to=2024-03-31 includes 101 closed at 15:00 that day; from=2025-02-01 includes 104 at 00:00."""
    assert total(layer, "bookings", time_range={"from": "2024-03-31", "to": "2024-03-31"}) == 10_000
    assert total(layer, "bookings", time_range={"from": "2024-01-01", "to": "2024-03-30"}) == 0
    assert total(layer, "bookings", time_range={"from": "2025-02-01", "to": "2025-02-01"}) == 30_000
    # activity 11 at 2025-06-30 23:59 and 12 at 2025-07-01 00:00 fall on either side of the quarter line
    assert total(layer, "activities", time_range={"from": "2025-06-30", "to": "2025-06-30"}) == 1
    assert total(layer, "activities", time_range={"from": "2025-07-01", "to": "2025-07-01"}) == 1


def test_time_range_against_hand_sql(layer: SemanticLayer) -> None:
    """Each measure uses its own time column: pipeline by close_date, bookings by closed_at, activities by
    occurred_at, pipeline created by created_at; all over 2025-07-01..2025-09-30."""
    row = ask(layer, "open_pipeline", "bookings", "activities", "pipeline_created",
              time_range={"from": "2025-07-01", "to": "2025-09-30"})[0]
    lo, hi = "date '2025-07-01'", "date '2025-10-01'"
    # 115 (close 09-30) = 6k
    assert row["open_pipeline"] == 6_000 == hand_sql(
        layer, f"select sum(amount) from opportunities where not is_closed and close_date >= {lo} "
               f"and close_date < {hi}")
    # 110 = 3k (107 closed 10-05)
    assert row["bookings"] == 3_000 == hand_sql(
        layer, f"select sum(amount) from opportunities where is_won and closed_at >= {lo} and closed_at < {hi}")
    # 12, 13, 14, 15, 16, 27, 28
    assert row["activities"] == 7 == hand_sql(
        layer, f"select count(*) from activities where occurred_at >= {lo} and occurred_at < {hi}")
    # created 107 (2k, 07-10), 109 (12k, 08-01), 111 (40k, 09-01), 112 (10k, 08-15)
    assert row["pipeline_created"] == 64_000 == hand_sql(
        layer, f"select sum(amount) from opportunities where created_at >= {lo} and created_at < {hi}")


def test_open_pipeline_by_close_quarter(layer: SemanticLayer) -> None:
    """Open deals by close_date: 2025Q3 115 (6k); Q4 111 + 112 (50k); 2026Q1 113 + 114 (24k)."""
    rows = ask(layer, "open_pipeline", "weighted_pipeline", grain="quarter",
               time_range={"from": "2025-07-01", "to": "2026-03-31"})
    assert by(rows, "period", "open_pipeline") == {"2025-07-01": 6_000, "2025-10-01": 50_000, "2026-01-01": 24_000}
    assert by(rows, "period", "weighted_pipeline") == {
        "2025-07-01": pytest.approx(600), "2025-10-01": pytest.approx(37_000), "2026-01-01": pytest.approx(5_200)}


def test_grain_without_range_lists_only_periods_with_data(layer: SemanticLayer) -> None:
    """Without a range there is no spine: new logos by first-win year are 2024: Acme; 2025: the other four."""
    rows = ask(layer, "new_logos", grain="year")
    assert rows == [{"period": "2024-01-01", "new_logos": 1}, {"period": "2025-01-01", "new_logos": 4}]


def test_grain_with_dimension_fills_every_period_for_every_value(layer: SemanticLayer) -> None:
    """Bookings by year and segment: each segment appears in both years, 0 where it booked nothing."""
    rows = ask(layer, "bookings", dimensions=("account.segment",), grain="year", time_range=RANGE_2024_2025)
    assert by(rows, ("period", "account.segment"), "bookings") == {
        ("2024-01-01", "Enterprise"): 10_000, ("2024-01-01", "Mid-Market"): 0,
        ("2024-01-01", "SMB"): 0, ("2024-01-01", None): 0,
        ("2025-01-01", "Enterprise"): 35_000, ("2025-01-01", "Mid-Market"): 8_000,
        ("2025-01-01", "SMB"): 2_000, ("2025-01-01", None): 15_000,
    }


def test_two_entities_by_month_and_segment(layer: SemanticLayer) -> None:
    """Bookings and activities by month and segment in Q4 2025 (to 11-15): no fan-out per period either.
    Oct: 107 Umbrella (SMB) 2k; activities 17 Globex, 18 Initech, 23 no account.
    Nov: 109 Stark (NULL) 12k; activities 19 Umbrella, 20 Hooli, 21 Stark, 22 none, 29 Stark."""
    rows = ask(layer, "bookings", "activities", dimensions=("account.segment",), grain="month",
               time_range={"from": "2025-10-01", "to": "2025-11-15"})
    got = {(r["period"], r["account.segment"]): (r["bookings"], r["activities"]) for r in rows}
    assert got == {
        ("2025-10-01", "Enterprise"): (0, 1), ("2025-10-01", "Mid-Market"): (0, 1),
        ("2025-10-01", "SMB"): (2_000, 0), ("2025-10-01", None): (0, 1),
        ("2025-11-01", "Enterprise"): (0, 0), ("2025-11-01", "Mid-Market"): (0, 0),
        ("2025-11-01", "SMB"): (0, 2), ("2025-11-01", None): (12_000, 3),
    }


RELATIVE_CASES: list[tuple[str, dict[str, Any]]] = [
    # 2025-10-01..12-31: wins 107, 109; open 111 (12-15), 112 (11-30);
    # activities 17, 18, 19, 20, 21, 22, 23, 24 (12-01), 29
    ("this_quarter", {"bookings": 14_000, "open_pipeline": 50_000, "activities": 9, "won_deals": 2}),
    # 2025-07-01..09-30: win 110; open 115 (09-30); activities 12, 13, 14, 15, 16, 27, 28
    ("last_quarter", {"bookings": 3_000, "open_pipeline": 6_000, "activities": 7, "won_deals": 1}),
    # calendar 2025: wins 102, 104, 105, 110, 107, 109; every activity except 1-4, 25, 30
    ("this_fiscal_year", {"bookings": 60_000, "open_pipeline": 56_000, "activities": 24, "won_deals": 6}),
    # 2025-08-18..11-15: wins 110 (08-20), 107, 109; open 115 (09-30) only (112 closes 11-30, 111 12-15);
    # activities 13 (08-18 09:00), 15..23, 28, 29 (14 is 08-17, 24 is 12-01)
    ("last_90_days", {"bookings": 17_000, "open_pipeline": 6_000, "activities": 12, "won_deals": 3}),
    # 2025-01-01..11-15: all 2025 wins; open 115 only (09-30); 2025 activities but 24 (12-01)
    ("year_to_date", {"bookings": 60_000, "open_pipeline": 6_000, "activities": 23, "won_deals": 6}),
]


@pytest.mark.parametrize("relative,expected", RELATIVE_CASES, ids=[c[0] for c in RELATIVE_CASES])
def test_relative_ranges(layer: SemanticLayer, relative: str, expected: dict[str, Any]) -> None:
    """Relative ranges resolve against the fixed today 2025-11-15, each measure on its own time column."""
    assert ask(layer, *expected, time_range={"relative": relative}) == [expected]


def test_relative_range_funnel(layer: SemanticLayer) -> None:
    """Year to date: leads 2..14 minus duplicates 4, 11 = 11 (15 is 11-20); every MQL date is in 2025."""
    assert ask(layer, "leads", "mqls", "sqls", time_range={"relative": "year_to_date"}) == [
        {"leads": 11, "mqls": 8, "sqls": 4}]


def test_time_dimension_override(layer: SemanticLayer) -> None:
    """By expected close_date instead of closed_at, 102 moves to 2024 (close 2024-12-20, closed 2025-01-18)
    and 107 moves from Q4 to Q3 (close 09-30, closed 10-05)."""
    default = ask(layer, "bookings", grain="year", time_range=RANGE_2024_2025)
    assert by(default, "period", "bookings") == {"2024-01-01": 10_000, "2025-01-01": 60_000}
    override = ask(layer, "bookings", grain="year", time_range=RANGE_2024_2025,
                   time_dimension="opportunity.close_date")
    assert by(override, "period", "bookings") == {"2024-01-01": 15_000, "2025-01-01": 55_000}
    q4 = {"from": "2025-10-01", "to": "2025-12-31"}
    assert total(layer, "bookings", time_range=q4) == 14_000
    assert total(layer, "bookings", time_range=q4, time_dimension="opportunity.close_date") == 12_000

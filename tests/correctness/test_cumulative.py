"""Cumulative metrics against hand counts and hand-written SQL on the small ledger, on DuckDB and PostgreSQL.

A period's value is the running total read on its last day (or the range's last day, if earlier); the
window reads days before the range. Won deals (closed_at): 101 2024-03-31 10k | 102 2025-01-18 5k |
104 2025-02-01 30k | 105 2025-05-15 8k | 110 2025-08-20 3k | 107 2025-10-05 2k | 109 2025-11-03 12k.
Created (created_at): 101 2024-01-10 10k | 103 2024-02-15 50k | 102 2024-06-01 5k | 104 2024-09-01 30k |
105 2025-03-01 8k | 106 2025-04-01 4k | 108 2025-05-01 16k | 110 2025-06-01 3k | 115 2025-06-10 6k | ...
"""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.conftest import layer_with
from tests.correctness.helpers import ask, by, hand_sql, total

EXTRA = """
metrics:
  created_50d: {type: cumulative, measure: created_amount, window: 50 days}
  created_1_month: {type: cumulative, measure: created_amount, window: 1 month}
  bookings_all_time: {type: cumulative, measure: won_amount}
  won_deals_mtd: {type: cumulative, measure: won_deals, grain_to_date: month}
  bookings_qtd_growth: {type: period_over_period, metric: bookings_qtd}
  core_bookings_ytd: {type: cumulative, measure: won_amount, filter: "product = 'Core'", grain_to_date: year}
  core_bookings_ytd_k: {type: derived, expr: core_bookings_ytd / 1000}
"""


@pytest.fixture(scope="module")
def extended(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(EXTRA, ledger_url, tmp_path_factory)


def won_between(first: str, after_last: str) -> str:
    return (f"select coalesce(sum(amount), 0) from opportunities where is_won and closed_at >= date '{first}' "
            f"and closed_at < date '{after_last}'")


def created_between(first: str, after_last: str) -> str:
    return (f"select coalesce(sum(amount), 0) from opportunities where created_at >= date '{first}' "
            f"and created_at < date '{after_last}'")


def test_quarter_to_date_by_quarter_with_empty_quarters(layer: SemanticLayer) -> None:
    """Each quarter's value is its full total; the three quarters without a win in 2024 are 0, not missing."""
    rows = ask(layer, "bookings_qtd", grain="quarter", time_range={"from": "2024-01-01", "to": "2025-12-31"})
    assert by(rows, "period", "bookings_qtd") == {
        "2024-01-01": 10_000, "2024-04-01": 0, "2024-07-01": 0, "2024-10-01": 0,
        "2025-01-01": 35_000,  # 102 + 104
        "2025-04-01": 8_000, "2025-07-01": 3_000,
        "2025-10-01": 14_000,  # 107 + 109
    }
    assert hand_sql(layer, won_between("2025-10-01", "2026-01-01")) == 14_000


def test_quarter_to_date_by_month_reads_each_months_last_day(layer: SemanticLayer) -> None:
    """March holds January and February; April starts a new quarter; June is read on the range's last day."""
    rows = ask(layer, "bookings", "bookings_qtd", grain="month", time_range={"from": "2025-01-01", "to": "2025-06-15"})
    assert [(r["period"], r["bookings"], r["bookings_qtd"]) for r in rows] == [
        ("2025-01-01", 5_000, 5_000), ("2025-02-01", 30_000, 35_000), ("2025-03-01", 0, 35_000),
        ("2025-04-01", 0, 0), ("2025-05-01", 8_000, 8_000), ("2025-06-01", 0, 8_000)]
    assert hand_sql(layer, won_between("2025-01-01", "2025-04-01")) == 35_000


def test_trailing_window_reaches_before_the_range(layer: SemanticLayer) -> None:
    """Read on 2024-11-29 the 90 days start 2024-09-01, the day 104 (30k) was created; a day later they do not."""
    rows = ask(layer, "pipeline_created_90d", grain="day", time_range={"from": "2024-11-28", "to": "2024-11-30"})
    assert by(rows, "period", "pipeline_created_90d") == {"2024-11-28": 30_000, "2024-11-29": 30_000,
                                                         "2024-11-30": 0}
    assert hand_sql(layer, created_between("2024-09-01", "2024-11-30")) == 30_000
    assert hand_sql(layer, created_between("2024-09-02", "2024-12-01")) == 0


def test_29_february(extended: SemanticLayer) -> None:
    """50 days back from 28 Feb 2024 is 10 Jan (101 counts); from 29 Feb it is 11 Jan; 29 Feb is a day of its own."""
    rows = ask(extended, "created_50d", grain="day", time_range={"from": "2024-02-28", "to": "2024-03-01"})
    assert by(rows, "period", "created_50d") == {"2024-02-28": 60_000, "2024-02-29": 50_000, "2024-03-01": 50_000}
    assert hand_sql(extended, created_between("2024-01-11", "2024-03-01")) == 50_000
    # February 2024 is read on its 29th: 90 days back is 2023-12-02, so 101 and 103
    rows = ask(extended, "pipeline_created_90d", grain="month", time_range={"from": "2024-01-01", "to": "2024-02-29"})
    assert by(rows, "period", "pipeline_created_90d") == {"2024-01-01": 10_000, "2024-02-01": 60_000}
    # a month back from 2024-03-29 is 2024-02-29, so the month is [03-01, 03-29]: 103 (02-15) is out
    assert total(extended, "created_1_month", time_range={"from": "2024-03-01", "to": "2024-03-14"}) == 50_000
    assert total(extended, "created_1_month", time_range={"from": "2024-03-01", "to": "2024-03-29"}) == 0


def test_fiscal_year_starting_in_february(fiscal_layer: SemanticLayer) -> None:
    """FY from 2024-02-01 holds 101 (March 2024) and 102 (January 2025); 104 opens the next on 2025-02-01."""
    rows = ask(fiscal_layer, "bookings_fytd", grain="month", time_range={"from": "2025-01-01", "to": "2025-03-31"})
    assert by(rows, "period", "bookings_fytd") == {"2025-01-01": 15_000, "2025-02-01": 30_000, "2025-03-01": 30_000}
    assert hand_sql(fiscal_layer, won_between("2024-02-01", "2025-02-01")) == 15_000
    rows = ask(fiscal_layer, "bookings_fytd", grain="fiscal_quarter",
               time_range={"from": "2024-11-01", "to": "2025-04-30"})
    assert by(rows, "period", "bookings_fytd") == {"2024-11-01": 15_000, "2025-02-01": 30_000}


def test_without_a_time_range(extended: SemanticLayer) -> None:
    """All time, by year: 2024 holds 101; 2025 adds the other six. With no grain: read on the data's last day.
    By quarter, every quarter from the first win's to the last win's appears, the empty ones too."""
    rows = ask(extended, "bookings_all_time", grain="year")
    assert by(rows, "period", "bookings_all_time") == {"2024-01-01": 10_000, "2025-01-01": 70_000}
    rows = ask(extended, "bookings_qtd", "bookings_all_time", grain="quarter")
    assert [(r["period"], r["bookings_qtd"], r["bookings_all_time"]) for r in rows] == [
        ("2024-01-01", 10_000, 10_000), ("2024-04-01", 0, 10_000), ("2024-07-01", 0, 10_000),
        ("2024-10-01", 0, 10_000), ("2025-01-01", 35_000, 45_000), ("2025-04-01", 8_000, 53_000),
        ("2025-07-01", 3_000, 56_000), ("2025-10-01", 14_000, 70_000)]
    assert hand_sql(extended, won_between("2000-01-01", "2025-07-01")) == 53_000
    assert total(extended, "bookings_all_time") == hand_sql(extended, won_between("2000-01-01", "2100-01-01")) \
        == 70_000


def test_count_month_to_date_with_a_dimension(extended: SemanticLayer) -> None:
    """Won deals month to date by segment in Q1 2025: 102 (Acme) in January, 104 (Globex) in February."""
    rows = ask(extended, "won_deals_mtd", dimensions=["account.segment"], grain="month",
               time_range={"from": "2025-01-01", "to": "2025-03-31"})
    assert by(rows, ("period", "account.segment"), "won_deals_mtd") == {
        ("2025-01-01", "Enterprise"): 1, ("2025-02-01", "Enterprise"): 1, ("2025-03-01", "Enterprise"): 0}


def test_quarter_to_date_against_the_month_before(layer: SemanticLayer) -> None:
    """Each month's earlier value is the month before's own quarter to date (April's starts on 1 April, not on
    1 March as days moved by a month would): January's is all of Q4 2024."""
    rows = ask(layer, "bookings_qtd", grain="month", time_range={"from": "2025-01-01", "to": "2025-06-30"},
               compare="previous_period")
    hand = {"2025-01-01": won_between("2024-10-01", "2025-01-01"),
            "2025-02-01": won_between("2025-01-01", "2025-02-01"),
            "2025-03-01": won_between("2025-01-01", "2025-03-01"),
            "2025-04-01": won_between("2025-01-01", "2025-04-01"),
            "2025-05-01": won_between("2025-04-01", "2025-05-01"),
            "2025-06-01": won_between("2025-04-01", "2025-06-01")}
    assert by(rows, "period", "bookings_qtd__previous") == {p: hand_sql(layer, sql) for p, sql in hand.items()} == {
        "2025-01-01": 0, "2025-02-01": 5_000, "2025-03-01": 35_000, "2025-04-01": 35_000, "2025-05-01": 0,
        "2025-06-01": 8_000}


def test_trailing_window_against_last_year_like_for_like(layer: SemanticLayer) -> None:
    """Q4 2025 holds today (2025-11-15): last year's value is read on 2024-11-15 (90 days from 2024-08-18), the
    other quarters on their last day a year before; whole periods read Q4 2024 on 31 December."""
    question = {"grain": "quarter", "time_range": {"from": "2025-01-01", "to": "2025-12-31"},
                "compare": "same_period_last_year"}
    same_days = by(ask(layer, "pipeline_created_90d", **question), "period", "pipeline_created_90d__previous")
    whole = by(ask(layer, "pipeline_created_90d", like_for_like=False, **question), "period",
               "pipeline_created_90d__previous")
    hand = {"2025-01-01": created_between("2024-01-02", "2024-04-01"),
            "2025-04-01": created_between("2024-04-02", "2024-07-01"),
            "2025-07-01": created_between("2024-07-03", "2024-10-01"),
            "2025-10-01": created_between("2024-08-18", "2024-11-16")}
    assert same_days == {p: hand_sql(layer, sql) for p, sql in hand.items()}
    assert same_days["2025-01-01"] == 60_000 and same_days["2025-10-01"] == 30_000  # 101 + 103; 104
    assert whole == {**same_days, "2025-10-01": hand_sql(layer, created_between("2024-10-03", "2025-01-01"))}


def test_growth_of_quarter_to_date(extended: SemanticLayer) -> None:
    """Q1 2025 to date (35k) against Q1 2024 (10k, 101 on 31 March); Q2 had nothing a year before: null."""
    rows = ask(extended, "bookings_qtd", "bookings_qtd_growth", grain="quarter",
               time_range={"from": "2025-01-01", "to": "2025-06-30"})
    now, before = hand_sql(extended, won_between("2025-01-01", "2025-04-01")), \
        hand_sql(extended, won_between("2024-01-01", "2024-04-01"))
    assert (now, before) == (35_000, 10_000)
    assert by(rows, "period", "bookings_qtd_growth") == {"2025-01-01": (now - before) / before, "2025-04-01": None}


def test_a_metric_filter_and_a_derived_metric_over_it(extended: SemanticLayer) -> None:
    """Core wins in 2025: 105 (8k), 110 (3k), 107 (2k), 109 (12k); read on 2025-08-31 only 105 and 110."""
    rows = ask(extended, "core_bookings_ytd", "core_bookings_ytd_k", grain="year",
               time_range={"from": "2025-01-01", "to": "2025-08-31"})
    assert rows == [{"period": "2025-01-01", "core_bookings_ytd": 11_000, "core_bookings_ytd_k": 11}]
    assert hand_sql(extended, won_between("2025-01-01", "2025-09-01") + " and product = 'Core'") == 11_000

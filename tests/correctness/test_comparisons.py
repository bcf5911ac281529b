"""period_over_period metrics against hand counts on the small ledger.

Bookings per quarter (closed_at): 2024 Q1 10k (101, Mar 31), Q2-Q4 nothing (102 closed 2025-01-18);
2025 Q1 35k (102 5k + 104 30k), Q2 8k (105), Q3 3k (110), Q4 14k (107 2k + 109 12k); 2025 in all 60k.
"""
from __future__ import annotations

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import layer_with
from tests.correctness.helpers import ask

COMPARISONS = """
metrics:
  bookings_yoy:
    type: period_over_period
    metric: bookings
    format: percent
  bookings_previous_period:
    type: period_over_period
    metric: bookings
    compare_to: previous_period
    calculation: previous
  bookings_change:
    type: period_over_period
    metric: bookings
    compare_to: previous_period
    calculation: difference
  win_rate_yoy:
    type: period_over_period
    metric: win_rate
    calculation: difference
"""
YEAR_2025 = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(scope="module")
def layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(COMPARISONS, ledger_url, tmp_path_factory)


def test_quarter_against_same_quarter_last_year_and_previous_quarter(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", "bookings_yoy", "bookings_previous_period", "bookings_change",
               grain="quarter", time_range=YEAR_2025)
    assert [(r["period"], r["bookings"], r["bookings_yoy"], r["bookings_previous_period"], r["bookings_change"])
            for r in rows] == [
        ("2025-01-01", 35_000, pytest.approx(2.5), 0, 35_000),     # vs 2024 Q1 10k; previous 2024 Q4 0
        ("2025-04-01", 8_000, None, 35_000, -27_000),              # 2024 Q2 had nothing: growth is null
        ("2025-07-01", 3_000, None, 8_000, -5_000),
        # to date (today 2025-11-15): Oct 1-Nov 15 against Jul 1-Aug 15, where nothing was won (110: Aug 20)
        ("2025-10-01", 14_000, None, 0, 14_000),
    ]


def test_whole_range_against_the_year_before(layer: SemanticLayer) -> None:
    # 2025: 60k; 2024: 10k -> growth 5.0; the 365 days before 2025-01-01 also hold only 101's 10k
    assert ask(layer, "bookings_yoy", "bookings_previous_period", time_range=YEAR_2025) == [
        {"bookings_yoy": pytest.approx(5.0), "bookings_previous_period": 10_000}]


def test_a_ratio_compared_with_last_year(layer: SemanticLayer) -> None:
    # 2025 closed: won 102,104,105,107,109,110 (6) of 8 (+ lost 106, 108) = 0.75;
    # 2024 closed: won 101 of 2 (+ lost 103) = 0.5 -> difference 0.25
    assert ask(layer, "win_rate_yoy", time_range=YEAR_2025) == [{"win_rate_yoy": pytest.approx(0.25)}]


def test_comparisons_keep_the_question_filters_and_dimensions(layer: SemanticLayer) -> None:
    # Enterprise (Acme, Globex): 2025 wins 102 5k + 104 30k = 35k; 2024: 101 10k -> growth 2.5
    rows = ask(layer, "bookings_yoy", dimensions=("account.segment",), time_range=YEAR_2025,
               filters=({"dimension": "account.segment", "op": "eq", "value": "Enterprise"},))
    assert rows == [{"account.segment": "Enterprise", "bookings_yoy": pytest.approx(2.5)}]


def test_a_comparison_needs_a_bounded_range(layer: SemanticLayer) -> None:
    for question in ({}, {"time_range": {"from": "2025-01-01"}}):
        with pytest.raises(SemanticError) as info:
            layer.compile(Question(metrics=["bookings_yoy"], **question), "duckdb")
        assert info.value.code == "E_BAD_REQUEST" and "time range" in info.value.message

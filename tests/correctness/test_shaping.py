"""Derived metrics, ordering, limits and saved queries over the small ledger."""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.helpers import ask, by

RANGE_2024_2025 = {"from": "2024-01-01", "to": "2025-12-31"}


def test_derived_equals_average_by_segment(layer: SemanticLayer) -> None:
    """bookings / won_deals equals avg_deal_size per segment: Enterprise 45k/3, Mid-Market 8k/1, SMB 2k/1,
    NULL (109 Stark, 110 no account) 15k/2."""
    rows = ask(layer, "bookings_per_won_deal_check", "avg_deal_size", dimensions=("account.segment",))
    expected = {"Enterprise": 15_000, "Mid-Market": 8_000, "SMB": 2_000, None: 7_500}
    assert by(rows, "account.segment", "bookings_per_won_deal_check") == pytest.approx(expected)
    assert by(rows, "account.segment", "avg_deal_size") == pytest.approx(expected)


def test_derived_equals_average_with_filter_and_range(layer: SemanticLayer) -> None:
    """Filters and ranges reach the measures inside a derived metric: Core wins in 2025 are 105, 107, 109,
    110 (8k + 2k + 12k + 3k = 25k over 4)."""
    flt = ({"dimension": "opportunity.product", "op": "eq", "value": "Core"},)
    rows = ask(layer, "bookings_per_won_deal_check", "avg_deal_size", filters=flt,
               time_range={"from": "2025-01-01", "to": "2025-12-31"})
    assert rows == [{"bookings_per_won_deal_check": 6_250, "avg_deal_size": 6_250}]


def test_default_order_is_by_dimensions_with_nulls_last(layer: SemanticLayer) -> None:
    """Without order_by, rows are sorted by the dimension columns; the NULL segment comes last."""
    rows = ask(layer, "bookings", dimensions=("account.segment",))
    assert [r["account.segment"] for r in rows] == ["Enterprise", "Mid-Market", "SMB", None]


def test_order_by_metric_descending_with_limit(layer: SemanticLayer) -> None:
    """Top two segments by bookings: Enterprise 45k, then the NULL segment's 15k."""
    rows = ask(layer, "bookings", dimensions=("account.segment",),
               order_by=({"column": "bookings", "descending": True},), limit=2)
    assert rows == [{"account.segment": "Enterprise", "bookings": 45_000},
                    {"account.segment": None, "bookings": 15_000}]


def test_order_by_metric_ascending(layer: SemanticLayer) -> None:
    """Ascending: SMB 2k, Mid-Market 8k, NULL 15k, Enterprise 45k."""
    rows = ask(layer, "bookings", dimensions=("account.segment",), order_by=({"column": "bookings"},))
    assert [r["bookings"] for r in rows] == [2_000, 8_000, 15_000, 45_000]


def test_order_by_ratio_puts_none_last(layer: SemanticLayer) -> None:
    """Activities per open opportunity by quarter of close date, descending then by period: 2025Q4 5 / 2,
    Q3 1 / 1, 2026Q1 2 / 2, and 2025Q2 (no open deal closing) None last."""
    rows = ask(layer, "activities_per_open_opportunity", grain="quarter",
               time_range={"from": "2025-04-01", "to": "2026-03-31"},
               order_by=({"column": "activities_per_open_opportunity", "descending": True}, {"column": "period"}))
    assert [(r["period"], r["activities_per_open_opportunity"]) for r in rows] == [
        ("2025-10-01", 2.5), ("2025-07-01", 1.0), ("2026-01-01", 1.0), ("2025-04-01", None)]


def test_limit_applies_after_the_spine(layer: SemanticLayer) -> None:
    """Latest three quarters first: 2025Q4 14k, Q3 3k, Q2 8k."""
    rows = ask(layer, "bookings", grain="quarter", time_range=RANGE_2024_2025,
               order_by=({"column": "period", "descending": True},), limit=3)
    assert rows == [{"period": "2025-10-01", "bookings": 14_000}, {"period": "2025-07-01", "bookings": 3_000},
                    {"period": "2025-04-01", "bookings": 8_000}]


def test_saved_forecast_query(layer: SemanticLayer) -> None:
    """forecast_this_quarter (2025-10-01..12-31 by close_date): 111 negotiation/commit 40k (x0.8),
    112 proposal/best_case 10k (x0.5)."""
    question = Question.from_saved(layer.definitions.saved_queries["forecast_this_quarter"])
    rows = layer.query(question).rows
    assert rows == [
        {"opportunity.forecast_category": "best_case", "open_pipeline": 10_000, "weighted_pipeline": 5_000},
        {"opportunity.forecast_category": "commit", "open_pipeline": 40_000, "weighted_pipeline": 32_000},
    ]


def test_saved_activity_coverage_query(layer: SemanticLayer) -> None:
    """activity_coverage_by_source over the last 90 days (2025-08-18..11-15): activities 13, 15..23, 28, 29.
    crm 17, 21 (1 linked); gmail 15, 18, 20, 22, 28 (4 linked); truly 13, 19 (2/2); zoom 16, 23, 29 (3/3)."""
    question = Question.from_saved(layer.definitions.saved_queries["activity_coverage_by_source"])
    rows = layer.query(question).rows
    assert by(rows, "activity.source_system", "activities") == {"crm": 2, "gmail": 5, "truly": 2, "zoom": 3}
    assert by(rows, "activity.source_system", "activity_opportunity_coverage") == pytest.approx(
        {"crm": 0.5, "gmail": 0.8, "truly": 1.0, "zoom": 1.0})

"""Filters whose dimension is a time column, with plain dates as values.

Time ranges treat dates as whole days ([from, to] inclusive). A filter such as
`opportunity.closed_at = '2025-11-03'` should mean the same day-granular thing for a reader: deal 109
closed at 2025-11-03 09:00 closed "on 2025-11-03". On a DATE column (close_date) this already holds.
"""
from __future__ import annotations

from typing import Any

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.helpers import hand_sql, total


def test_date_column_filters_are_day_exact(layer: SemanticLayer) -> None:
    """close_date between 2025-09-30 and 2025-11-30 keeps open 115 (09-30) and 112 (11-30): 6k + 10k."""
    flt = ({"dimension": "opportunity.close_date", "op": "between", "values": ["2025-09-30", "2025-11-30"]},)
    assert total(layer, "open_pipeline", filters=flt) == 16_000


# op, value(s), expected bookings, and the hand-written SQL condition (day-granular) that gives it
TIMESTAMP_CASES: list[tuple[str, dict[str, Any], float, str]] = [
    # 109 (12k) closed 2025-11-03 09:00
    ("eq", {"value": "2025-11-03"}, 12_000, "cast(closed_at as date) = date '2025-11-03'"),
    # 109 only (107 closed 10-05)
    ("between", {"values": ["2025-11-01", "2025-11-03"]}, 12_000,
     "cast(closed_at as date) between date '2025-11-01' and date '2025-11-03'"),
    # every win closed on or before Nov 3, 109 included
    ("lte", {"value": "2025-11-03"}, 70_000, "cast(closed_at as date) <= date '2025-11-03'"),
    # nothing closed after Nov 3
    ("gt", {"value": "2025-11-03"}, 0, "cast(closed_at as date) > date '2025-11-03'"),
]


@pytest.mark.parametrize("op,value,bookings,condition", TIMESTAMP_CASES, ids=[c[0] for c in TIMESTAMP_CASES])
def test_day_granular_expectations_hold_in_hand_sql(
        layer: SemanticLayer, op: str, value: dict[str, Any], bookings: float, condition: str) -> None:
    """The expected numbers below are what day-granular hand-written SQL gives (checked apart from the layer)."""
    assert hand_sql(layer, "select coalesce(sum(amount), 0) from opportunities "
                           f"where is_won and {condition}") == bookings


@pytest.mark.parametrize("op,value,bookings,condition", TIMESTAMP_CASES, ids=[c[0] for c in TIMESTAMP_CASES])
def test_date_value_on_timestamp_dimension_means_the_whole_day(
        layer: SemanticLayer, op: str, value: dict[str, Any], bookings: float, condition: str) -> None:
    """`closed_at <op> 'YYYY-MM-DD'` agrees with the same day-granular test in hand-written SQL."""
    flt = ({"dimension": "opportunity.closed_at", "op": op, **value},)
    assert total(layer, "bookings", filters=flt) == bookings


def test_gte_and_lt_on_timestamp_dimension(layer: SemanticLayer) -> None:
    """gte / lt against a day boundary are already right: on/after Nov 3 is 109; before Nov 3 the other 58k."""
    assert total(layer, "bookings", filters=(
        {"dimension": "opportunity.closed_at", "op": "gte", "value": "2025-11-03"},)) == 12_000
    assert total(layer, "bookings", filters=(
        {"dimension": "opportunity.closed_at", "op": "lt", "value": "2025-11-03"},)) == 58_000

"""Time ranges open on one side: the bounded side filters, and there is no spine to invent periods."""
from __future__ import annotations

from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask


def test_range_open_at_the_end(layer: SemanticLayer) -> None:
    # 2025 wins: 102 (5k, Jan 18), 104 (30k), 105 (8k), 107 (2k), 109 (12k), 110 (3k) = 60k
    rows = ask(layer, "bookings", grain="year", time_range={"from": "2025-01-01"})
    assert rows == [{"period": "2025-01-01", "bookings": 60_000}]


def test_range_open_at_the_start(layer: SemanticLayer) -> None:
    # wins up to 2024-12-31: 101 (10k) only
    rows = ask(layer, "bookings", grain="year", time_range={"to": "2024-12-31"})
    assert rows == [{"period": "2024-01-01", "bookings": 10_000}]


def test_last_day_of_the_calendar_is_an_open_end(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", time_range={"from": "2025-01-01", "to": "9999-12-31"})
    assert rows == [{"bookings": 60_000}]

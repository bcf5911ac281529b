"""As of one instant, against hand counts on tests/fixtures/history_small.py (read its docstring alongside).

Every figure below is counted by hand from the fixture's change list: the latest change before the end of
the day (or at/before the timestamp), deals not yet created left out, a deal without history (205) as its
current row, a deal whose history starts late (208, 209) with the `before` stage of its first change.
"""
from __future__ import annotations

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.helpers import ask, by, total

Q4_2025 = {"from": "2025-10-01", "to": "2025-12-31"}


@pytest.mark.parametrize("as_of, amount, deals", [
    # 201 prospecting 10k, 202 qualification 20k (the amount change comes 10-05), 203 lost (09-15), 204 5k,
    # 205 7k (no history), 206 not created, 207 negotiation 15k (changed 10-01 00:00, inside the day),
    # 208 before its first change: discovery, 11k; 209 before its first change: proposal (open), 4k
    ("2025-10-01", 72_000, 7),
    # 201 proposal 12k, 202 25k, 203 reopened proposal 9k, 204 the tie at 14:00 -> proposal 6k, 205 7k,
    # 207 negotiation 15k, 208 proposal 11k; 209 lost; 206 not created
    ("2025-11-01", 85_000, 7),
    ("2025-11-01T13:59:59", 84_000, 7),  # 204 still prospecting 5k a second before the tie
    ("2025-11-01T14:00:00", 85_000, 7),  # a timestamp includes changes at that very moment
    # 201 and 207 won; 202 qualification 25k (negotiation comes 12-01), 203 9k, 204 6k, 205 7k,
    # 206 prospecting 3k (created 11-25), 208 11k
    ("2025-11-30", 61_000, 6),
    ("2025-06-15", 22_000, 3),  # 205 7k, 208 discovery 11k, 209 proposal 4k exist; the others not yet created
])
def test_open_pipeline_as_of(history_layer: SemanticLayer, as_of: str, amount: int, deals: int) -> None:
    assert total(history_layer, "open_pipeline", as_of=as_of) == amount
    assert total(history_layer, "open_deals", as_of=as_of) == deals


def test_as_of_today_is_the_current_pipeline(history_layer: SemanticLayer) -> None:
    # current open rows: 202 25k, 203 9k, 204 6k, 205 7k, 206 3k, 208 11k
    assert total(history_layer, "open_pipeline", as_of="2026-01-15") == total(history_layer, "open_pipeline") \
        == 61_000


def test_deals_by_forecast_category_as_of(history_layer: SemanticLayer) -> None:
    rows = ask(history_layer, "open_pipeline", "open_deals", "weighted_pipeline",
               dimensions=["opportunity.forecast_category"], as_of="2025-11-01")
    # best_case (proposal): 201 12k, 203 9k, 204 6k, 208 11k; pipeline: 202 qualification 25k, 205 discovery 7k;
    # commit (negotiation): 207 15k
    assert by(rows, "opportunity.forecast_category", "open_pipeline") == \
        {"best_case": 38_000, "pipeline": 32_000, "commit": 15_000}
    assert by(rows, "opportunity.forecast_category", "open_deals") == {"best_case": 4, "pipeline": 2, "commit": 1}
    # proposal 0.5, qualification 0.10, discovery 0.25, negotiation 0.8 (glossary.yaml)
    assert by(rows, "opportunity.forecast_category", "weighted_pipeline") == \
        {"best_case": 19_000, "pipeline": 25_000 * 0.10 + 7_000 * 0.25, "commit": 12_000}


def test_the_time_range_filters_the_as_of_close_dates(history_layer: SemanticLayer) -> None:
    # as of 10-01, closing in Q4 by the close date of then: 201 12-31 10k, 204 12-15 5k, 205 12-31 7k,
    # 207 12-31 15k, 208 12-20 11k (current: close dates are not in `before`), 209 10-20 4k; 202 closes 2026-03-31
    assert total(history_layer, "open_pipeline", as_of="2025-10-01", time_range=Q4_2025) == 52_000
    # today's close dates: 204 6k, 205 7k, 208 11k (202, 203 and 206 close in 2026)
    assert total(history_layer, "open_pipeline", time_range=Q4_2025) == 24_000


def test_closed_deals_as_of_use_the_close_of_then(history_layer: SemanticLayer) -> None:
    # bookings in Q4 as of 11-15: only 207 (won 11-10, 14k); 201 wins 11-20
    assert total(history_layer, "bookings", as_of="2025-11-15", time_range=Q4_2025) == 14_000
    assert total(history_layer, "bookings", time_range=Q4_2025) == 26_000


def test_parents_and_untracked_columns_are_current_and_said_so(history_layer: SemanticLayer) -> None:
    result = history_layer.query(Question(metrics=["open_pipeline"], as_of="2025-10-01",
                                          dimensions=["account.segment", "opportunity.product"]))
    rows = {(r["account.segment"], r["opportunity.product"]): r["open_pipeline"] for r in result.rows}
    # Acme (Enterprise): 201 Core 10k, 202 Addon 20k, 205 Core 7k, 207 Platform 15k, 209 Services 4k;
    # Bolt (SMB): 204 Addon 5k, 208 Services 11k
    assert rows == {("Enterprise", "Core"): 17_000, ("Enterprise", "Addon"): 20_000,
                    ("Enterprise", "Platform"): 15_000, ("Enterprise", "Services"): 4_000,
                    ("SMB", "Addon"): 5_000, ("SMB", "Services"): 11_000}
    notes = {c.name: c.note for c in result.columns}
    assert notes["account.segment"] == "as of now: account is not read as of"
    assert notes["opportunity.product"] == "as of now: product not in stage_change"
    assert notes["open_pipeline"].startswith("as of 2025-10-01 (end of day), rebuilt from stage_change")
    assert "opportunity.product" in notes["open_pipeline"] and "account columns as of now" in notes["open_pipeline"]


@pytest.mark.parametrize("question, code", [
    ({"metrics": ["open_pipeline"], "as_of": "2026-01-16"}, "E_AS_OF_FUTURE"),
    ({"metrics": ["activities"], "as_of": "2025-10-01"}, "E_NO_HISTORY"),
    ({"metrics": ["open_pipeline", "activities"], "as_of": "2025-10-01"}, "E_AS_OF"),
    ({"metrics": ["bookings_qtd"], "as_of": "2025-10-01", "grain": "month", "time_range": Q4_2025}, "E_AS_OF"),
    ({"metrics": ["bookings"], "as_of": "2025-10-01", "compare": "previous_period", "grain": "month",
      "time_range": Q4_2025}, "E_AS_OF"),
    ({"metrics": ["open_pipeline"], "as_of": "2025-10-01", "as_of_each": "end", "grain": "month",
      "time_range": Q4_2025}, "E_AS_OF"),
])
def test_refusals(history_layer: SemanticLayer, question: dict, code: str) -> None:
    with pytest.raises(SemanticError) as err:
        history_layer.query(Question(**question))
    assert err.value.code == code and err.value.hint

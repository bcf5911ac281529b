"""The forecast_review saved query against hand counts on tests/fixtures/ledger_small.py (today 2025-11-15, so
this fiscal quarter is Q4 2025; the starter's fiscal year is the calendar year).

Q4 2025 by hand: bookings 12k (109, Ada) + 2k (107, Bo); quotas 10k (Ada) + 10k (Bo); open deals expected to
close in Q4: 111 (Ada, negotiation = commit, 40k) and 112 (Bo, proposal = best case, 10k); stale among them
(no stage change nor linked activity for their stage's threshold): 111 (14 days, negotiation after 7) and 112
(45 days); past due in Q4: none (115 was due Sep 30, in Q3); no close date was ever pushed.
"""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.helpers import hand_sql

Q4_OPEN = "from opportunities where not is_closed and close_date between '2025-10-01' and '2025-12-31'"


def test_forecast_review_by_hand(layer: SemanticLayer) -> None:
    row = layer.query(Question.from_saved(layer.saved_query("forecast_review"))).rows[0]
    assert row["bookings"] == 14_000
    assert row["quota"] == 20_000
    assert row["quota_attainment"] == pytest.approx(0.7)
    assert row["open_pipeline"] == 50_000 == hand_sql(layer, f"select sum(amount) {Q4_OPEN}")
    assert row["forecast_commit"] == 54_000  # 14k booked + 40k commit
    assert row["forecast_best_case"] == 64_000  # + 10k best case
    assert row["pipeline_coverage"] == pytest.approx(50_000 / (20_000 - 14_000))
    assert row["stale_deals"] == 2
    assert row["past_due_deals"] == 0
    assert row["slipped_deals"] == 0

"""Shares of a total and ranks within a group, on DuckDB and PostgreSQL (tests/fixtures/ledger_small.py).

Won deals (amount, account segment, product, owner): 101 10k Enterprise Core Ada (2024) | 102 5k Enterprise
Addon Ada | 104 30k Enterprise Platform Bo | 105 8k Mid-Market Core Ada | 107 2k SMB Core Bo | 109 12k
NULL-segment Core Ada | 110 3k no account Core Cy (2025 unless said). Bookings: Enterprise 45k, Mid-Market 8k,
SMB 2k, NULL 15k (70k in all); Ada 35k, Bo 32k, Cy 3k. Open deals by owner: Ada 111 113, Bo 112 115, Cy 114.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
import sqlalchemy as sa

from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import layer_with
from tests.correctness.helpers import ask, by


def hand_rows(layer: SemanticLayer, sql: str) -> list[tuple[Any, ...]]:
    with engine_for(layer.database_url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def sums_by(rows: list[dict[str, Any]], key: str | None, column: str) -> dict[Any, float]:
    totals: dict[Any, float] = defaultdict(float)
    for row in rows:
        totals[row[key] if key else None] += row[column] or 0
    return dict(totals)


def test_share_of_the_whole_answer(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", dimensions=["account.segment"], share_of=[])
    assert by(rows, "account.segment", "bookings_share") == pytest.approx(
        {"Enterprise": 45 / 70, "Mid-Market": 8 / 70, "SMB": 2 / 70, None: 15 / 70})
    assert sum(r["bookings_share"] for r in rows) == pytest.approx(1)
    hand = hand_rows(layer, "select a.segment, sum(o.amount) from opportunities o left join accounts a "
                            "on a.account_id = o.account_id where o.is_won group by a.segment")
    total = sum(float(amount) for _, amount in hand)
    assert by(rows, "account.segment", "bookings_share") == pytest.approx(
        {segment: float(amount) / total for segment, amount in hand})


def test_share_is_taken_within_each_period(layer: SemanticLayer) -> None:
    """2024 holds only 101 (Enterprise): its share is 1 and the others' 0; 2025 totals 60k."""
    rows = ask(layer, "bookings", dimensions=["account.segment"], grain="year", share_of=[],
               time_range={"from": "2024-01-01", "to": "2025-12-31"})
    assert sums_by(rows, "period", "bookings_share") == pytest.approx({"2024-01-01": 1, "2025-01-01": 1})
    shares = {(r["period"], r["account.segment"]): r["bookings_share"] for r in rows}
    assert shares == pytest.approx({
        ("2024-01-01", "Enterprise"): 1, ("2024-01-01", "Mid-Market"): 0, ("2024-01-01", "SMB"): 0,
        ("2024-01-01", None): 0, ("2025-01-01", "Enterprise"): 35 / 60, ("2025-01-01", "Mid-Market"): 8 / 60,
        ("2025-01-01", "SMB"): 2 / 60, ("2025-01-01", None): 15 / 60})


def test_share_within_a_dimension_sums_to_one_in_each_group(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", "won_deals", dimensions=["account.segment", "opportunity.product"],
               share_of=["account.segment"])
    assert sums_by(rows, "account.segment", "bookings_share") == pytest.approx(
        {"Enterprise": 1, "Mid-Market": 1, "SMB": 1, None: 1})
    assert sums_by(rows, "account.segment", "won_deals_share") == pytest.approx(
        {"Enterprise": 1, "Mid-Market": 1, "SMB": 1, None: 1})
    enterprise = {r["opportunity.product"]: r["bookings_share"] for r in rows if r["account.segment"] == "Enterprise"}
    assert enterprise == pytest.approx({"Core": 10 / 45, "Addon": 5 / 45, "Platform": 30 / 45})


def test_share_of_a_filtered_answer_is_of_its_own_total(layer: SemanticLayer) -> None:
    """Filtered to Core: Enterprise 10k, Mid-Market 8k, SMB 2k, NULL 15k of 35k."""
    rows = ask(layer, "bookings", dimensions=["account.segment"], share_of=[],
               filters=[{"dimension": "opportunity.product", "op": "eq", "value": "Core"}])
    assert by(rows, "account.segment", "bookings_share") == pytest.approx(
        {"Enterprise": 10 / 35, "Mid-Market": 8 / 35, "SMB": 2 / 35, None: 15 / 35})


def test_rank_and_top_within_a_group(layer: SemanticLayer) -> None:
    """Teams: Ada and Cy East, Bo West. Ranked within team: Ada 1, Cy 2; Bo 1. Top 1 keeps Ada and Bo."""
    rows = ask(layer, "bookings", dimensions=["rep.team", "rep.name"], rank_by="bookings", rank_within=["rep.team"])
    assert [(r["rep.team"], r["rep.name"], r["bookings_rank"]) for r in rows] == [
        ("East", "Ada", 1), ("East", "Cy", 2), ("West", "Bo", 1)]
    hand = hand_rows(layer, "select r.team, r.name, rank() over (partition by r.team order by sum(o.amount) desc) "
                            "from opportunities o join reps r on r.rep_id = o.owner_rep_id where o.is_won "
                            "group by r.team, r.name order by 1, 3")
    assert [(t, n, int(k)) for t, n, k in hand] == [(r["rep.team"], r["rep.name"], r["bookings_rank"]) for r in rows]
    top = ask(layer, "bookings", dimensions=["rep.team", "rep.name"], rank_by="bookings", rank_within=["rep.team"],
              top=1)
    assert [(r["rep.name"], r["bookings"]) for r in top] == [("Ada", 35_000), ("Bo", 32_000)]


def test_ties_share_a_rank_and_top_keeps_them_all(layer: SemanticLayer) -> None:
    """Open deals: Ada 2, Bo 2, Cy 1 -> ranks 1, 1, 3 (rank, not dense_rank); top 1 keeps both leaders."""
    rows = ask(layer, "open_deals", dimensions=["rep.name"], rank_by="open_deals")
    assert by(rows, "rep.name", "open_deals_rank") == {"Ada": 1, "Bo": 1, "Cy": 3}
    top = ask(layer, "open_deals", dimensions=["rep.name"], rank_by="open_deals", top=1)
    assert sorted(r["rep.name"] for r in top) == ["Ada", "Bo"]


def test_a_null_value_has_a_null_rank(layer: SemanticLayer) -> None:
    """Q4 2025: Core closed 107 and 109, both won (win rate 1); Platform (111) and Addon (112) only have open
    deals closing then, so their win rate is null and ranks null, after Core."""
    rows = ask(layer, "win_rate", "open_deals", dimensions=["opportunity.product"], rank_by="win_rate",
               time_range={"from": "2025-10-01", "to": "2025-12-31"})
    assert by(rows, "opportunity.product", "win_rate_rank") == {"Core": 1, "Platform": None, "Addon": None}
    assert rows[0]["opportunity.product"] == "Core"


@pytest.mark.parametrize(("question", "fragment"), [
    ({"metrics": ["win_rate"], "dimensions": ["opportunity.product"], "share_of": []}, "not meaningful"),
    ({"metrics": ["avg_deal_size"], "share_of": []}, "not meaningful"),
    ({"metrics": ["bookings"], "dimensions": ["opportunity.product"], "share_of": ["account.segment"]},
     "does not slice by"),
    ({"metrics": ["bookings"], "dimensions": ["rep.name"], "top": 3}, "need rank_by"),
    ({"metrics": ["bookings"], "dimensions": ["rep.name"], "rank_by": "won_deals"}, "not a metric of the question"),
])
def test_questions_that_cannot_be_answered_are_refused(layer: SemanticLayer, question: dict, fragment: str) -> None:
    rest = {k: v for k, v in question.items() if k != "metrics"}
    with pytest.raises(SemanticError) as err:
        ask(layer, *question["metrics"], **rest)
    assert err.value.code == "E_BAD_REQUEST" and fragment in err.value.message and err.value.hint


STANDINGS_YAML = """
metrics:
  bookings_share_in_segment:
    type: share
    metric: bookings
    within: [account.segment]
  bookings_share:
    type: share
    metric: bookings
  bookings_rank_in_team:
    type: rank
    metric: bookings
    within: [rep.team]
saved_queries:
  top_rep_per_team:
    metrics: [bookings]
    dimensions: [rep.team, rep.name]
    share_of: [rep.team]
    rank_by: bookings
    rank_within: [rep.team]
    top: 1
"""


@pytest.fixture(scope="module")
def standings_layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(STANDINGS_YAML, ledger_url, tmp_path_factory)


def test_share_and_rank_metric_types(standings_layer: SemanticLayer) -> None:
    rows = ask(standings_layer, "bookings", "bookings_share_in_segment", "bookings_share",
               dimensions=["account.segment", "opportunity.product"])
    assert sums_by(rows, "account.segment", "bookings_share_in_segment") == pytest.approx(
        {"Enterprise": 1, "Mid-Market": 1, "SMB": 1, None: 1})
    assert sum(r["bookings_share"] for r in rows) == pytest.approx(1)
    platform = next(r for r in rows if r["opportunity.product"] == "Platform")
    assert (platform["bookings_share_in_segment"], platform["bookings_share"]) == pytest.approx((30 / 45, 30 / 70))
    ranked = ask(standings_layer, "bookings", "bookings_rank_in_team", dimensions=["rep.team", "rep.name"])
    assert by(ranked, "rep.name", "bookings_rank_in_team") == {"Ada": 1, "Cy": 2, "Bo": 1}
    assert [c.format for c in standings_layer.query(
        Question(metrics=["bookings_share", "bookings_rank_in_team"], dimensions=["rep.team"])).columns][1:] == \
        ["percent", "integer"]


def test_a_metric_type_within_a_dimension_the_question_lacks_is_refused(standings_layer: SemanticLayer) -> None:
    with pytest.raises(SemanticError) as err:
        ask(standings_layer, "bookings_rank_in_team", dimensions=["rep.name"])
    assert err.value.code == "E_BAD_REQUEST" and "rep.team" in err.value.hint
    with pytest.raises(SemanticError) as err:
        ask(standings_layer, "bookings_share", dimensions=["rep.name"], grain="quarter", compare="previous_period",
            time_range={"from": "2025-01-01", "to": "2025-06-30"})
    assert err.value.code == "E_BAD_REQUEST" and "compare 'bookings' instead" in err.value.hint


def test_a_saved_query_carries_its_share_and_rank_options(standings_layer: SemanticLayer) -> None:
    """East: Ada 35k of 38k (Cy 3k), first; West: Bo 32k, alone."""
    saved = standings_layer.saved_query("top_rep_per_team")
    rows = standings_layer.query(Question.from_saved(saved)).rows
    assert [(r["rep.name"], r["bookings_rank"]) for r in rows] == [("Ada", 1), ("Bo", 1)]
    assert [r["bookings_share"] for r in rows] == pytest.approx([35 / 38, 1])


def test_starter_pipeline_share_by_deal_type(layer: SemanticLayer) -> None:
    """Open deals: 111 expansion 40k, 112 expansion 10k, 114 expansion 4k; 113 new business 20k, 115 6k."""
    rows = layer.query(Question.from_saved(layer.saved_query("pipeline_share_by_deal_type"))).rows
    assert by(rows, "opportunity.type", "open_pipeline_share") == pytest.approx(
        {"expansion": 54 / 80, "new_business": 26 / 80})
    assert by(rows, "opportunity.type", "open_deals_share") == pytest.approx({"expansion": 3 / 5, "new_business": 2 / 5})

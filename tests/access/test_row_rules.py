"""A rep of region NA sees exactly the rows of NA-owned deals and NA reps' activities, in every metric kind.

Hand counts from tests/fixtures/ledger_small.py (reps 1 Ada, 3 Cy, 4 Di are NA; 2 Bo is EMEA):
- NA-owned deals (owner 1 or 3): won 101 10 000, 102 5 000, 105 8 000, 109 12 000 (account Stark, segment NULL),
  110 3 000 (no account) = 38 000 in 5 deals; lost 106 4 000; open 111 40 000 (negotiation: commit, expansion),
  113 20 000 (new_business), 114 4 000 (expansion) = 64 000 in 3 deals.
- EMEA-owned (owner 2): won 104 30 000, 107 2 000; lost 103, 108 (Hooli: an NA account, an EMEA owner); open 112, 115.
- activities by reps 1, 3, 4: ids 1 2 4 6 7 8 9 13 14 15 16 18 19 21 22 23 26 27 29 30 = 20 of 30.
- quotas of NA reps: Ada 25 000 x 3 + 10 000 + 30 000 = 115 000 (Cy and Di have none).
Every test runs on DuckDB and PostgreSQL (the `ledger_url` fixture).
"""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.access.conftest import rep


def ask(layer: SemanticLayer, region: str = "NA", **question) -> list[dict]:
    return layer.query(Question.model_validate(question), caller=rep(region)).rows


def total(layer: SemanticLayer, metric: str, region: str = "NA", **extra) -> float | None:
    rows = ask(layer, region, metrics=[metric], **extra)
    assert len(rows) == 1
    return rows[0][metric]


def test_simple_metrics_count_only_the_regions_rows(layer: SemanticLayer) -> None:
    assert total(layer, "bookings") == 38_000
    assert total(layer, "won_deals") == 5
    assert total(layer, "lost_deals") == 1
    assert total(layer, "open_pipeline") == 64_000
    assert total(layer, "activities") == 20
    assert total(layer, "bookings", region="EMEA") == 32_000
    assert total(layer, "activities", region="EMEA") == 10
    assert layer.query(Question(metrics=("bookings",))).rows[0]["bookings"] == 70_000  # unrestricted: all


def test_ratio_and_derived(layer: SemanticLayer) -> None:
    assert total(layer, "win_rate") == pytest.approx(5 / 6)
    assert total(layer, "avg_deal_size") == pytest.approx(38_000 / 5)
    assert total(layer, "forecast_commit") == 38_000 + 40_000  # bookings + the commit deal 111
    assert total(layer, "quota_attainment") == pytest.approx(38_000 / 115_000)


def test_a_deal_with_no_account_stays_under_a_null_segment(layer: SemanticLayer) -> None:
    """The rule reads the deal owner's region; the join to account stays a LEFT JOIN, so deal 110 (no account)
    counts, with Stark's deal 109 (segment NULL), under a NULL segment; SMB (only EMEA's deal 107) is absent."""
    rows = ask(layer, metrics=["bookings"], dimensions=["account.segment"])
    assert {r["account.segment"]: r["bookings"] for r in rows} == {"Enterprise": 15_000, "Mid-Market": 8_000,
                                                                     None: 15_000}


def test_a_value_of_hidden_rows_only_is_no_group_row_even_with_a_spine(layer: SemanticLayer) -> None:
    """Per month of 2025 with every period filled in: NA's won deals closed Jan (102, Enterprise), May (105,
    Mid-Market), Aug (110, no account) and Nov (109, NULL segment); SMB's only win (107, Oct) is EMEA's."""
    rows = ask(layer, metrics=["bookings"], dimensions=["account.segment"], grain="month",
               time_range={"from": "2025-01-01", "to": "2025-12-31"})
    assert {r["account.segment"] for r in rows} == {"Enterprise", "Mid-Market", None}
    nonzero = {(str(r["period"])[:7], r["account.segment"]): r["bookings"] for r in rows if r["bookings"]}
    assert nonzero == {("2025-01", "Enterprise"): 5_000, ("2025-05", "Mid-Market"): 8_000,
                       ("2025-08", None): 3_000, ("2025-11", None): 12_000}


def test_cumulative_quarter_to_date(layer: SemanticLayer) -> None:
    rows = ask(layer, metrics=["bookings_qtd"], grain="month", time_range={"from": "2025-01-01", "to": "2025-11-30"})
    by_month = {str(r["period"])[:7]: r["bookings_qtd"] for r in rows}
    assert by_month == {"2025-01": 5_000, "2025-02": 5_000, "2025-03": 5_000, "2025-04": 0, "2025-05": 8_000,
                        "2025-06": 8_000, "2025-07": 0, "2025-08": 3_000, "2025-09": 3_000, "2025-10": 0,
                        "2025-11": 12_000}


def test_share_of_total(layer: SemanticLayer) -> None:
    rows = ask(layer, metrics=["open_pipeline"], dimensions=["opportunity.type"], share_of=[])
    assert {r["opportunity.type"]: (r["open_pipeline"], r["open_pipeline_share"]) for r in rows} == {
        "expansion": (44_000, pytest.approx(44 / 64)), "new_business": (20_000, pytest.approx(20 / 64))}


def test_rank_sees_only_the_regions_reps(layer: SemanticLayer) -> None:
    rows = ask(layer, metrics=["bookings"], dimensions=["rep.name"], rank_by="bookings")
    assert {r["rep.name"]: (r["bookings"], r["bookings_rank"]) for r in rows} == {"Ada": (35_000, 1),
                                                                                  "Cy": (3_000, 2)}


def test_activities_grouped_by_deal_type_keep_activities_with_no_deal(layer: SemanticLayer) -> None:
    """NA activities by their deal's type: new_business 1 2 7 13 14 18 29, expansion 4 15 16 19 23, renewal 8,
    no deal 6 9 21 22 26 27 30 (NULL type: the LEFT JOIN to the filtered deals keeps them)."""
    rows = ask(layer, metrics=["activities"], dimensions=["opportunity.type"])
    assert {r["opportunity.type"]: r["activities"] for r in rows} == {"new_business": 7, "expansion": 5,
                                                                      "renewal": 1, None: 7}


def test_period_over_period(layer: SemanticLayer) -> None:
    """NA bookings 2025: 102 5 000 + 105 8 000 + 110 3 000 + 109 12 000 = 28 000; 2024: 101 10 000."""
    rows = ask(layer, metrics=["bookings", "bookings_growth_yoy"], grain="year", like_for_like=False,
               time_range={"from": "2025-01-01", "to": "2025-12-31"})
    assert [(r["bookings"], r["bookings_growth_yoy"]) for r in rows] == [(28_000, pytest.approx(1.8))]


def test_as_of_an_instant(layer: SemanticLayer) -> None:
    """On 2025-09-15 the NA deals then created were 101 (won 2024), 102 105 109 110 (closed, no history), 106
    (lost) and 111 (prospecting since 2025-09-01): one open deal of 40 000. EMEA: 112 and 115, 16 000."""
    assert [(r["open_deals"], r["open_pipeline"]) for r in ask(layer, metrics=["open_deals", "open_pipeline"],
                                                                 as_of="2025-09-15")] == [(1, 40_000)]
    assert [(r["open_deals"], r["open_pipeline"]) for r in ask(layer, "EMEA", metrics=["open_deals", "open_pipeline"],
                                                                 as_of="2025-09-15")] == [(2, 16_000)]


def test_conversion_reads_only_the_regions_stage_history(layer: SemanticLayer) -> None:
    """Proposal entries in 2024: only deal 101 (NA), won 50 days later; EMEA's history has no proposal entry."""
    span = {"from": "2024-01-01", "to": "2024-12-31"}
    assert total(layer, "proposal_to_won", time_range=span) == 1.0
    assert total(layer, "proposal_to_won", "EMEA", time_range=span) is None


def test_lead_metrics_and_the_funnel(layer: SemanticLayer) -> None:
    """Leads are filtered through their contact's account region: NA leads 3 (Initech), 6 and 14 (Acme), each
    an MQL within 30 days and an SQL within 30 days of that; EMEA: lead 10 (Umbrella) likewise."""
    from semantic.question import FunnelQuestion
    assert total(layer, "leads") == 3
    assert total(layer, "mqls") == 3
    for region, count in (("NA", 3), ("EMEA", 1)):
        rows = layer.funnel(FunnelQuestion(funnel="lead_funnel", time_range={"relative": "this_year"}),
                            caller=rep(region)).rows
        assert [r["count"] for r in rows] == [count, count, count]


def test_the_waterfall_splits_by_region(layer: SemanticLayer) -> None:
    """Every deal is owned by an NA or an EMEA rep, so each bucket's NA and EMEA figures add up to the whole."""
    from semantic.waterfall import WaterfallQuestion
    question = WaterfallQuestion.model_validate({"close_range": {"from": "2025-07-01", "to": "2025-12-31"},
                                                 "from": "2025-07-01", "to": "2025-11-15"})
    whole = {r["bucket"]: (r["count"], r["amount"]) for r in layer.waterfall(question).rows}
    parts = [{r["bucket"]: (r["count"], r["amount"]) for r in layer.waterfall(question, caller=rep(region)).rows}
             for region in ("NA", "EMEA")]
    assert set(whole) == set(parts[0]) == set(parts[1])
    for bucket, (count, amount) in whole.items():
        assert (parts[0][bucket][0] + parts[1][bucket][0], (parts[0][bucket][1] or 0) + (parts[1][bucket][1] or 0)) \
            == (count, amount or 0), bucket
    assert parts[0] != whole and parts[1] != whole


def test_rows_generated_from_the_stage_history(layer: SemanticLayer) -> None:
    """Stage spells come from the change log, a deal with no change being one spell in its current stage: NA
    deals 101 (prospecting, proposal, closed_won) and 111 (prospecting, proposal, negotiation) enter 6 stages,
    102 105 106 109 110 113 114 one each: 13; EMEA 103 (2) and 115 (2), 104 107 108 112 one each: 8."""
    assert total(layer, "stage_entries") == 13
    assert total(layer, "stage_entries", "EMEA") == 8
    assert layer.query(Question(metrics=("stage_entries",))).rows == [{"stage_entries": 21}]


def test_a_metric_per_deal_in_a_filter_counts_only_the_regions_rows(layer: SemanticLayer) -> None:
    """Open NA deals with no activity in all time: 111 has 15 16 23, 113 has 18, 114 has 19, so none; for EMEA,
    112 has 17 and 24, 115 has 20, so none either. Deals with at most one activity: NA 113 and 114 (24 000)."""
    where = [{"metric": "activities", "by": "opportunity", "op": "lte", "value": 1}]
    assert ask(layer, metrics=["open_deals", "open_pipeline"], filters=where) == [
        {"open_deals": 2, "open_pipeline": 24_000}]
    none = [{"metric": "activities", "by": "opportunity", "op": "eq", "value": 0}]
    assert ask(layer, metrics=["open_deals"], filters=none) == [{"open_deals": 0}]

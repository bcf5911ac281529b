"""Measures of different entities meet without double counting, and filters on joined entities are exact.

Segments by account: Acme(1), Globex(2) Enterprise; Initech(3) Mid-Market; Umbrella(4), Hooli(5) SMB;
Stark(6) NULL. Activities per account (by activities.account_id):
  Enterprise  Acme 1,2,4,15,16,26 + Globex 3,5,17,24,25          = 11
  Mid-Market  Initech 7,8,18,27                                  =  4
  SMB         Umbrella 12,19,28 + Hooli 10,11,20                  =  6
  NULL        Stark 13,21,29 + no account 6,9,14,22,23,30         =  9
Bookings per segment: Enterprise 101+102+104 = 45k; Mid-Market 105 = 8k; SMB 107 = 2k;
  NULL 109 (Stark) 12k + 110 (no account) 3k = 15k.
Open opportunities per segment: Enterprise 111, 112; Mid-Market 113; SMB 114, 115; NULL none.
"""
from __future__ import annotations

from typing import Any

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by, hand_sql, total

ACTIVITIES_BY_SEGMENT = {"Enterprise": 11, "Mid-Market": 4, "SMB": 6, None: 9}
BOOKINGS_BY_SEGMENT = {"Enterprise": 45_000.0, "Mid-Market": 8_000.0, "SMB": 2_000.0, None: 15_000.0}
OPEN_OPPORTUNITIES_BY_SEGMENT = {"Enterprise": 2, "Mid-Market": 1, "SMB": 2, None: 0}


def test_bookings_and_activities_by_segment_do_not_fan_out(layer: SemanticLayer) -> None:
    """Two entities' measures side by side equal each measure asked alone (no join multiplies rows)."""
    rows = ask(layer, "bookings", "activities", dimensions=("account.segment",))
    assert by(rows, "account.segment", "bookings") == BOOKINGS_BY_SEGMENT
    assert by(rows, "account.segment", "activities") == ACTIVITIES_BY_SEGMENT
    # The naive join (opportunities x activities per account) would multiply: Enterprise bookings alone
    # would become 10k*6 + 5k*6 + 30k*5 = 240k. Prove the hand-written fan-out is really different.
    naive = hand_sql(layer, "select sum(o.amount) from opportunities o join activities a "
                            "on a.account_id = o.account_id join accounts ac on ac.account_id = o.account_id "
                            "where o.is_won and ac.segment = 'Enterprise'")
    assert naive == 240_000


def test_grand_totals_of_two_entities_together(layer: SemanticLayer) -> None:
    """Without dimensions, two entities' totals in one question are their separate totals."""
    assert ask(layer, "bookings", "activities", "leads") == [{"bookings": 70_000, "activities": 30, "leads": 13}]


def test_segment_sums_match_hand_sql(layer: SemanticLayer) -> None:
    """Hand-written per-segment SQL (each entity aggregated on its own) agrees with the layer."""
    rows = ask(layer, "bookings", "activities", dimensions=("account.segment",))
    for row in rows:
        segment = row["account.segment"]
        where = "ac.segment is null" if segment is None else f"ac.segment = '{segment}'"
        assert row["bookings"] == hand_sql(
            layer, "select coalesce(sum(o.amount), 0) from opportunities o "
                   f"left join accounts ac on ac.account_id = o.account_id where o.is_won and {where}")
        assert row["activities"] == hand_sql(
            layer, "select count(*) from activities a "
                   f"left join accounts ac on ac.account_id = a.account_id where {where}")


def test_activities_per_open_opportunity_by_segment(layer: SemanticLayer) -> None:
    """A ratio of two entities divides aggregates per segment of the deal's account: Enterprise 111 (Acme:
    activities 15, 16, 23) and 112 (Globex: 17, 24) -> 5 / 2; Mid-Market 113 (18) -> 1; SMB 114 (19), 115 (20)
    -> 2 / 2. Every open deal has an account, so there is no NULL segment row."""
    rows = ask(layer, "activities_per_open_opportunity", dimensions=("account.segment",))
    assert by(rows, "account.segment", "activities_per_open_opportunity") == {
        "Enterprise": pytest.approx(5 / 2), "Mid-Market": pytest.approx(1.0), "SMB": pytest.approx(1.0)}


def test_activities_per_open_opportunity_total(layer: SemanticLayer) -> None:
    """8 activities on the 5 open opportunities (not all 30 activities), not an average of per-row ratios."""
    assert total(layer, "activities_per_open_opportunity") == pytest.approx(8 / 5)


# (question filters, expected bookings, expected activities) with how each was counted
FILTER_CASES: list[tuple[str, tuple[dict[str, Any], ...], float, int]] = [
    ("eq", ({"dimension": "account.segment", "op": "eq", "value": "Enterprise"},), 45_000, 11),
    # neq keeps rows whose segment is NULL: Mid-Market + SMB + NULL
    ("neq", ({"dimension": "account.segment", "op": "neq", "value": "Enterprise"},), 8_000 + 2_000 + 15_000,
     4 + 6 + 9),
    # not_in keeps NULL too: Mid-Market + NULL
    ("not_in", ({"dimension": "account.segment", "op": "not_in", "values": ["Enterprise", "SMB"]},),
     8_000 + 15_000, 4 + 9),
    ("in", ({"dimension": "account.segment", "op": "in", "values": ["SMB", "Mid-Market"]},), 10_000, 10),
    # NULL segment: Stark plus rows without an account
    ("is_null", ({"dimension": "account.segment", "op": "is_null"},), 15_000, 9),
    ("not_null", ({"dimension": "account.segment", "op": "not_null"},), 55_000, 21),
    # case-insensitive substring of the account name: 'GLOB' matches Globex only
    ("contains", ({"dimension": "account.name", "op": "contains", "value": "GLOB"},), 30_000, 5),
    # two filters are and-ed: Enterprise accounts in EMEA (Globex: bookings 104, activities 3,5,17,24,25)
    ("and", ({"dimension": "account.segment", "op": "eq", "value": "Enterprise"},
             {"dimension": "account.region", "op": "eq", "value": "EMEA"}), 30_000, 5),
]


@pytest.mark.parametrize("name,filters,bookings,activities", FILTER_CASES, ids=[c[0] for c in FILTER_CASES])
def test_filter_on_joined_account(layer: SemanticLayer, name: str, filters: tuple[dict[str, Any], ...],
                                  bookings: float, activities: int) -> None:
    """A filter on account applies to opportunities and to activities through each one's own join."""
    assert total(layer, "bookings", filters=filters) == bookings
    assert total(layer, "activities", filters=filters) == activities
    assert ask(layer, "bookings", "activities", filters=filters) == [
        {"bookings": bookings, "activities": activities}]


def test_between_on_amount(layer: SemanticLayer) -> None:
    """between is inclusive on both ends: won amounts in [5k, 12k] are 10k, 5k, 8k, 12k."""
    flt = ({"dimension": "opportunity.amount", "op": "between", "values": [5_000, 12_000]},)
    assert ask(layer, "bookings", "won_deals", filters=flt) == [{"bookings": 35_000, "won_deals": 4}]


def test_contains_on_opportunity_name(layer: SemanticLayer) -> None:
    """'acme' matches 'Acme Core', 'Acme Addon' (won) and 'Acme Expansion' (open) whatever the case."""
    flt = ({"dimension": "opportunity.name", "op": "contains", "value": "aCmE"},)
    assert ask(layer, "bookings", "open_pipeline", filters=flt) == [{"bookings": 15_000, "open_pipeline": 40_000}]


def test_is_null_competitor(layer: SemanticLayer) -> None:
    """Won deals without a competitor: 102 (5k), 109 (12k), 110 (3k)."""
    flt = ({"dimension": "opportunity.competitor", "op": "is_null"},)
    assert total(layer, "bookings", filters=flt) == 20_000


def test_activity_filter_through_opportunity(layer: SemanticLayer) -> None:
    """Activities of negotiation-stage deals: 111 has activities 15, 16, 23."""
    flt = ({"dimension": "opportunity.stage", "op": "eq", "value": "negotiation"},)
    assert total(layer, "activities", filters=flt) == 3


def test_win_rate_by_competitor_with_null_row(layer: SemanticLayer) -> None:
    """Rival: won 101, 105 / closed 101, 103, 105, 108; Other Co: 104, 107 both won;
    NULL competitor: won 102, 109, 110 / closed those + 106."""
    rows = ask(layer, "win_rate", "won_deals", "lost_deals", dimensions=("opportunity.competitor",))
    assert by(rows, "opportunity.competitor", "win_rate") == {"Rival": 0.5, "Other Co": 1.0, None: 0.75}
    assert by(rows, "opportunity.competitor", "lost_deals") == {"Rival": 2, "Other Co": 0, None: 1}


def test_null_dimension_forms_its_own_row(layer: SemanticLayer) -> None:
    """Losses by reason: price (103, 108), no_decision (106); a NULL segment is one row of its own."""
    rows = ask(layer, "lost_deals", dimensions=("opportunity.loss_reason",))
    assert by(rows, "opportunity.loss_reason", "lost_deals") == {"price": 2, "no_decision": 1}
    rows = ask(layer, "new_logos", dimensions=("account.segment",))
    # first wins: Acme, Globex (Enterprise), Initech (Mid-Market), Umbrella (SMB), Stark (NULL)
    assert by(rows, "account.segment", "new_logos") == {"Enterprise": 2, "Mid-Market": 1, "SMB": 1, None: 1}


def test_weighted_pipeline_by_forecast_category(layer: SemanticLayer) -> None:
    """Computed dimension from the glossary: commit 111 (40k*.8), best_case 112 (10k*.5),
    pipeline 113+114+115 (5000 + 200 + 600)."""
    rows = ask(layer, "open_pipeline", "weighted_pipeline", dimensions=("opportunity.forecast_category",))
    assert by(rows, "opportunity.forecast_category", "weighted_pipeline") == {
        "commit": pytest.approx(32_000), "best_case": pytest.approx(5_000), "pipeline": pytest.approx(5_800)}
    assert by(rows, "opportunity.forecast_category", "open_pipeline") == {
        "commit": 40_000, "best_case": 10_000, "pipeline": 30_000}


def test_bookings_by_owner_rep(layer: SemanticLayer) -> None:
    """Ada 101+102+105+109 = 35k; Bo 104+107 = 32k; Cy 110 = 3k (Di owns nothing won)."""
    rows = ask(layer, "bookings", dimensions=("rep.name",))
    assert by(rows, "rep.name", "bookings") == {"Ada": 35_000, "Bo": 32_000, "Cy": 3_000}


def test_named_way_reads_the_opportunity_owner_not_the_activity_rep(layer: SemanticLayer) -> None:
    """`opportunity.rep.region` goes activity -> opportunity -> owner rep. Owners of the 20 linked activities:
    EMEA (Bo) for activities 3, 10, 12, 17, 20, 24, 28; NA for the other 13; 10 activities have no deal."""
    rows = ask(layer, "activities", dimensions=("opportunity.rep.region",))
    assert {r["opportunity.rep.region"]: r["activities"] for r in rows} == {"EMEA": 7, "NA": 13, None: 10}
    assert hand_sql(layer, "select count(*) from activities a join opportunities o "
                           "on o.opportunity_id = a.opportunity_id join reps r on r.rep_id = o.owner_rep_id "
                           "where r.region = 'EMEA'") == 7

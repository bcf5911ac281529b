"""Sharper corners: three entities at once, a ratio of two entities by quarter, wildcard
characters in `contains`, week and day grains, filters on the measure's own entity."""
from __future__ import annotations

from typing import Any

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by, total


def test_three_entities_by_segment(layer: SemanticLayer) -> None:
    """Opportunities (direct), activities (direct) and leads (lead -> contact -> account) by segment.
    Leads with a contact: 6, 14 (Acme, Enterprise), 3 (Initech), 10 (Umbrella); the other 9 leads have
    none (NULL segment). MQLs among them: 6, 14 | 3 | 10 | 2, 4, 8, 12."""
    rows = ask(layer, "bookings", "activities", "leads", "mqls", dimensions=("account.segment",))
    assert by(rows, "account.segment", "bookings") == {"Enterprise": 45_000, "Mid-Market": 8_000, "SMB": 2_000,
                                                      None: 15_000}
    assert by(rows, "account.segment", "activities") == {"Enterprise": 11, "Mid-Market": 4, "SMB": 6, None: 9}
    assert by(rows, "account.segment", "leads") == {"Enterprise": 2, "Mid-Market": 1, "SMB": 1, None: 9}
    assert by(rows, "account.segment", "mqls") == {"Enterprise": 2, "Mid-Market": 1, "SMB": 1, None: 4}


def test_leads_filtered_two_joins_away(layer: SemanticLayer) -> None:
    """Leads at Enterprise accounts (6, 14) and with neq, which keeps the 9 contact-less leads: 1 + 1 + 9."""
    enterprise = ({"dimension": "account.segment", "op": "eq", "value": "Enterprise"},)
    assert ask(layer, "leads", "lead_to_mql_rate", filters=enterprise) == [{"leads": 2, "lead_to_mql_rate": 1.0}]
    not_enterprise = ({"dimension": "account.segment", "op": "neq", "value": "Enterprise"},)
    assert total(layer, "leads", filters=not_enterprise) == 11


def test_activities_per_open_opportunity_by_quarter(layer: SemanticLayer) -> None:
    """Both parts are placed by the open deal's close_date, whenever its activities happened:
    2025Q2 no open deal closing -> None; Q3 115 (activity 20) -> 1; Q4 111 (15, 16, 23), 112 (17, 24) -> 5 / 2;
    2026Q1 113 (18), 114 (19) -> 2 / 2."""
    rows = ask(layer, "activities_per_open_opportunity", grain="quarter",
               time_range={"from": "2025-04-01", "to": "2026-03-31"})
    assert by(rows, "period", "activities_per_open_opportunity") == {
        "2025-04-01": None, "2025-07-01": 1.0, "2025-10-01": 2.5, "2026-01-01": 1.0}


def test_three_opportunity_time_columns_by_quarter_and_type(layer: SemanticLayer) -> None:
    """Bookings (closed_at), open pipeline (close_date) and pipeline created (created_at) of 2025Q3 by deal
    type. Won 110 new_business 3k; open 115 new_business 6k; created 107 nb 2k, 109 nb 12k, 111 expansion 40k,
    112 expansion 10k."""
    rows = ask(layer, "bookings", "open_pipeline", "pipeline_created", dimensions=("opportunity.type",),
               grain="quarter", time_range={"from": "2025-07-01", "to": "2025-09-30"})
    got = {r["opportunity.type"]: (r["bookings"], r["open_pipeline"], r["pipeline_created"]) for r in rows}
    assert got == {"new_business": (3_000, 6_000, 14_000), "expansion": (0, 0, 50_000)}
    assert {r["period"] for r in rows} == {"2025-07-01"}


CONTAINS_CASES: list[tuple[str, str, float]] = [
    # '_' must be a literal underscore: only 'new_business' has one (101, 104, 105, 107, 109, 110)
    ("underscore", "_", 65_000),
    # '%' must be literal: no deal type contains it
    ("percent", "%", 0),
    ("mixed_case", "NEW_b", 65_000),
]


@pytest.mark.parametrize("name,value,bookings", CONTAINS_CASES, ids=[c[0] for c in CONTAINS_CASES])
def test_contains_treats_wildcards_literally(layer: SemanticLayer, name: str, value: str, bookings: float) -> None:
    """`contains` is a case-insensitive substring test; LIKE wildcards in the value match only themselves."""
    flt = ({"dimension": "opportunity.type", "op": "contains", "value": value},)
    assert total(layer, "bookings", filters=flt) == bookings


def test_neq_and_not_in_on_measure_entity_keep_nulls(layer: SemanticLayer) -> None:
    """Competitor neq 'Rival' keeps NULL competitors: won 102, 104, 107, 109, 110 = 52k;
    not_in ('Rival', 'Other Co') leaves only NULL competitors: 102, 109, 110 = 20k."""
    neq = ({"dimension": "opportunity.competitor", "op": "neq", "value": "Rival"},)
    assert total(layer, "bookings", filters=neq) == 52_000
    not_in = ({"dimension": "opportunity.competitor", "op": "not_in", "values": ["Rival", "Other Co"]},)
    assert total(layer, "bookings", filters=not_in) == 20_000


def test_numeric_comparisons_and_string_number_values(layer: SemanticLayer) -> None:
    """amount > 10000 among wins: 104 (30k), 109 (12k); a numeric value given as text is converted."""
    gt = ({"dimension": "opportunity.amount", "op": "gt", "value": "10000"},)
    assert ask(layer, "bookings", "won_deals", filters=gt) == [{"bookings": 42_000, "won_deals": 2}]
    lte = ({"dimension": "opportunity.amount", "op": "lte", "value": 5_000},)
    assert total(layer, "bookings", filters=lte) == 10_000  # 102 5k, 107 2k, 110 3k


def test_boolean_filter(layer: SemanticLayer) -> None:
    """Activities linked to an opportunity (a computed boolean dimension): 20 of 30."""
    flt: tuple[dict[str, Any], ...] = ({"dimension": "activity.is_linked_to_opportunity", "op": "eq",
                                        "value": True},)
    assert ask(layer, "activities", "activity_opportunity_coverage", filters=flt) == [
        {"activities": 20, "activity_opportunity_coverage": 1.0}]


def test_week_grain_starts_monday(layer: SemanticLayer) -> None:
    """Weeks of 2025-11-03 (Mon): activity 19; of 2025-11-10: 20 (Mon), 29 (Wed), 21 (Fri), 22 (Sat 20:00)."""
    rows = ask(layer, "activities", grain="week", time_range={"from": "2025-11-03", "to": "2025-11-16"})
    assert rows == [{"period": "2025-11-03", "activities": 1}, {"period": "2025-11-10", "activities": 4}]


def test_day_grain_over_a_year_boundary(layer: SemanticLayer) -> None:
    """Activity 4 at 2024-12-31 23:30 stays on Dec 31; nothing on Jan 1; 5 on Jan 2 08:00."""
    rows = ask(layer, "activities", grain="day", time_range={"from": "2024-12-31", "to": "2025-01-02"})
    assert rows == [{"period": "2024-12-31", "activities": 1}, {"period": "2025-01-01", "activities": 0},
                    {"period": "2025-01-02", "activities": 1}]


def test_new_logos_by_quarter_and_with_bookings(layer: SemanticLayer) -> None:
    """First wins in 2025: Globex 02-01 (Q1), Initech 05-15 (Q2), Umbrella 10-05 and Stark 11-03 (Q4).
    Acme's 2025 win (102) is an expansion, not a new logo."""
    rows = ask(layer, "new_logos", "won_deals", grain="quarter", time_range={"from": "2025-01-01", "to": "2025-12-31"})
    assert [(r["period"], r["new_logos"], r["won_deals"]) for r in rows] == [
        ("2025-01-01", 1, 2), ("2025-04-01", 1, 1), ("2025-07-01", 0, 1), ("2025-10-01", 2, 2)]

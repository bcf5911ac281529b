"""Stage spells, time in stage and stage-to-stage conversion against hand counts of
tests.fixtures.stage_spells_ledger.py (its docstring lists every spell), on DuckDB and PostgreSQL; and the demo
ledger against hand-written SQL."""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by, hand_sql, total

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
# (deal, stage, entry number, days in stage; None while open), read off the fixture's table
SPELLS = {
    ("Deal 201", "prospecting", 1, 10), ("Deal 201", "qualification", 1, 30), ("Deal 201", "proposal", 1, 20),
    ("Deal 201", "closed_won", 1, None),
    ("Deal 202", "qualification", 1, 10), ("Deal 202", "proposal", 1, 20), ("Deal 202", "closed_lost", 1, 10),
    ("Deal 202", "proposal", 2, 20), ("Deal 202", "negotiation", 1, None),
    ("Deal 203", "prospecting", 1, 0), ("Deal 203", "qualification", 1, 19), ("Deal 203", "discovery", 1, None),
    ("Deal 204", "qualification", 1, 22), ("Deal 204", "discovery", 1, 28), ("Deal 204", "proposal", 1, None),
    ("Deal 205", "prospecting", 1, 7), ("Deal 205", "closed_lost", 1, None),
    ("Deal 206", "discovery", 1, None),
    ("Deal 207", "proposal", 1, None),
    ("Deal 208", "qualification", 1, 20), ("Deal 208", "negotiation", 1, 23), ("Deal 208", "closed_won", 1, None),
}


def test_every_spell(spells_layer: SemanticLayer) -> None:
    """One spell per real stage entry: 201's amount-only edit starts none, 202's reopen enters proposal again,
    203's equal timestamps give a 0-day prospecting spell, 204's backdated row sits in time order, 205's
    `before` stage runs from creation, 206 (no history) has one open spell, 207 (amount and close-date edits
    only) one."""
    rows = ask(spells_layer, "stage_entries", dimensions=("opportunity.name", "stage_spell.stage",
                                                           "stage_spell.entry_number", "stage_spell.days_in_stage"))
    got = {(r["opportunity.name"], r["stage_spell.stage"], r["stage_spell.entry_number"],
            r["stage_spell.days_in_stage"]) for r in rows}
    assert got == SPELLS
    assert all(r["stage_entries"] == 1 for r in rows)


def test_entries_exits_and_days_by_stage(spells_layer: SemanticLayer) -> None:
    """Completed spells only in the average: prospecting (10 + 0 + 7) / 3; qualification (30 + 10 + 19 + 22 +
    20) / 5; discovery 28 (204); proposal (20 + 20 + 20) / 3; negotiation 23 (208); closed_lost 10 (202)."""
    rows = ask(spells_layer, "stage_entries", "stage_exits", "avg_days_in_stage", dimensions=("stage_spell.stage",))
    assert by(rows, "stage_spell.stage", "stage_entries") == {
        "prospecting": 3, "qualification": 5, "discovery": 3, "proposal": 5, "negotiation": 2, "closed_won": 2,
        "closed_lost": 2}
    assert {k: v for k, v in by(rows, "stage_spell.stage", "stage_exits").items() if v} == {
        "prospecting": 3, "qualification": 5, "discovery": 1, "proposal": 3, "negotiation": 1, "closed_lost": 1}
    averages = {k: v for k, v in by(rows, "stage_spell.stage", "avg_days_in_stage").items() if v is not None}
    assert averages == pytest.approx({"prospecting": 17 / 3, "qualification": 101 / 5, "discovery": 28,
                                      "proposal": 20, "negotiation": 23, "closed_lost": 10})


def test_average_days_in_stage_by_stage_and_rep(spells_layer: SemanticLayer) -> None:
    """Ada owns 201, 203, 205, 207; Bo 202, 204, 206, 208."""
    rows = ask(spells_layer, "avg_days_in_stage", dimensions=("stage_spell.stage", "rep.name"))
    got = {k: v for k, v in by(rows, ("stage_spell.stage", "rep.name"), "avg_days_in_stage").items() if v is not None}
    assert got == pytest.approx({
        ("prospecting", "Ada"): 17 / 3, ("qualification", "Ada"): 24.5, ("proposal", "Ada"): 20,
        ("qualification", "Bo"): 52 / 3, ("proposal", "Bo"): 20, ("discovery", "Bo"): 28, ("negotiation", "Bo"): 23,
        ("closed_lost", "Bo"): 10})


def test_days_in_the_current_stage(spells_layer: SemanticLayer) -> None:
    """Open deals up to 2025-04-15: 202 negotiation since 03-06 (40 days), 203 discovery since 02-20 (54),
    204 proposal since 03-01 (45), 206 discovery since its creation 02-15 (59), 207 proposal since 01-20 (85:
    its later rows are not stage changes). Closed deals' last spells do not count."""
    assert total(spells_layer, "avg_days_in_current_stage") == pytest.approx(283 / 5)
    rows = ask(spells_layer, "avg_days_in_current_stage", dimensions=("stage_spell.stage",))
    got = {k: v for k, v in by(rows, "stage_spell.stage", "avg_days_in_current_stage").items() if v is not None}
    assert got == pytest.approx({"negotiation": 40, "discovery": 56.5, "proposal": 65})


def test_entries_and_exits_by_month(spells_layer: SemanticLayer) -> None:
    """Entries by the day entered, exits by the day left (the fixture's table, month by month); April has
    neither."""
    rows = ask(spells_layer, "stage_entries", "stage_exits", grain="month",
               time_range={"from": "2025-01-01", "to": "2025-04-30"})
    assert by(rows, "period", "stage_entries") == {"2025-01-01": 6, "2025-02-01": 10, "2025-03-01": 6,
                                                   "2025-04-01": 0}
    assert by(rows, "period", "stage_exits") == {"2025-01-01": 2, "2025-02-01": 7, "2025-03-01": 5, "2025-04-01": 0}


def test_cohort_conversion(spells_layer: SemanticLayer) -> None:
    """Entered qualification in Q1: 201, 202, 203, 204, 208; later reached proposal or beyond: 201, 202, 204,
    and 208 (skipped to negotiation) -> 4 / 5. Entered proposal in Q1: 201, 202 (twice: one deal), 204,
    207; later won: 201 -> 1 / 4."""
    row = ask(spells_layer, "qualification_to_proposal_cohort", "proposal_to_won_cohort", time_range=Q1)[0]
    assert row == pytest.approx({"qualification_to_proposal_cohort": 0.8, "proposal_to_won_cohort": 0.25})


def test_in_period_conversion(spells_layer: SemanticLayer) -> None:
    """Entries into proposal / into qualification per month: January 202, 207 / 201, 202, 204; February 201,
    202 / 203, 208; March 204 / none (null). Q1: won 201, 208 / proposal entries 5."""
    rows = ask(spells_layer, "qualification_to_proposal_in_period", grain="month", time_range=Q1)
    assert by(rows, "period", "qualification_to_proposal_in_period") == pytest.approx(
        {"2025-01-01": 2 / 3, "2025-02-01": 1.0, "2025-03-01": None})
    assert total(spells_layer, "proposal_to_won_in_period", time_range=Q1) == pytest.approx(0.4)


def test_any_pair_through_the_furthest_stage(spells_layer: SemanticLayer) -> None:
    """Any pair: entries into qualification by the furthest stage reached afterwards. 201 and 208 were won;
    202 got to negotiation (its loss is not progress); 203 to discovery; 204 to proposal."""
    rows = ask(spells_layer, "stage_entries", dimensions=("stage_spell.furthest_stage",),
               filters=({"dimension": "stage_spell.stage", "value": "qualification"},))
    assert by(rows, "stage_spell.furthest_stage", "stage_entries") == {
        "closed_won": 2, "negotiation": 1, "discovery": 1, "proposal": 1}


def test_demo_spells_against_hand_sql(demo_layer: SemanticLayer) -> None:
    """Every real stage change (the demo writes from_stage as the previous row's stage, one second apart at
    least) is an entry, every deal has exactly one open spell, and each completed spell lasts from its row's
    day to the next row's day."""
    entries = hand_sql(demo_layer, "select count(*) from opportunity_stage_history where from_stage is null or "
                                   "from_stage <> to_stage")
    entries += hand_sql(demo_layer, "select count(*) from opportunities o where not exists (select 1 from "
                                    "opportunity_stage_history h where h.opportunity_id = o.opportunity_id)")
    deals = hand_sql(demo_layer, "select count(*) from opportunities")
    days = hand_sql(demo_layer, "select avg(d) from (select cast(lead(changed_at) over (partition by opportunity_id "
                                "order by changed_at) as date) - cast(changed_at as date) as d from "
                                "opportunity_stage_history where from_stage is null or from_stage <> to_stage) x "
                                "where d is not null")
    row = ask(demo_layer, "stage_entries", "stage_exits", "avg_days_in_stage")[0]
    assert row["stage_entries"] == entries
    assert row["stage_entries"] - row["stage_exits"] == deals
    assert row["avg_days_in_stage"] == pytest.approx(days)


def test_graphql_answers_through_the_normal_query_path(spells_layer: SemanticLayer) -> None:
    """The API has nothing special for spells: the entries of each rep, as in the fixture's table (Ada 201 4,
    203 3, 205 2, 207 1; Bo 202 5, 204 3, 206 1, 208 3)."""
    from server.app import create_app
    from server.auth import TokenAuth
    from server.settings import ServerSettings
    from tests.server.conftest import data, post

    app = create_app(REPO_ROOT, spells_layer.database_url, ServerSettings(), auth=TokenAuth())
    answer = data(post(app, """{ query(metrics: [stage_entries], dimensions: ["rep.name"]) { rows } }"""))
    rows = answer["query"]["rows"]
    assert by(rows, "rep.name", "stage_entries") == {"Ada": 10, "Bo": 12}

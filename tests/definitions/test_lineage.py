"""One lineage per metric (semantic/definitions/lineage.py): expected sets are listed by hand from the YAML,
and the time axes are checked against the axes the planner really aggregates on."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from semantic.definitions import load_project
from semantic.definitions.lineage import Lineage, lineages
from semantic.governance.diff import dependencies
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.plan.conversion import Conversion
from semantic.plan.steps import Aggregate
from semantic.question import Question

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "lineage"
CALLS_WON_DEALS = ("calls", "won_amount", "deal_count")
MIX_AXES = ("call.called_at", "deal.closed_at", "deal.created_at")

# name: (metrics, measures, terms, entities, time axes, timed), read off tests/fixtures/projects/lineage
EXPECTED = {
    "won": ((), ("won_amount",), ("big",), {"deal"}, ("deal.closed_at",), True),
    "inbound_calls": ((), ("calls",), ("inbound",), {"call"}, ("call.called_at",), True),
    "won_per_deal": ((), ("won_amount", "deal_count"), ("big",), {"deal"}, ("deal.closed_at", "deal.created_at"),
                     True),
    "calls_per_deal": ((), ("calls", "deal_count"), (), {"call", "deal"}, ("call.called_at", "deal.created_at"),
                       True),
    "won_by_creation": ((), ("won_amount",), ("big",), {"deal"}, ("deal.created_at",), True),
    "mix": (("inbound_calls", "won_per_deal"), CALLS_WON_DEALS, ("inbound", "big"), {"call", "deal"}, MIX_AXES,
            True),
    "mix_growth": (("mix", "inbound_calls", "won_per_deal"), CALLS_WON_DEALS, ("inbound", "big"), {"call", "deal"},
                   MIX_AXES, True),
    "pinned_mix": (("mix", "inbound_calls", "won_per_deal"), CALLS_WON_DEALS, ("inbound", "big"), {"call", "deal"},
                   ("deal.closed_at",), True),
    "deals_90d": ((), ("deal_count",), (), {"deal"}, ("deal.created_at",), True),
    "notes_per_call": ((), ("notes", "calls"), (), {"note", "call"}, ("call.called_at",), False),
}


def test_fixture_lineage_matches_the_hand_list() -> None:
    loaded = load_project(FIXTURE)
    assert [i.code for i in loaded.issues] == ["W_NO_TIME_DIMENSION"]  # the undated note entity, on purpose
    found = lineages(loaded.definitions)
    assert set(EXPECTED) == set(loaded.definitions.metrics)
    for name, (metrics, measures, terms, entities, axes, timed) in EXPECTED.items():
        assert found.of(name) == Lineage(metrics, measures, terms, frozenset(entities), axes, timed), name


def test_starter_lineage_matches_the_hand_list(repo_root: Path) -> None:
    found = lineages(load_project(repo_root).definitions)
    assert found.of("activities_per_open_opportunity") == Lineage(
        (), ("open_deal_activities", "open_opportunities"), ("open_pipeline",),
        frozenset({"open_deal_activity", "opportunity"}), ("open_deal_activity.close_date", "opportunity.close_date"),
        True)
    assert found.of("bookings_per_won_deal_check") == Lineage(
        ("bookings", "won_deals"), ("won_amount", "won_deals"), ("closed_won",), frozenset({"opportunity"}),
        ("opportunity.closed_at",), True)
    assert found.of("bookings_growth_yoy").metrics == ("bookings",)
    assert found.of("no_such_metric") == Lineage()


@pytest.mark.parametrize("project", ["starter", "fixture"])
def test_time_axes_are_the_axes_the_plan_aggregates_on(project: str, repo_root: Path) -> None:
    layer = SemanticLayer.open(repo_root if project == "starter" else FIXTURE, None,
                               ExecutionSettings(today=date(2025, 11, 15)))
    found = lineages(layer.definitions)
    for name in layer.definitions.metrics:
        if not found.of(name).timed:
            continue
        # quarter: the coarsest grain every starter measure answers (quotas are recorded per fiscal quarter)
        question = Question(metrics=[name], grain="quarter", time_range={"relative": "this_year"})
        steps = layer.compile(question, "duckdb").plan.steps
        used = {s.time_dimension.ref for s in steps if isinstance(s, Aggregate) and s.time_dimension}
        used |= {s.base_ref for s in steps if isinstance(s, Conversion)}  # a cohort's date is its base event's
        assert used == set(found.of(name).time_axes), name


def test_diff_depends_on_what_the_lineage_lists(repo_root: Path) -> None:
    """A comparison of a derived metric moves with every metric, term and entity underneath it (hand list);
    the stage list matters only where stages are used (the starter's opportunity has a stage_dimension)."""
    assert ("stages", "") in dependencies(load_project(repo_root).definitions, "bookings")
    defs = load_project(FIXTURE).definitions
    assert dependencies(defs, "mix_growth") == {
        ("metrics", "mix_growth"), ("metrics", "mix"), ("metrics", "inbound_calls"), ("metrics", "won_per_deal"),
        ("terms", "inbound"), ("terms", "big"), ("entities", "call"), ("entities", "deal"), ("calendar", "")}
    assert dependencies(defs, "no_such_metric") == set()


def test_a_conversion_is_sliced_by_its_counted_entity_and_moves_with_its_event_entities(repo_root: Path) -> None:
    """lead_to_opportunity_90d counts leads (dimensions come from lead and what it reaches) but reads
    opportunities and meets them on the account: a change to either moves it, as does a change to its terms."""
    defs = load_project(repo_root).definitions
    lin = lineages(defs).of("lead_to_opportunity_90d")
    assert (lin.entities, lin.also_reads) == (frozenset({"lead"}), frozenset({"opportunity", "account"}))
    assert dependencies(defs, "lead_to_opportunity_90d") >= {
        ("entities", "lead"), ("entities", "opportunity"), ("entities", "account"), ("terms", "lead"),
        ("terms", "opportunity")}
    assert lin.time_axes == ("lead.created_at",) and lin.timed

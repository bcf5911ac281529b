"""Questions the layer must refuse, each with a stable code and a hint that says how to fix it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.plan.steps import Spine
from semantic.question import Question, parse_where

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "projects"


@pytest.fixture(scope="module")
def layer(repo_root: Path) -> SemanticLayer:
    return SemanticLayer.open(repo_root, None, ExecutionSettings(today=date(2025, 11, 15)))


def refused(layer: SemanticLayer, **question) -> SemanticError:
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(**question), "duckdb")
    assert info.value.hint, "every refusal carries a hint"
    return info.value


def test_unknown_metric_suggests_the_close_name(layer):
    err = refused(layer, metrics=["win_rat"])
    assert err.code == "E_UNKNOWN_METRIC" and "did you mean 'win_rate'" in err.message


def test_unknown_dimension_and_entity(layer):
    assert refused(layer, metrics=["bookings"], dimensions=["account.segmnt"]).code == "E_UNKNOWN_DIMENSION"
    err = refused(layer, metrics=["bookings"], dimensions=["acount.segment"])
    assert err.code == "E_UNKNOWN_DIMENSION" and "'account'" in err.message


def test_fanout_is_refused_with_an_explanation(layer):
    # new logos are counted per account; slicing them by an opportunity attribute would repeat accounts
    err = refused(layer, metrics=["new_logos"], dimensions=["opportunity.product"])
    assert err.code == "E_FANOUT" and "many-to-one" in err.message and "several times" in err.hint


def test_ambiguous_join_path_names_both_candidates():
    layer = SemanticLayer.open(FIXTURES / "diamond")
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["revenue"], dimensions=["region.name"]), "duckdb")
    assert info.value.code == "E_AMBIGUOUS_PATH"
    assert "deal -> account -> region" in info.value.message and "deal -> rep -> region" in info.value.message


@pytest.mark.parametrize("time_range, code", [
    ({"from": "2025-13-01"}, "E_BAD_TIME_RANGE"),
    ({"from": "2025-06-01", "to": "2025-01-01"}, "E_BAD_TIME_RANGE"),
    ({"relative": "this_decade"}, "E_BAD_TIME_RANGE"),
    ({"relative": "this_quarter", "from": "2025-01-01"}, "E_BAD_TIME_RANGE"),
])
def test_bad_time_ranges(layer, time_range, code):
    assert refused(layer, metrics=["bookings"], time_range=time_range).code == code


def test_too_many_periods_is_refused(layer):
    err = refused(layer, metrics=["bookings"], grain="day", time_range={"from": "1900-01-01", "to": "2099-01-01"})
    assert err.code == "E_BAD_TIME_RANGE"


@pytest.mark.parametrize("flt", [
    {"dimension": "opportunity.amount", "op": "gt", "value": "lots"},
    {"dimension": "opportunity.created_at", "op": "gte", "value": "yesterday-ish"},
    {"dimension": "opportunity.is_won", "op": "eq", "value": "maybe"},
    {"dimension": "opportunity.product", "op": "between", "values": ["a"]},
    {"dimension": "opportunity.product", "op": "in", "values": []},
    {"dimension": "opportunity.product", "op": "is_null", "value": "x"},
    {"dimension": "opportunity.product", "op": "eq", "value": ["a", "b"]},
    {"dimension": "opportunity.product", "op": "eq", "value": "x" * 5000},
])
def test_bad_filters(layer, flt):
    assert refused(layer, metrics=["bookings"], filters=[flt]).code == "E_BAD_FILTER"


def test_order_by_must_name_an_output_column(layer):
    err = refused(layer, metrics=["bookings"], order_by=[{"column": "booking"}])
    assert err.code == "E_BAD_ORDER_BY" and "did you mean 'bookings'" in err.message


def test_where_strings_become_structured_filters():
    parsed = parse_where("account.segment in ('SMB', 'Enterprise') and opportunity.amount >= 10 "
                         "and opportunity.competitor is null and opportunity.name like '%acme%'")
    assert [(f.dimension, f.op) for f in parsed] == [
        ("account.segment", "in"), ("opportunity.amount", "gte"), ("opportunity.competitor", "is_null"),
        ("opportunity.name", "contains")]
    assert parsed[0].values == ("SMB", "Enterprise")


@pytest.mark.parametrize("text", [
    "account.segment = 'x'; drop table opportunities",
    "account.segment = (select max(name) from reps)",
    "account.segment = other.column",
    "upper(account.segment) = 'X'",
])
def test_where_refuses_anything_but_dimension_comparisons(text):
    with pytest.raises(SemanticError) as info:
        parse_where(text)
    assert info.value.code == "E_BAD_FILTER"


def test_a_bare_name_in_where_is_a_metric_and_an_unknown_one_says_how_to_write_a_dimension(layer):
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["bookings"], filters=parse_where("segment = 'x'")), "duckdb")
    assert info.value.code == "E_BAD_FILTER" and info.value.hint == "write the dimension as account.segment"
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["bookings"], filters=parse_where("booking > 1")), "duckdb")
    assert info.value.code == "E_BAD_FILTER" and "did you mean 'bookings'" in info.value.message


def test_filter_values_are_bound_never_inlined(layer):
    hostile = "x'; drop table opportunities; --"
    compiled = layer.compile(Question(metrics=["bookings"], filters=[
        {"dimension": "account.segment", "op": "eq", "value": hostile}]), "duckdb")
    assert hostile not in compiled.sql and "drop table" not in compiled.sql.lower()
    assert hostile in compiled.params.values()


@pytest.mark.parametrize("relative", ["last_0_days", "last_99999_months", "next_year_or_so"])
def test_relative_ranges_out_of_bounds(layer, relative):
    assert refused(layer, metrics=["bookings"], time_range={"relative": relative}).code == "E_BAD_TIME_RANGE"


@pytest.mark.parametrize("question", [
    {"time_range": {"from": "2020-01-01", "to": "9999-12-31"}},
    {"time_range": {"from": "2026-06-01"}, "grain": "year"},
    {"time_range": {"to": "2024-03-01"}, "grain": "month"},
    {"filters": [{"dimension": "opportunity.closed_at", "op": "lte", "value": "9999-12-31"}]},
    {"filters": [{"dimension": "opportunity.closed_at", "op": "gt", "value": "9999-12-31"}]},
    {"filters": [{"dimension": "opportunity.closed_at", "op": "lt", "value": "0001-01-01"}]},
])
def test_open_and_extreme_ranges_compile(layer, question):
    compiled = layer.compile(Question(metrics=["bookings"], **question), "duckdb")
    assert not any(isinstance(step, Spine) for step in compiled.plan.steps) and compiled.sql


@pytest.mark.parametrize("text", ["opportunity.amount > -'5'",
                                  "opportunity.amount = 99999999999999999999999999999999999999999"])
def test_odd_literals_are_bad_filters(layer, text):
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["bookings"], filters=parse_where(text)), "duckdb")
    assert info.value.code == "E_BAD_FILTER"


def test_time_dimension_without_grain_or_range_is_refused(layer):
    err = refused(layer, metrics=["bookings"], time_dimension="opportunity.close_date")
    assert err.code == "E_BAD_REQUEST"


def test_limit_beyond_any_database_is_a_bad_request():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Question(metrics=["bookings"], limit=10**23)


@pytest.mark.parametrize("where, value, suggestion", [
    ("opportunity.stage = 'won'", "won", "closed_won"),  # one word of the stage name
    ("opportunity.stage in ('closed_won', 'negotation')", "negotation", "negotiation"),  # a typo in a list
    ("opportunity.stage != 'Closed Lost'", "Closed Lost", "closed_lost"),  # the CRM's spelling
    ("opportunity.stage not in ('Prospecting')", "Prospecting", "prospecting"),
])
def test_unknown_stage_in_where_is_refused_with_did_you_mean(layer, where, value, suggestion):
    """opportunity declares `stage_dimension: stage`: a stage that does not exist would match no row."""
    err = refused(layer, metrics=["won_deals"], filters=parse_where(where))
    assert err.code == "E_UNKNOWN_STAGE"
    assert f"unknown stage '{value}' (did you mean '{suggestion}'?)" in err.message
    assert "closed_won" in err.hint


def test_known_stages_and_patterns_on_the_stage_pass(layer):
    """Real stage names pass; `contains` is a pattern, not a stage name, so it is not checked."""
    for where in ("opportunity.stage in ('closed_won', 'negotiation')", "opportunity.stage like '%closed%'"):
        layer.compile(Question(metrics=["won_deals"], filters=parse_where(where)), "duckdb")

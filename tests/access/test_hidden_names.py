"""Hidden metrics and dimensions are refused exactly like unknown ones, and missing from what a caller can list;
claims are bound values; a caller without a known role or without a needed claim gets nothing."""
from __future__ import annotations

import pytest

from semantic.access import Caller
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.access.conftest import rep

AGENCY = Caller("agency-1", frozenset({"agency"}))
BOOKINGS_FAMILY = {"bookings", "bookings_qtd", "bookings_fytd", "bookings_growth_yoy", "bookings_per_won_deal_check",
                   "forecast_commit", "forecast_best_case", "quota_attainment", "pipeline_coverage"}


def refusal(call) -> SemanticError:  # noqa: ANN001
    with pytest.raises(SemanticError) as caught:
        call()
    return caught.value


def test_the_agency_sees_no_metric_built_on_bookings(layer: SemanticLayer) -> None:
    """`*bookings*` hides bookings_qtd, bookings_fytd, bookings_growth_yoy and bookings_per_won_deal_check by name;
    forecast_commit, forecast_best_case, quota_attainment and pipeline_coverage read bookings in their formula."""
    visible = set(layer.metric_names(AGENCY))
    assert visible == set(layer.definitions.metrics) - BOOKINGS_FAMILY
    assert "activities" in visible and "win_rate" in visible


@pytest.mark.parametrize("name", sorted(BOOKINGS_FAMILY))
def test_a_hidden_metric_is_refused_as_unknown_everywhere(layer: SemanticLayer, name: str) -> None:
    for call in (lambda: layer.query(Question(metrics=(name,)), caller=AGENCY),
                 lambda: layer.compile(Question(metrics=("activities",), filters=(
                     {"metric": name, "op": "gt", "value": 0},)), caller=AGENCY),
                 lambda: layer.metric(name, AGENCY), lambda: layer.metric_sql(name, caller=AGENCY),
                 lambda: layer.dimensions_for([name], AGENCY)):
        exc = refusal(call)
        assert exc.code == "E_UNKNOWN_METRIC"
        assert exc.message.startswith(f"unknown metric '{name}'")
        for hidden in BOOKINGS_FAMILY - {name}:
            assert f"'{hidden}'" not in exc.message and hidden not in exc.hint.split(", ")


def test_a_misspelt_name_never_suggests_a_hidden_one(layer: SemanticLayer) -> None:
    exc = refusal(lambda: layer.query(Question(metrics=("booking",)), caller=AGENCY))
    assert exc.code == "E_UNKNOWN_METRIC" and "bookings" not in exc.message and "bookings" not in exc.hint
    unrestricted = refusal(lambda: layer.query(Question(metrics=("booking",))))
    assert "did you mean 'bookings'" in unrestricted.message


def test_a_hidden_dimension_is_refused_as_unknown(layer: SemanticLayer) -> None:
    for ref in ("rep.quota_amount", "opportunity.rep.quota_amount"):
        for question in (Question(metrics=("bookings",), dimensions=(ref,)),
                         Question(metrics=("bookings",), filters=({"dimension": ref, "op": "gt", "value": 0},))):
            exc = refusal(lambda: layer.query(question, caller=rep()))
            assert exc.code == "E_UNKNOWN_DIMENSION" and exc.message.startswith(f"unknown dimension '{ref}'")
    listed = {d.name for d in layer.dimensions_for(["bookings"], rep())}
    assert "rep.region" in listed and "rep.quota_amount" not in listed
    assert "rep.quota_amount" in {d.name for d in layer.dimensions_for(["bookings"])}


def test_saved_queries_with_hidden_metrics_are_unknown(layer: SemanticLayer) -> None:
    hidden = [n for n, s in layer.definitions.saved_queries.items() if set(s.metrics) & BOOKINGS_FAMILY]
    assert hidden, "the starter has saved queries on bookings"
    listed = layer.saved_query_names(AGENCY)
    for name in hidden:
        assert name not in listed
        assert refusal(lambda: layer.saved_query(name, AGENCY)).code == "E_UNKNOWN_SAVED_QUERY"
    assert set(hidden) <= set(layer.saved_query_names())


def test_a_missing_claim_is_an_error_never_an_unfiltered_answer(layer: SemanticLayer) -> None:
    exc = refusal(lambda: layer.query(Question(metrics=("bookings",)), caller=Caller("x", frozenset({"rep"}))))
    assert exc.code == "E_ACCESS_CLAIM" and "'region'" in exc.message


def test_no_known_role_sees_nothing(layer: SemanticLayer) -> None:
    stranger = Caller("x", frozenset({"intern"}))
    assert refusal(lambda: layer.query(Question(metrics=("activities",)), caller=stranger)).code == "E_ACCESS_DENIED"
    assert layer.metric_names(stranger) == [] and layer.saved_query_names(stranger) == []


def test_a_claim_is_a_bound_value_never_sql(layer: SemanticLayer) -> None:
    """An injection attempt in the claim matches no region: nothing is booked, and the SQL text never holds it."""
    sneaky = "NA' or '1'='1"
    rows = layer.query(Question(metrics=("bookings", "won_deals")), caller=rep(sneaky)).rows
    assert rows == [{"bookings": 0, "won_deals": 0}]
    compiled = layer.compile(Question(metrics=("bookings",)), caller=rep(sneaky))
    assert sneaky not in compiled.sql and sneaky in compiled.params.values()
    assert "row policy" in compiled.sql


def test_each_context_compiles_its_own_sql(layer: SemanticLayer) -> None:
    q = Question(metrics=("bookings",))
    na, emea, everyone = (layer.compile(q, caller=rep("NA")), layer.compile(q, caller=rep("EMEA")), layer.compile(q))
    assert na.params != emea.params and "row policy" not in everyone.sql


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql", "snowflake", "bigquery", "trino", "spark"])
def test_the_row_policy_compiles_and_parses_in_every_dialect(layer: SemanticLayer, dialect: str) -> None:
    import sqlglot

    from semantic.dialects import facts

    question = Question(metrics=("bookings", "activities", "open_pipeline"), dimensions=("account.segment",))
    compiled = layer.compile(question, dialect, caller=rep("EMEA"))
    assert compiled.sql.count("row policy") == 2  # bookings and open_pipeline share one opportunity read
    assert "EMEA" not in compiled.sql and set(compiled.params.values()) == {"EMEA"}
    sqlglot.parse_one(compiled.sql.replace("$1", "'x'") if dialect == "postgresql" else compiled.literal_sql,
                      read=facts(dialect).sqlglot_name)

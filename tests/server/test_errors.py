"""Every bad request is a GraphQL error with a code and a hint; nothing is a 500 or shows a traceback."""
from __future__ import annotations

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, data, error, get, post


@pytest.mark.parametrize("query, variables, code, fragment", [
    ("{ metric(name: bookingz) { name } }", None, "E_UNKNOWN_METRIC", "did you mean 'bookings'"),
    ("query($m: [MetricName!]!) { query(metrics: $m) { rows } }", {"m": ["win_rat"]}, "E_UNKNOWN_METRIC",
     "did you mean 'win_rate'"),
    ('{ metric(name: "bookings") { name } }', None, "E_BAD_REQUEST", "non-enum value"),
    ('{ query(metrics: [bookings], dimensions: ["account.segmnt"]) { rows } }', None, "E_UNKNOWN_DIMENSION",
     "segment"),
    ('{ query(metrics: [bookings], dimensions: ["segment"]) { rows } }', None, "E_BAD_REQUEST", "segment"),
    ('{ query(metrics: [bookings], timeRange: {from: "2024-13-45"}) { rows } }', None, "E_BAD_TIME_RANGE", ""),
    ('{ query(metrics: [bookings], timeRange: {relative: "last_fortnight"}) { rows } }', None,
     "E_BAD_TIME_RANGE", ""),
    ("{ query(metrics: [bookings], grain: hour) { rows } }", None, "E_BAD_GRAIN", "hour"),
    ('{ query(metrics: [bookings], filters: [{dimension: "account.segment", op: like}]) { rows } }', None,
     "E_BAD_FILTER", "like"),
    ('{ query(metrics: [bookings], filters: [{dimension: "account.segment", op: in}]) { rows } }', None,
     "E_BAD_FILTER", ""),
    ('{ query(metrics: [won_deals], filters: [{dimension: "opportunity.stage", value: "won"}]) { rows } }', None,
     "E_UNKNOWN_STAGE", "did you mean 'closed_won'"),
    ('{ query(metrics: [leads], dimensions: ["opportunity.stage"]) { rows } }', None, "E_FANOUT",
     "cannot be reached"),
    ('{ term(name: "pipelin") { name } }', None, "E_UNKNOWN_TERM", "did you mean 'pipeline'"),
    ('{ savedQuery(name: forecast_next_year) { rows } }', None, "E_UNKNOWN_SAVED_QUERY", ""),
    ("{ metricz { name } }", None, "E_GRAPHQL_VALIDATION", "Did you mean 'metric'"),
    ("{ query(metrics: [bookings], by: [account__segmnt]) { rows } }", None, "E_UNKNOWN_DIMENSION",
     "unknown dimension 'account.segmnt' (did you mean 'account.segment'?)"),
    ("{ metrics { name ", None, "E_GRAPHQL_SYNTAX", "Syntax Error"),
])
def test_bad_requests_get_a_code_and_a_hint(app: FastAPI, query: str, variables: dict | None, code: str,
                                            fragment: str) -> None:
    first = error(post(app, query, variables))
    assert first["extensions"]["code"] == code, first
    assert fragment in first["message"], first
    assert first["extensions"]["hint"], first


def test_unknown_metric_hint_lists_known_metrics(app: FastAPI) -> None:
    first = error(post(app, "{ metric(name: revenue) { name } }"))
    assert first["message"] == "unknown metric 'revenue'"
    assert first["extensions"]["hint"].startswith("known metrics: activities")


@pytest.mark.parametrize("url", [
    "duckdb:////nonexistent/dir/ledger.duckdb",
    "postgresql+psycopg://nobody@127.0.0.1:9/nothing",  # discard port: nothing listens
])
def test_database_down_is_an_error_and_the_server_stays_up(url: str) -> None:
    down = create_app(REPO, url, ServerSettings(), auth=TokenAuth())
    first = error(post(down, "{ query(metrics: [bookings]) { rows } }"))
    assert first["extensions"]["code"] == "E_DATABASE_UNAVAILABLE"
    assert get(down, "/health").json()["status"] == "ok"
    assert data(post(down, "{ metric(name: bookings) { label } }"))["metric"]["label"] == "Bookings"


def test_unexpected_failures_are_masked_and_logged(ledger_url: str, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    broken = create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth())
    layer = broken.state.served.current.layer

    def explode(question: object) -> None:
        raise RuntimeError("secret connection string postgres://admin:pw@db")

    monkeypatch.setattr(layer, "query", explode)
    response = post(broken, "{ query(metrics: [bookings]) { rows } }")
    first = error(response)
    assert first["extensions"]["code"] == "E_INTERNAL" and "reference" in first["message"]
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert "secret connection string" in caplog.text  # the operator still sees what happened


def test_error_in_one_field_nulls_the_answer_but_keeps_the_version(app: FastAPI) -> None:
    body = post(app, '{ version { stamp } term(name: "nope") { name } }').json()
    assert body["data"] is None  # term is non-null, so the error propagates to the root
    assert body["errors"][0]["path"] == ["term"] and body["errors"][0]["extensions"]["code"] == "E_UNKNOWN_TERM"
    assert body["extensions"]["version"]


@pytest.mark.parametrize("arguments, variables, where, hint", [
    ("metrics: [bookings], limit: 0", None, "limit", "limit must be 1 or more"),
    ("metrics: [bookings], limit: -5", None, "limit", "limit must be 1 or more"),
    ("metrics: []", None, "metrics", "name at least one metric"),
    ("metrics: $m", {"m": []}, "metrics", "name at least one metric"),
    ('metrics: [bookings], dimensions: ["segment"]', None, "dimensions.0", "entity.dimension"),
    ('metrics: [bookings], timeDimension: "closed_at"', None, "time_dimension", "entity.dimension"),
    ('metrics: [bookings], filters: [{dimension: "segment", op: eq, value: "x"}]', None, "filters.0.dimension",
     "entity.dimension"),
])
def test_invalid_question_hint_names_the_field_that_failed(app: FastAPI, arguments: str, variables: dict | None,
                                                           where: str, hint: str) -> None:
    declared = "($m: [MetricName!]!)" if variables else ""
    first = error(post(app, f"query{declared} {{ query({arguments}) {{ rows }} }}", variables))
    assert first["extensions"]["code"] == "E_BAD_REQUEST", first
    assert f"invalid question: {where}:" in first["message"], first
    assert hint in first["extensions"]["hint"], first
    if "dimension" not in where:
        assert "entity.dimension" not in first["extensions"]["hint"], first


def test_several_invalid_fields_get_one_hint_each(app: FastAPI) -> None:
    first = error(post(app, '{ query(metrics: [], dimensions: ["segment"], limit: 0) { rows } }'))
    hint = first["extensions"]["hint"]
    assert "name at least one metric" in hint and "entity.dimension" in hint and "limit must be 1" in hint

"""The API as a restricted caller: GraphQL, /query.csv|json, the catalog page and signed links obey the roles.

The caller is put where the authentication middleware leaves it (scope["state"]["caller"]) by a tiny ASGI
wrapper, so these tests do not depend on how a token becomes a Caller. Numbers: tests/access/test_row_rules.py.
"""
from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx
import pytest

from semantic.access import Caller
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.access.conftest import project_with_policies, rep
from tests.fixtures.ledger_small import load_ledger

AGENCY = Caller("agency-1", frozenset({"agency"}))


class AsCaller:
    """Runs the app with `caller` as the request's identity (what the authentication middleware does)."""

    def __init__(self, app: Any, caller: Caller | None) -> None:
        self.app, self.caller = app, caller

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.caller is not None and scope["type"] in ("http", "websocket"):
            scope.setdefault("state", {})["caller"] = self.caller
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = f"duckdb:///{tmp_path_factory.mktemp('access_ledger') / 'ledger.duckdb'}"
    load_ledger(url)
    project = project_with_policies(tmp_path_factory.mktemp("access_server_project"))
    return create_app(project, url, ServerSettings(link_secret="s" * 40), auth=TokenAuth())


def call(app: Any, caller: Caller | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=AsCaller(app, caller))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path, **kwargs)
    return asyncio.run(send())


def graphql(app: Any, caller: Caller | None, query: str) -> dict:
    return call(app, caller, "POST", "/graphql", json={"query": query}).json()


def http_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["extensions"]["code"]


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or ()]


def test_graphql_answers_the_rep_with_their_regions_rows(app: Any) -> None:
    query = "{ query(metrics: [bookings, activities]) { rows } }"
    assert graphql(app, rep("NA"), query)["data"]["query"]["rows"] == [{"bookings": 38_000, "activities": 20}]
    assert graphql(app, rep("EMEA"), query)["data"]["query"]["rows"] == [{"bookings": 32_000, "activities": 10}]
    assert graphql(app, None, query)["data"]["query"]["rows"] == [{"bookings": 70_000, "activities": 30}]


def test_graphql_catalogue_and_questions_hide_bookings_from_the_agency(app: Any) -> None:
    names = {m["name"] for m in graphql(app, AGENCY, "{ metrics { name } }")["data"]["metrics"]}
    assert "activities" in names and not {n for n in names if "bookings" in n or n.startswith("forecast_")}
    for query in ("{ metric(name: bookings) { name } }", "{ query(metrics: [bookings]) { rows } }",
                  "{ query(metrics: [activities], filters: [{metric: \"bookings\", op: gt, value: 0}]) { rows } }",
                  "{ dimensions(metrics: [quota_attainment]) { name } }"):
        body = graphql(app, AGENCY, query)
        assert codes(body) == ["E_UNKNOWN_METRIC"], query
    misspelt = graphql(app, AGENCY, "{ query(metrics: [booking]) { rows } }")
    assert codes(misspelt) == ["E_UNKNOWN_METRIC"] and "bookings" not in str(misspelt["errors"])
    terms = graphql(app, AGENCY, "{ glossary { name metrics } }")["data"]["glossary"]
    assert all("bookings" not in t["metrics"] for t in terms)
    saved = {s["name"] for s in graphql(app, AGENCY, "{ savedQueries { name metrics } }")["data"]["savedQueries"]}
    assert "forecast_review" not in saved
    assert codes(graphql(app, AGENCY, "{ savedQuery(name: forecast_review) { rows } }")) == ["E_UNKNOWN_SAVED_QUERY"]


def test_graphql_hides_a_dimension_from_the_rep(app: Any) -> None:
    dims = {d["name"] for d in graphql(app, rep(), "{ dimensions(metrics: [bookings]) { name } }")["data"]["dimensions"]}
    assert "rep.region" in dims and "rep.quota_amount" not in dims
    body = graphql(app, rep(), '{ query(metrics: [bookings], dimensions: ["rep.quota_amount"]) { rows } }')
    assert codes(body) == ["E_UNKNOWN_DIMENSION"]
    reps = next(e for e in graphql(app, rep(), "{ entities { name dimensions { name } } }")["data"]["entities"]
                if e["name"] == "rep")
    assert "quota_amount" not in {d["name"] for d in reps["dimensions"]}


def test_csv_and_json_obey_the_roles(app: Any) -> None:
    response = call(app, rep(), "GET", "/query.csv?metrics=bookings&by=account.segment")
    assert response.status_code == 200
    rows = {r["account.segment"]: float(r["bookings"]) for r in csv.DictReader(io.StringIO(response.text))}
    assert rows == {"Enterprise": 15_000, "Mid-Market": 8_000, "": 15_000}
    for path in ("/query.csv?metrics=bookings", "/query.json?metrics=activities&where=bookings>0",
                 "/query.json?saved=forecast_review"):
        assert http_code(call(app, AGENCY, "GET", path)) in ((400, "E_UNKNOWN_METRIC"),
                                                              (400, "E_UNKNOWN_SAVED_QUERY")), path
    missing = call(app, Caller("x", frozenset({"rep"})), "GET", "/query.json?metrics=bookings")
    assert http_code(missing) == (403, "E_ACCESS_CLAIM")
    stranger = call(app, Caller("x", frozenset({"intern"})), "GET", "/query.json?metrics=activities")
    assert http_code(stranger) == (403, "E_ACCESS_DENIED")


def test_the_catalog_page_leaves_hidden_metrics_out(app: Any) -> None:
    page = call(app, AGENCY, "GET", "/catalog").text
    assert 'id="metric-activities"' in page and 'id="metric-bookings"' not in page
    assert 'id="metric-bookings"' in call(app, None, "GET", "/catalog").text


def test_a_restricted_caller_cannot_mint_a_signed_link(app: Any) -> None:
    refused = call(app, rep(), "POST", "/shared-links", json={"saved": "pipeline_share_by_deal_type"})
    assert http_code(refused) == (403, "E_ACCESS_DENIED")
    assert call(app, None, "POST", "/shared-links", json={"saved": "pipeline_share_by_deal_type"}).status_code == 200


def test_a_metrics_sql_and_the_waterfall_answer_as_the_caller(app: Any) -> None:
    sql = graphql(app, rep("EMEA"), "{ metric(name: bookings) { sql } }")["data"]["metric"]["sql"]
    assert "row policy" in sql and "EMEA" not in sql
    assert "row policy" not in graphql(app, None, "{ metric(name: bookings) { sql } }")["data"]["metric"]["sql"]
    query = '{ waterfall(from: "2025-07-01", to: "2025-11-15", closeRange: {from: "2025-07-01", to: "2025-12-31"}) ' \
            '{ buckets { bucket count amount } } }'
    answers = [{b["bucket"]: b for b in graphql(app, c, query)["data"]["waterfall"]["buckets"]}
               for c in (None, rep("NA"), rep("EMEA"))]
    for bucket, whole in answers[0].items():  # every deal's owner is in NA or EMEA
        assert whole["count"] == answers[1][bucket]["count"] + answers[2][bucket]["count"], bucket
    assert answers[1] != answers[0]

"""Funnels over GraphQL: the `funnel` field and a saved funnel query, on the conversion tests' ledger.

Counts by hand from tests/correctness/conversion_ledger.py (leads created in the first half of 2024: 8;
MQL within 30 days: 4; SQL within 30 days of it: 3; web leads: 5, 4, 3).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.correctness import conversion_ledger
from tests.server.conftest import REPO, data, get, post


@pytest.fixture(scope="module")
def funnel_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    url = f"duckdb:///{Path(tmp_path_factory.mktemp('funnel')) / 'ledger.duckdb'}"
    conversion_ledger.load(url)
    return create_app(REPO, url, ServerSettings(), auth=TokenAuth())


def test_funnel_field_returns_typed_step_rows(funnel_app: FastAPI) -> None:
    answer = data(post(funnel_app, """{ funnel(name: lead_funnel, timeRange: {from: "2024-01-01", to: "2024-06-30"})
        { columns { name type format } rows } }"""))["funnel"]
    assert [(c["name"], c["type"], c["format"]) for c in answer["columns"]] == [
        ("step", "integer", None), ("label", "string", None), ("count", "integer", "integer"),
        ("rate_from_previous", "number", "percent"), ("rate_from_first", "number", "percent")]
    assert [(r["step"], r["count"], r["rate_from_previous"], r["rate_from_first"]) for r in answer["rows"]] == [
        (1, 8, None, 1.0), (2, 4, 0.5, 0.5), (3, 3, 0.75, 0.375)]


def test_saved_funnel_query_with_a_range_and_a_filter(funnel_app: FastAPI) -> None:
    body = data(post(funnel_app, """{ savedQuery(name: lead_funnel_this_year,
        timeRange: {from: "2024-01-01", to: "2024-06-30"},
        filters: [{dimension: "lead.source", op: eq, value: "web"}]) { rows }
        savedQueries { name funnel } }"""))
    assert [r["count"] for r in body["savedQuery"]["rows"]] == [5, 4, 3]
    assert {"name": "lead_funnel_this_year", "funnel": "lead_funnel"} in body["savedQueries"]


def test_conversion_metric_in_the_catalogue_and_a_query(funnel_app: FastAPI) -> None:
    """January 2024: leads 1 and 2; 1 became an MQL on day 30, 2 on day 31 (tests/correctness/conversion_ledger.py)."""
    body = data(post(funnel_app, """{ metric(name: lead_to_mql_30d) { type formula terms { name } timeDimension }
        query(metrics: [lead_to_mql_30d, lead_mqls_30d], grain: month,
              timeRange: {from: "2024-01-01", to: "2024-01-31"}) { rows } }"""))
    assert body["metric"] == {"type": "conversion", "formula": "conversion rate of lead from lead to mql within 30 days",
                              "terms": [{"name": "lead"}, {"name": "mql"}], "timeDimension": "lead.created_at"}
    assert body["query"]["rows"] == [{"period": "2024-01-01", "lead_to_mql_30d": 0.5, "lead_mqls_30d": 1}]


def test_a_saved_funnel_as_csv_over_plain_http(funnel_app: FastAPI) -> None:
    response = get(funnel_app, "/query.csv?saved=lead_funnel_this_year&from=2024-01-01&to=2024-06-30")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'inline; filename="lead_funnel.csv"'
    assert response.text.splitlines() == [
        "step,label,count,rate_from_previous,rate_from_first", "1,Leads,8,,1.0", "2,MQL within 30 days,4,0.5,0.5",
        "3,SQL within 30 days of MQL,3,0.75,0.375"]

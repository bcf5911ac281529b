"""Plain HTTP refusals: JSON errors with a code and a hint, a status a client can act on, never a traceback."""
from __future__ import annotations

import asyncio
import hashlib

import httpx
import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, get


def refusal(response: httpx.Response, status: int, code: str) -> dict:
    """The single error of a refused plain HTTP query, checked for status, shape, code, hint and version."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    body = response.json()
    assert len(body["errors"]) == 1, body
    first = body["errors"][0]
    assert first["extensions"]["code"] == code and first["extensions"]["hint"], first
    return first


@pytest.mark.parametrize("endpoint", ["csv", "json"])
@pytest.mark.parametrize("query, code, fragment", [
    ("metrics=bokings", "E_UNKNOWN_METRIC", "did you mean 'bookings'"),
    ("metrics=bookings,win_rat", "E_UNKNOWN_METRIC", "did you mean 'win_rate'"),
    ("metrics=bookings&from=2024-13-45", "E_BAD_TIME_RANGE", "2024-13-45"),
    ("metrics=bookings&from=2024-06-01&to=yesterday-ish", "E_BAD_TIME_RANGE", ""),
    ("metrics=bookings&range=last_fortnight", "E_BAD_TIME_RANGE", "last_fortnight"),
    ("metrics=bookings&grain=quater", "E_BAD_GRAIN", "did you mean 'quarter'"),
    ("metrics=bookings&where=account.segment%20%3D", "E_BAD_FILTER", "cannot parse"),
    ("metrics=bookings&where=account.segment%20%3D%20%27x%27%20or%201%3D1", "E_BAD_FILTER",
     "'1' is not a dimension reference or a metric"),  # `or` is accepted; the 1=1 leaf is not
    ("metrics=bookings&where=segment%20%3D%20%27SMB%27", "E_BAD_FILTER", "not a dimension"),
    ("metrics=bookings&by=account.segmnt", "E_UNKNOWN_DIMENSION", "segment"),
    ("metrics=bookings&by=segment", "E_BAD_REQUEST", "segment"),
    ("metrics=leads&by=opportunity.stage", "E_FANOUT", "cannot be reached"),
    ("metrics=bookings&order_by=bookings:down", "E_BAD_ORDER_BY", "asc or desc"),
    ("metrics=bookings&order_by=amount", "E_BAD_ORDER_BY", "amount"),
    ("metrics=bookings&limit=ten", "E_BAD_REQUEST", "limit"),
    ("metrics=bookings&limit=0", "E_BAD_REQUEST", "limit"),
    ("metric=bookings", "E_BAD_REQUEST", "did you mean 'metrics'"),
    ("metrics=bookings&grain=month&grain=year", "E_BAD_REQUEST", "'grain'"),
    ("by=account.segment", "E_BAD_REQUEST", "at least one metric"),
    ("saved=forecast_next_year", "E_UNKNOWN_SAVED_QUERY", "forecast_next_year"),
])
def test_bad_input_is_400_with_code_and_hint(app: FastAPI, endpoint: str, query: str, code: str,
                                              fragment: str) -> None:
    response = get(app, f"/query.{endpoint}?{query}")
    first = refusal(response, 400, code)
    assert fragment in first["message"], first
    assert response.headers["x-semantic-version"] == get(app, "/health").json()["version"]
    assert "content-disposition" not in response.headers


def test_filter_hint_speaks_url_not_cli(app: FastAPI) -> None:
    first = refusal(get(app, "/query.csv?metrics=bookings&where=account.segment%20%3D"), 400, "E_BAD_FILTER")
    assert first["extensions"]["hint"].startswith("example: where=") and "--where" not in first["extensions"]["hint"]


@pytest.mark.parametrize("url", [
    "duckdb:////nonexistent/dir/ledger.duckdb",
    "postgresql+psycopg://nobody@127.0.0.1:9/nothing",  # discard port: nothing listens
])
def test_database_down_is_503(url: str) -> None:
    down = create_app(REPO, url, ServerSettings(), auth=TokenAuth())
    for endpoint in ("csv", "json"):
        response = get(down, f"/query.{endpoint}?metrics=bookings")
        refusal(response, 503, "E_DATABASE_UNAVAILABLE")
        assert response.headers["x-semantic-version"]
    assert get(down, "/health").json()["status"] == "ok"


def test_unexpected_failures_are_masked_and_logged(ledger_url: str, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    broken = create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth())

    def explode(question: object) -> None:
        raise RuntimeError("secret connection string postgres://admin:pw@db")

    monkeypatch.setattr(broken.state.served.current.layer, "query", explode)
    response = get(broken, "/query.csv?metrics=bookings")
    first = refusal(response, 500, "E_INTERNAL")
    assert "reference" in first["message"] and "secret" not in response.text and "RuntimeError" not in response.text
    assert "secret connection string" in caplog.text


def test_wrong_method_and_unknown_format_are_json(app: FastAPI) -> None:
    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.post("/query.csv?metrics=bookings")
    assert "GET" in refusal(asyncio.run(post()), 405, "E_METHOD_NOT_ALLOWED")["extensions"]["hint"]
    assert "/query.csv" in refusal(get(app, "/query.xlsx?metrics=bookings"), 404, "E_NOT_FOUND")["extensions"]["hint"]


@pytest.fixture(scope="module")
def guarded(ledger_url: str) -> FastAPI:
    digest = hashlib.sha256(b"sheet-token").hexdigest()
    return create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth(frozenset({digest})))


@pytest.mark.parametrize("endpoint", ["csv", "json"])
@pytest.mark.parametrize("headers", [
    {},
    {"authorization": "Bearer wrong"},
    {"authorization": "sheet-token"},
    {"accept": "text/html,application/xhtml+xml,*/*"},  # a browser or spreadsheet: no GraphiQL-style exemption
])
def test_no_valid_token_is_401(guarded: FastAPI, endpoint: str, headers: dict) -> None:
    response = get(guarded, f"/query.{endpoint}?metrics=bookings", headers=headers)
    refusal(response, 401, "E_UNAUTHORIZED")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", ["csv", "json"])
def test_valid_token_answers(guarded: FastAPI, endpoint: str) -> None:
    response = get(guarded, f"/query.{endpoint}?metrics=bookings", headers={"authorization": "Bearer sheet-token"})
    assert response.status_code == 200 and response.headers["x-semantic-version"]

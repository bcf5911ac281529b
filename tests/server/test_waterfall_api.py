"""The waterfall over GraphQL and plain HTTP, on the hand-built history fixture (counts from its docstring)."""
from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.fixtures.history_waterfall import load_history_ledger
from tests.server.conftest import REPO, data, get, post

WINDOW = 'closeRange: {from: "2025-10-01", to: "2025-12-31"}, from: "2025-10-01", to: "2025-11-15"'
PLAIN = "close_from=2025-10-01&close_to=2025-12-31&from=2025-10-01&to=2025-11-15"


@pytest.fixture(scope="module")
def wf_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    url = f"duckdb:///{tmp_path_factory.mktemp('waterfall_api') / 'ledger.duckdb'}"
    load_history_ledger(url)
    return create_app(REPO, url, ServerSettings(), auth=TokenAuth())


def test_graphql_buckets_are_typed_and_add_up(wf_app: FastAPI) -> None:
    answer = data(post(wf_app, f"{{ waterfall({WINDOW}) {{ buckets {{ bucket order deals count amount }} "
                                "version sql } }"))["waterfall"]
    buckets = {b["bucket"]: (b["deals"], b["count"], b["amount"]) for b in answer["buckets"]}
    assert buckets["start"] == (12, 12, 159_500) and buckets["end"] == (11, 11, 113_700)
    assert buckets["pulled_out"] == (1, -1, -5_500) and buckets["reopened"] == (1, 1, 6_000)
    assert [b["order"] for b in answer["buckets"]] == list(range(1, 13)) and answer["version"]


def test_graphql_deals_with_a_dimension(wf_app: FastAPI) -> None:
    answer = data(post(wf_app, f'{{ waterfall({WINDOW}, deals: pulled_in, dimensions: ["account.segment"]) '
                                "{ deals { id amountBefore amountAfter closeDateBefore stageAfter dimensions } } }"))
    deals = answer["waterfall"]["deals"]
    assert [(d["id"], d["dimensions"]["account.segment"]) for d in deals] == [("208", "Enterprise"), ("220", "SMB")]
    assert deals[0]["amountAfter"] == 7_000 and deals[0]["closeDateBefore"][:10] == "2026-01-31"


@pytest.mark.parametrize("arguments, code", [('from: "2025-12-01", to: "2025-11-01"', "E_BAD_TIME_RANGE"),
                                             ('from: "yesterday"', "E_BAD_REQUEST"),
                                             ('dimensions: ["activity.activity_type"]', "E_FANOUT")])
def test_graphql_refusal_is_a_coded_error(wf_app: FastAPI, arguments: str, code: str) -> None:
    body = post(wf_app, f"{{ waterfall({arguments}) {{ version }} }}").json()
    assert body["errors"][0]["extensions"]["code"] == code, body


def test_plain_csv_and_json(wf_app: FastAPI) -> None:
    response = get(wf_app, f"/waterfall.csv?{PLAIN}&by=account.segment")
    assert response.status_code == 200 and response.headers["X-Semantic-Version"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    smb = {r["bucket"]: (int(r["deals"]), float(r["amount"])) for r in rows if r["account.segment"] == "SMB"}
    assert smb["start"] == (5, 46_500) and smb["end"] == (5, 36_700)
    deals = get(wf_app, f"/waterfall.json?{PLAIN}&deals=won").json()["rows"]
    assert [d["id"] for d in deals] == ["204", "205", "210", "215"]


@pytest.mark.parametrize("query, code", [("?colse_range=this_quarter", "E_BAD_REQUEST"),
                                         ("?from=2025-12-01&to=2025-11-01", "E_BAD_TIME_RANGE"),
                                         ("?deals=a&deals=b", "E_BAD_REQUEST"),
                                         ("?from=yesterday", "E_BAD_REQUEST")])
def test_plain_refusals(wf_app: FastAPI, query: str, code: str) -> None:
    response = get(wf_app, f"/waterfall.json{query}")
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == code, response.text


def test_plain_waterfall_needs_the_token_when_auth_is_on(tmp_path_factory: pytest.TempPathFactory) -> None:
    url = f"duckdb:///{tmp_path_factory.mktemp('waterfall_auth') / 'ledger.duckdb'}"
    load_history_ledger(url)
    guarded = create_app(REPO, url, ServerSettings(), auth=TokenAuth.load(None, environ={"SEMANTIC_API_TOKENS": "s3"}))
    assert get(guarded, f"/waterfall.json?{PLAIN}").status_code == 401
    assert get(guarded, f"/waterfall.json?{PLAIN}", headers={"authorization": "Bearer s3"}).status_code == 200

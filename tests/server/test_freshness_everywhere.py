"""Every answer says how fresh its data is: GraphQL fields, the X-Semantic-Data-Freshness and -Version headers
on GraphQL and on /query.* and /waterfall.*, JSON bodies, and the CLI. The expected instants are each ledger's
newest rows, read by hand-written SQL."""
from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from typer.testing import CliRunner

from semantic.cli import app as cli
from server.router import DATA_VERSION_HEADER, FRESHNESS_HEADER
from tests.server.conftest import REPO, data, get, post
from tests.server.test_funnel import funnel_app  # noqa: F401 - fixture
from tests.server.test_waterfall_api import PLAIN, WINDOW, wf_app  # noqa: F401 - fixture
from tests.server.tiny_ledger import hand_sql


def newest(url: str, sql: str) -> str | None:
    value = hand_sql(url, sql)[0][0]
    return value.isoformat() if isinstance(value, datetime) else value


def ledger_of(app: FastAPI) -> str:
    return app.state.served.current.layer.database_url


def test_graphql_query_field_and_headers(app: FastAPI, ledger_url: str) -> None:
    created = newest(ledger_url, "select max(created_at) from opportunities")
    assert created == "2024-05-01T00:00:00"  # the tiny ledger's last deal (tests/server/tiny_ledger.py)
    response = post(app, "{ query(metrics: [bookings]) { rows dataVersion freshness } }")
    answer = data(response)["query"]
    assert answer["freshness"]["oldest"] == created
    assert response.headers[FRESHNESS_HEADER] == created
    assert response.headers[DATA_VERSION_HEADER] == answer["dataVersion"] is not None


def test_graphql_with_two_answers_names_the_stalest(app: FastAPI, ledger_url: str) -> None:
    created = newest(ledger_url, "select max(created_at) from opportunities")
    occurred = newest(ledger_url, "select max(occurred_at) from activities")
    assert occurred > created  # activities run later than the last deal was created
    response = post(app, "{ a: query(metrics: [activities]) { freshness } b: query(metrics: [bookings]) { rows } }")
    assert data(response)["a"]["freshness"]["oldest"] == occurred
    assert response.headers[FRESHNESS_HEADER] == created


def test_plain_csv_and_json(app: FastAPI, ledger_url: str) -> None:
    created = newest(ledger_url, "select max(created_at) from opportunities")
    as_csv = get(app, "/query.csv?metrics=bookings")
    assert as_csv.status_code == 200 and as_csv.headers[FRESHNESS_HEADER] == created
    as_json = get(app, "/query.json?metrics=bookings")
    body = as_json.json()
    assert body["freshness"] == {"oldest": created, "entities": [
        {"entity": "opportunity", "column": "created_at", "latest": created}]}
    assert as_json.headers[FRESHNESS_HEADER] == created and as_json.headers[DATA_VERSION_HEADER] == body["data_version"]


def test_funnels_carry_the_freshness_of_their_entity(funnel_app: FastAPI) -> None:  # noqa: F811
    created = newest(ledger_of(funnel_app), "select max(created_at) from leads")
    response = post(funnel_app, '{ funnel(name: lead_funnel, timeRange: {from: "2024-01-01", to: "2024-06-30"}) '
                                "{ freshness } }")
    assert data(response)["funnel"]["freshness"] == {"oldest": created, "entities": [
        {"entity": "lead", "column": "created_at", "latest": created}]}
    assert response.headers[FRESHNESS_HEADER] == created
    saved = get(funnel_app, "/query.csv?saved=lead_funnel_this_year&from=2024-01-01&to=2024-06-30")
    assert saved.headers[FRESHNESS_HEADER] == created


def test_waterfalls_carry_the_deals_and_their_change_log(wf_app: FastAPI) -> None:  # noqa: F811
    url = ledger_of(wf_app)
    created = newest(url, "select max(created_at) from opportunities")
    changed = newest(url, "select max(changed_at) from opportunity_stage_history")
    expected = {"oldest": min(created, changed), "entities": [
        {"entity": "opportunity", "column": "created_at", "latest": created},
        {"entity": "stage_change", "column": "changed_at", "latest": changed}]}
    response = post(wf_app, f"{{ waterfall({WINDOW}) {{ dataVersion freshness }} }}")
    assert data(response)["waterfall"]["freshness"] == expected
    assert response.headers[FRESHNESS_HEADER] == expected["oldest"]
    as_json = get(wf_app, f"/waterfall.json?{PLAIN}")
    assert as_json.json()["freshness"] == expected and as_json.headers[FRESHNESS_HEADER] == expected["oldest"]
    assert get(wf_app, f"/waterfall.csv?{PLAIN}").headers[FRESHNESS_HEADER] == expected["oldest"]


def test_cli_table_and_csv_say_data_as_of(ledger_url: str) -> None:
    created = newest(ledger_url, "select max(created_at) from opportunities")
    table = CliRunner().invoke(cli, ["query", "bookings", "-p", str(REPO), "-d", ledger_url])
    assert table.exit_code == 0, table.output
    assert f"data as of {created} (newest rows: opportunity.created_at {created})" in table.stdout
    as_csv = CliRunner().invoke(cli, ["query", "bookings", "-p", str(REPO), "-d", ledger_url, "--format", "csv"])
    assert as_csv.stdout.splitlines()[0] == "bookings"  # the CSV itself stays clean for pipes
    assert f"data as of {created}" in as_csv.stderr

"""Request ids, JSON access lines and Prometheus metrics, through the whole app."""
from __future__ import annotations

import io
import json
import logging
import re
from typing import Iterator

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.logs import configure_logging
from server.settings import ServerSettings
from tests.server.conftest import REPO, get, post

TOKEN = "observe-token"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging.getLogger("uvicorn.access").disabled = False


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture(scope="module")
def guarded(ledger_url: str) -> FastAPI:
    return create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth.load(environ={"SEMANTIC_API_TOKENS": TOKEN}))


AUTH = {"authorization": f"Bearer {TOKEN}"}


def sample(app: FastAPI, name: str, **labels: str) -> float:
    """One sample's value from /metrics (0 when absent)."""
    text = get(app, "/metrics", headers=AUTH).text
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{name}{{{re.escape(wanted)}}} (\S+)$", text, re.M) if labels else \
        re.search(rf"^{name} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_the_request_id_is_echoed_and_in_every_line(guarded: FastAPI, json_log: io.StringIO) -> None:
    response = post(guarded, "query Totals { query(metrics: [win_rat]) { rows } }",
                    headers={**AUTH, "x-request-id": "abc-123.X:9"})
    assert response.headers["x-request-id"] == "abc-123.X:9"
    logged = [line for line in lines(json_log) if not line["logger"].startswith("httpx")]  # the test's client
    access = [line for line in logged if line["logger"] == "semantic.access"]
    assert len(access) == 1 and all(line["request_id"] == "abc-123.X:9" for line in logged)
    assert {k: access[0][k] for k in ("method", "path", "status", "operation", "subject")} == {
        "method": "POST", "path": "/graphql", "status": 200, "operation": "Totals",
        "subject": "token:" + __import__("hashlib").sha256(TOKEN.encode()).hexdigest()[:8]}
    assert TOKEN not in json_log.getvalue()


@pytest.mark.parametrize("incoming", ["x" * 65, "bad id", "a\x01b", "-starts-with-dash", "é", "a\tb"])
def test_a_malformed_request_id_is_replaced(guarded: FastAPI, incoming: str) -> None:
    response = post(guarded, "{ version { stamp } }", headers={**AUTH, "x-request-id": incoming.encode()})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_ids_are_generated_per_request(guarded: FastAPI) -> None:
    first = get(guarded, "/health").headers["x-request-id"]
    assert first != get(guarded, "/health").headers["x-request-id"]


def test_access_line_leaves_out_the_query_string(guarded: FastAPI, json_log: io.StringIO) -> None:
    get(guarded, "/query.json?metrics=bookings&secret=hunter2", headers=AUTH)
    server_lines = [line for line in lines(json_log) if not line["logger"].startswith("httpx")]  # the test's client
    assert "hunter2" not in json.dumps(server_lines)
    assert server_lines[-1]["path"] == "/query.json"


def test_requests_by_operation_and_errors_by_code(guarded: FastAPI) -> None:
    before = {key: sample(guarded, *key[:1], **dict(key[1:])) for key in [
        ("semantic_requests_total", ("operation", "Named"), ("status", "200")),
        ("semantic_requests_total", ("operation", "anonymous"), ("status", "200")),
        ("semantic_requests_total", ("operation", "unmatched"), ("status", "404")),
        ("semantic_errors_total", ("code", "E_UNKNOWN_METRIC")),
        ("semantic_errors_total", ("code", "E_UNAUTHORIZED")),
        ("semantic_requests_total", ("operation", "/health"), ("status", "200"))]}
    post(guarded, "query Named { version { stamp } }", headers=AUTH)
    post(guarded, "query Named { version { stamp } }", headers=AUTH)
    post(guarded, "{ query(metrics: [win_rat]) { rows } }", headers=AUTH)  # anonymous, one coded error
    post(guarded, "{ version { stamp } }")  # no token: 401 E_UNAUTHORIZED
    get(guarded, "/no/such/path")
    get(guarded, "/health")
    after = {key: sample(guarded, *key[:1], **dict(key[1:])) for key in before}
    assert [after[k] - before[k] for k in before] == [2, 1, 1, 1, 1, 1]


def test_operation_names_are_bounded(guarded: FastAPI) -> None:
    from server.observe import OperationLabel

    names = OperationLabel.names
    assert names.label("x" * 65) == "other" and names.label(None) == "anonymous"
    for i in range(names.limit + 5):
        names.label(f"op{i}")
    assert len(names.seen) == names.limit and names.label("brand_new") == "other"


def test_database_time_is_observed(guarded: FastAPI) -> None:
    before = sample(guarded, "semantic_database_statement_seconds_count")
    post(guarded, "{ query(metrics: [bookings], limit: 7777) { rows } }", headers=AUTH)
    assert sample(guarded, "semantic_database_statement_seconds_count") >= before + 1


def test_metrics_need_the_token_when_auth_is_on(guarded: FastAPI, app: FastAPI) -> None:
    assert get(guarded, "/metrics").status_code == 401
    assert get(app, "/metrics").status_code == 200  # auth off: open like everything else


def test_a_database_down_is_503_and_its_log_line_carries_the_request_id(tmp_path, json_log: io.StringIO) -> None:
    down = create_app(REPO, f"duckdb:///{tmp_path / 'gone' / 'ledger.duckdb'}", ServerSettings(), auth=TokenAuth())
    response = get(down, "/ready", headers={"x-request-id": "ready-probe-1"})
    assert response.status_code == 503 and response.json()["errors"][0]["extensions"]["code"] == \
        "E_DATABASE_UNAVAILABLE"
    warning = next(line for line in lines(json_log) if line["level"] == "WARNING")
    assert warning["request_id"] == "ready-probe-1" and "not ready" in warning["message"]
    assert sample(down, "semantic_errors_total", code="E_DATABASE_UNAVAILABLE") >= 1


def test_result_cache_hits_and_misses_are_counted(guarded: FastAPI) -> None:
    hits = sample(guarded, "semantic_result_cache_lookups_total", result="hit")
    misses = sample(guarded, "semantic_result_cache_lookups_total", result="miss")
    for _ in range(3):  # a question no other test asks: one miss, then two hits
        post(guarded, "{ query(metrics: [bookings], limit: 4242) { rows } }", headers=AUTH)
    assert sample(guarded, "semantic_result_cache_lookups_total", result="hit") - hits == 2
    assert sample(guarded, "semantic_result_cache_lookups_total", result="miss") - misses == 1

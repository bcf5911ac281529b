"""Deeply nested input never gives a 500 or floods the log: a coded refusal and at most a line or two each."""
from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from tests.server.conftest import app, ledger_url  # noqa: F401 - fixtures shared with the API tests

REQUESTS = 50
LOG_BUDGET = 50_000  # bytes of log for all the requests together
DEEP_CODES = {"E_EXPRESSION_TOO_DEEP", "E_VALUE_TOO_DEEP", "E_BAD_FILTER", "E_BAD_REQUEST"}


def deep_where(depth: int) -> str:
    return "(" * depth + "account.segment = 'SMB'" + ")" * depth


def deep_value(depth: int) -> object:
    value: object = "SMB"
    for _ in range(depth):
        value = [value]
    return value


async def send_all(app: FastAPI, requests: list[tuple[str, str, object]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
        out = []
        for method, path, body in requests:
            out.append(await (client.get(path) if method == "GET" else client.post(path, json=body)))
        return out


def log_bytes(records: list[logging.LogRecord]) -> int:
    """The server's log as it would be written (the test's own HTTP client logs are not the server's)."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    return sum(len(formatter.format(r)) + 1 for r in records if not r.name.startswith(("httpx", "httpcore")))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["where_parentheses", "where_nots", "filter_value"])
def test_deep_input_is_refused_with_a_code_and_a_small_log(app: FastAPI, caplog: pytest.LogCaptureFixture,
                                                           kind: str) -> None:
    if kind == "where_parentheses":
        request = ("GET", "/query.json?metrics=bookings&where=" + quote(deep_where(1000)), None)
    elif kind == "where_nots":
        request = ("GET", "/query.json?metrics=bookings&where=" + quote("not " * 1000 + "account.segment = 'x'"),
                   None)
    else:
        document = "query($f: [FilterInput!]) { query(metrics: [bookings], filters: $f) { rows } }"
        filters = [{"dimension": "account.segment", "op": "in", "values": deep_value(300)}]
        request = ("POST", "/graphql", {"query": document, "variables": {"f": filters}})
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()
    responses = asyncio.run(send_all(app, [request] * REQUESTS))
    elapsed = time.monotonic() - started
    for response in responses:
        assert response.status_code < 500, response.text[:300]
        body = response.json()
        code = body["errors"][0]["extensions"]["code"]
        assert code in DEEP_CODES, body
        assert "Traceback" not in response.text and "RecursionError" not in response.text
    assert log_bytes(caplog.records) < LOG_BUDGET, log_bytes(caplog.records)
    assert elapsed < 20
    json.dumps([r.json() for r in responses])  # every body is plain JSON

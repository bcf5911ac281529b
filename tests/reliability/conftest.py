"""Shared fixtures for the reliability suite: the API over the tiny hand-written ledger, timed requests,
error-code extraction and a check that hostile requests left the ledger untouched and read-only.

The app and the ledger are the API tests' own (imported, not copied), so a number checked here is the same
hand count the API tests use.
"""
from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from tests.server.conftest import app, ledger_url  # noqa: F401 - fixtures shared with the API tests
from tests.server.tiny_ledger import hand_sql

# Rows per table as written by tests/server/tiny_ledger.py (counted by hand from its INSERTs).
LEDGER_ROWS = {"reps": 2, "accounts": 3, "contacts": 0, "leads": 0, "opportunities": 6,
               "opportunity_stage_history": 0, "activities": 3}
# SQL injection attempts, tried in every string argument.
PAYLOADS = [
    "' OR '1'='1",
    "x'); DROP TABLE opportunities; --",
    "account.segment; DELETE FROM accounts",
    "1 UNION SELECT email FROM reps",
    '" OR ""="',
    "account.segment') OR 1=1 --",
    "$$; COPY reps TO '/tmp/leak.csv'; $$",
    "read_csv_auto('/etc/passwd')",
]
LOG_BUDGET = 10_000  # characters one hostile test may make the server log
# Status a server-side failure code maps to; on GraphQL these come back inside a 200 and count as 5xx.
SERVER_FAULT_CODES = {"E_INTERNAL": 500, "E_QUERY_FAILED": 502, "E_DATABASE_UNAVAILABLE": 503,
                      "E_DATABASE_BUSY": 503, "E_SERVER_BUSY": 503, "E_QUERY_TIMEOUT": 504}


@dataclass
class Timed:
    """A response and how long the app took to give it."""

    response: httpx.Response
    seconds: float

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()


def send(app: FastAPI, method: str, path: str, **kwargs: Any) -> Timed:
    """One in-process request through the full ASGI stack (middleware included), timed."""
    async def run() -> Timed:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.perf_counter()
            response = await client.request(method, path, **kwargs)
            return Timed(response, time.perf_counter() - started)
    return asyncio.run(run())


def graphql(app: FastAPI, query: str, variables: dict | None = None) -> Timed:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return send(app, "POST", "/graphql", json=body)


def error_codes(response: Any) -> list[str | None]:
    """Every error's code: GraphQL `errors[].extensions.code`, or a top-level JSON `code`.

    `response` is anything with `.json()` (httpx's or schemathesis's response).
    A body that is not JSON, or an error without a code, yields None so the caller's check fails on it.
    """
    try:
        body = response.json()
    except ValueError:
        return [None]
    if not isinstance(body, dict):
        return [None]
    if "code" in body and "errors" not in body:
        return [body.get("code")]
    return [(e.get("extensions") or {}).get("code") if isinstance(e, dict) else None
            for e in body.get("errors") or []]


# Hostile input must be refused in bounded time: an unbounded one takes minutes or exhausts memory. The bound
# leaves room for a 2-core machine busy with other test runs (measured refusals take 0.1-2.6 s there).
BOUND_S = 6.0


def assert_refused(timed: Timed, expected: set[str], within_s: float = BOUND_S) -> str:
    """A coded refusal from `expected`: no 5xx, no traceback, within the time bound; returns the code."""
    response = timed.response
    excerpt = response.text[:400]
    assert response.status_code < 500, f"HTTP {response.status_code}: {excerpt}"
    codes = error_codes(response)
    assert codes, f"expected one of {sorted(expected)}, got an answer (HTTP {response.status_code}): {excerpt}"
    assert None not in codes, f"an error without a code (HTTP {response.status_code}): {excerpt}"
    assert codes[0] in expected, f"expected one of {sorted(expected)}, got {codes} " \
                                 f"(HTTP {response.status_code}): {excerpt}"
    assert "Traceback" not in response.text
    assert timed.seconds < within_s, f"took {timed.seconds:.2f} s (bound {within_s} s): {excerpt}"
    return codes[0]


def assert_answered(timed: Timed, within_s: float = BOUND_S) -> Any:
    """A 200 answer without errors within the time bound; returns the parsed body."""
    response = timed.response
    assert response.status_code == 200, f"HTTP {response.status_code}: {response.text[:400]}"
    body = response.json()
    assert not (isinstance(body, dict) and body.get("errors")), response.text[:400]
    assert timed.seconds < within_s, f"took {timed.seconds:.2f} s (bound {within_s} s)"
    return body


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_read_only(url: str) -> None:
    """The server's own engine still refuses writes and every table still holds its hand-counted rows."""
    with pytest.raises(Exception, match="(?i)read.only"):
        hand_sql(url, "create table intruder (x integer)")
    counts = {table: hand_sql(url, f"select count(*) from {table}")[0][0] for table in LEDGER_ROWS}
    assert counts == LEDGER_ROWS


@pytest.fixture
def log_stays_small(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """After the test: what the server logged (tracebacks included) is small; hostile input floods nothing."""
    yield
    records = caplog.get_records("call")
    logged = sum(len(caplog.handler.format(record)) for record in records)
    assert logged < LOG_BUDGET, f"the server logged {logged} characters: {records[0].getMessage()[:300]}"


@pytest.fixture
def ledger_stays_read_only(ledger_url: str) -> Iterator[None]:  # noqa: F811
    """After the test: the ledger file is byte for byte what it was, still read-only, rows intact."""
    path = Path(make_url(ledger_url).database)
    before = _file_digest(path)
    yield
    assert _file_digest(path) == before, "the ledger file changed"
    assert_read_only(ledger_url)

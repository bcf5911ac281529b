"""Every error family is raised against a real server, with the server's code and hint."""
from __future__ import annotations

import hashlib
import logging
import socket
from pathlib import Path

import duckdb
import pytest

from revenue_semantic_client import (ApiError, AuthError, BadRequestError, NotFoundError, RetryPolicy,
                                     SemanticClient, ServerBusyError, ServerError, TooCostlyError, TransportError)
from server.auth import TokenAuth
from tests.client.conftest import serve
from tests.server.live import LiveServer

NO_RETRY = RetryPolicy(attempts=1)


def refused(client: SemanticClient, family: type[ApiError], metrics: list[str], **options: object) -> ApiError:
    with pytest.raises(family) as raised:
        client.query(metrics, **options)  # type: ignore[arg-type]
    error = raised.value
    assert error.code.startswith(("E_", "HTTP_")) and error.message, error
    return error


def test_question_errors(live: LiveServer) -> None:
    with SemanticClient(live.url, retry=NO_RETRY) as client:
        grain = refused(client, BadRequestError, ["bookings"], grain="hour")
        unknown = refused(client, NotFoundError, ["bookingz"])
        saved = refused(client, NotFoundError, [], saved="no_such_saved_query")
        with pytest.raises(BadRequestError) as graphql:
            client.execute("{ query(metrics: [bookings]) { nope } }")
    assert (grain.code, grain.status) == ("E_BAD_GRAIN", 400) and "quarter" in grain.hint
    assert unknown.code == "E_UNKNOWN_METRIC" and "did you mean 'bookings'" in unknown.message
    assert saved.code == "E_UNKNOWN_SAVED_QUERY"
    assert graphql.value.code == "E_GRAPHQL_VALIDATION" and graphql.value.status == 200


def test_a_path_that_is_not_the_api_is_not_found(live: LiveServer) -> None:
    with SemanticClient(live.url + "/api/v1", retry=NO_RETRY) as client:
        error = refused(client, NotFoundError, ["bookings"])
    assert error.status == 404 and "base URL" in error.hint


def test_auth_error(ledger_url: str) -> None:
    auth = TokenAuth(frozenset({hashlib.sha256(b"right").hexdigest()}))
    with serve(ledger_url, auth) as server, SemanticClient(server.url, token="wrong", retry=NO_RETRY) as client:
        error = refused(client, AuthError, ["bookings"])
    assert (error.code, error.status) == ("E_UNAUTHORIZED", 401) and "Bearer" in error.hint


def test_too_costly(ledger_url: str) -> None:
    with serve(ledger_url, max_periods=10) as server, SemanticClient(server.url, retry=NO_RETRY) as client:
        error = refused(client, TooCostlyError, ["bookings"], grain="day", start="2024-01-01", end="2024-12-31")
    assert error.code == "E_QUERY_TOO_COSTLY" and "max_periods" in error.message + error.hint


def test_database_down_is_busy_after_retries(caplog: pytest.LogCaptureFixture) -> None:
    with serve(f"postgresql+psycopg://nobody:x@127.0.0.1:{free_port()}/none") as server, \
            SemanticClient(server.url, retry=RetryPolicy(attempts=3, backoff_s=0.01)) as client:
        with caplog.at_level(logging.WARNING, logger="revenue_semantic_client"):
            error = refused(client, ServerBusyError, ["bookings"])
    assert (error.code, error.status) == ("E_DATABASE_UNAVAILABLE", 503)
    retries = [r for r in caplog.records if r.name == "revenue_semantic_client"]  # the server logs its key checks
    assert [r.getMessage().split(" after ")[1] for r in retries] == \
        ["E_DATABASE_UNAVAILABLE (attempt 2 of 3)", "E_DATABASE_UNAVAILABLE (attempt 3 of 3)"]


def test_server_error_when_the_database_refuses_the_sql(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # a database without the ledger's tables
    with serve(f"duckdb:///{empty}") as server, SemanticClient(server.url, retry=RetryPolicy(backoff_s=0)) as client:
        with caplog.at_level(logging.WARNING, logger="revenue_semantic_client"):
            error = refused(client, ServerError, ["bookings"])
    assert (error.code, error.status) == ("E_QUERY_FAILED", 502) and "opportunities" in error.message
    assert [r for r in caplog.records if r.name == "revenue_semantic_client"] == []  # the same SQL would fail
    # the same way: not retried (the server's own log lines, such as its key checks, are not the client's)


def test_transport_error_after_retries(caplog: pytest.LogCaptureFixture) -> None:
    with SemanticClient(f"http://127.0.0.1:{free_port()}", retry=RetryPolicy(attempts=2, backoff_s=0.01)) as client:
        with caplog.at_level(logging.WARNING, logger="revenue_semantic_client"):
            error = refused(client, TransportError, ["bookings"])
    assert error.code == "E_TRANSPORT" and "ConnectError" in error.message and error.status is None
    assert len(caplog.records) == 1 and "attempt 2 of 2" in caplog.records[0].getMessage()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

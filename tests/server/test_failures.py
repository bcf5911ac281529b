"""Unexpected failures: a coded answer, one log line each, a traceback only once per exception type."""
from __future__ import annotations

import logging

import pytest

from semantic.dberrors import sanitize
from tests.server.conftest import get, post


class SurpriseError(Exception):
    """Only this test raises it, so 'first time seen' is this test's first request."""


@pytest.mark.parametrize("path", ["plain", "graphql"])
def test_a_bug_is_one_line_per_request_and_one_traceback(app, caplog: pytest.LogCaptureFixture, path: str) -> None:
    error_type = type(f"SurpriseError{path}", (SurpriseError,), {})
    layer = app.state.served.current.layer

    def broken(question, **_):
        raise error_type("boom in /srv/app/secret.py for pid 99")

    layer.query = broken
    caplog.set_level(logging.INFO, logger="semantic.server")
    try:
        for _ in range(5):
            response = (get(app, "/query.json?metrics=bookings") if path == "plain"
                        else post(app, "{ query(metrics: [bookings]) { rows } }"))
            assert "boom" not in response.text and "Traceback" not in response.text
            assert response.json()["errors"][0]["extensions"]["code"] == "E_INTERNAL"
    finally:
        del layer.query
    mine = [r for r in caplog.records if error_type.__name__ in r.getMessage()]
    one_liners = [r for r in mine if "\n" not in r.getMessage()]
    tracebacks = [r for r in mine if "\n" in r.getMessage()]
    assert len(one_liners) == 5 and len(tracebacks) == 1
    assert all("/srv/app" not in r.getMessage() for r in one_liners)
    assert len(tracebacks[0].getMessage()) < 5000


def test_server_messages_lose_paths_and_process_ids() -> None:
    text = 'could not open "/var/lib/x/ledger.duckdb" (held by PID 4242), /etc/passwd; 3/4 of a / b'
    assert sanitize(text) == 'could not open "<file>" (held by), <file>; 3/4 of a / b'

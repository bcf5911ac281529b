"""Questions per GraphQL document, and request bodies that stall."""
from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import data, error, post
from tests.server.live import LiveServer

Q = "query(metrics: [bookings]) { rows }"
S = "savedQuery(name: forecast_this_quarter) { rows }"


@pytest.fixture
def two_questions(project_dir: Path, ledger_url: str):
    app = create_app(project_dir, ledger_url, ServerSettings(max_questions_per_request=2), auth=TokenAuth())
    calls: list[object] = []
    layer = app.state.served.current.layer
    real = layer.query
    layer.query = lambda question, **kwargs: calls.append(question) or real(question)
    return app, calls


@pytest.mark.parametrize("document, asked", [
    (f"{{ a: {Q} b: {Q} c: {Q} }}", 3),
    (f"{{ a: {Q} b: {S} c: {S} d: {Q} }}", 4),
    (f"{{ a: {Q} ...F }} fragment F on Query {{ b: {Q} c: {S} }}", 3),
    (f"{{ ...F ...G }} fragment F on Query {{ a: {Q} }} fragment G on Query {{ b: {Q} c: {Q} }}", 3),
])
def test_too_many_questions_are_refused_before_running(two_questions, document: str, asked: int) -> None:
    app, calls = two_questions
    first = error(post(app, document))
    assert first["extensions"]["code"] == "E_TOO_MANY_QUESTIONS", first
    assert first["message"].startswith(f"{asked} questions in one document") and "at most 2" in first["message"]
    assert "max_questions_per_request" in first["extensions"]["hint"]
    assert calls == []  # nothing ran


def test_questions_up_to_the_limit_run(two_questions) -> None:
    app, calls = two_questions
    answer = data(post(app, f"{{ a: {Q} ...F }} fragment F on Query {{ b: {Q} metrics {{ name }} }}"))
    assert set(answer) == {"a", "b", "metrics"} and len(calls) == 2


def test_a_stalled_body_gets_408_and_the_connection_is_closed(ledger_url: str, project_dir: Path) -> None:
    app = create_app(project_dir, ledger_url, ServerSettings(body_timeout_s=0.5), auth=TokenAuth())
    body = b'{"query": "{ metrics { name } }"}'
    with LiveServer(app) as live:
        url = urlparse(live.url)
        with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
            sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                         b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
            started = time.monotonic()
            received = b""
            while chunk := sock.recv(65536):  # ends when the server closes the connection
                received += chunk
            elapsed = time.monotonic() - started
    head, _, payload = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), received
    assert b"connection: close" in head.lower()
    assert b'"E_REQUEST_TIMEOUT"' in payload and b"body_timeout_s" in payload
    assert 0.4 <= elapsed < 3

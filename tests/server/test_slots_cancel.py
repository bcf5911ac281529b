"""Query slots (E_SERVER_BUSY) and cancellation of questions whose client hung up.

The layer's `query` is replaced by a stand-in that blocks until released or cancelled, so the tests control
exactly how long a question runs and can see whether the server set its cancel event.
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from semantic.errors import SemanticError
from server.app import create_app
from server.auth import TokenAuth
from server.questions import QuestionSlots, accepts_cancel
from server.settings import ServerSettings
from tests.server.live import LiveServer

PLAIN = "/query.json?metrics=bookings"
GRAPHQL = {"query": "{ query(metrics: [bookings]) { rows } }"}


class BlockingQuery:
    """Stands in for `SemanticLayer.query`: runs until `release` is set or the server cancels it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.cancelled: list[float] = []

    def __call__(self, question, cancel: threading.Event | None = None, caller=None):  # noqa: ANN001
        self.started.release()
        began = time.monotonic()
        while not self.release.is_set():
            if cancel is not None and cancel.is_set():
                self.cancelled.append(time.monotonic() - began)
                raise SemanticError("E_QUERY_CANCELLED", "the query was cancelled", "")
            time.sleep(0.01)
        raise SemanticError("E_QUERY_FAILED", "released", "")


def blocked_app(project_dir: Path, ledger_url: str, **settings: object):
    app = create_app(project_dir, ledger_url, ServerSettings(**settings), auth=TokenAuth())
    stand_in = BlockingQuery()
    app.state.served.current.layer.query = stand_in  # instance attribute: shadows the method
    return app, stand_in


def test_slots_refuse_after_the_queue_timeout() -> None:
    async def scenario() -> float:
        slots = QuestionSlots(limit=1, queue_timeout_s=0.2)
        await slots.acquire()
        started = time.monotonic()
        with pytest.raises(SemanticError) as refused:
            await slots.acquire()
        assert refused.value.code == "E_SERVER_BUSY" and "max_concurrent_queries" in refused.value.hint
        slots.release()
        await slots.acquire()  # free again once released
        return time.monotonic() - started
    waited = asyncio.run(scenario())
    assert 0.2 <= waited < 1.0


def test_accepts_cancel_reads_the_signature() -> None:
    assert accepts_cancel(lambda question, cancel=None: None)
    assert not accepts_cancel(lambda question: None)


def test_full_server_answers_busy_on_both_apis(project_dir: Path, ledger_url: str) -> None:
    app, stand_in = blocked_app(project_dir, ledger_url, max_concurrent_queries=1, queue_timeout_s=0.3)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=10) as http:
        holder = threading.Thread(target=lambda: http.get(PLAIN))
        holder.start()
        assert stand_in.started.acquire(timeout=5)  # the one slot is taken
        started = time.monotonic()
        plain = http.get(PLAIN)
        graphql = http.post("/graphql", json=GRAPHQL)
        elapsed = time.monotonic() - started
        stand_in.release.set()
        holder.join()
        after = http.get("/query.json?metrics=bokings")  # the slot came back: a normal refusal again
    assert plain.status_code == 503 and plain.headers["retry-after"] == "1"
    assert plain.json()["errors"][0]["extensions"]["code"] == "E_SERVER_BUSY"
    assert graphql.json()["errors"][0]["extensions"]["code"] == "E_SERVER_BUSY"
    assert 0.6 <= elapsed < 3  # each waited its 0.3 s, no longer
    assert after.status_code == 400


def hang_up_after(url: str, request: bytes, seconds: float) -> None:
    """Send a whole request, wait, then close the socket without reading the answer."""
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port)) as sock:
        sock.sendall(request)
        time.sleep(seconds)


@pytest.mark.parametrize("kind", ["plain", "graphql"])
def test_a_client_that_hangs_up_cancels_its_question(project_dir: Path, ledger_url: str, kind: str) -> None:
    app, stand_in = blocked_app(project_dir, ledger_url)
    if kind == "plain":
        request = f"GET {PLAIN} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    else:
        body = b'{"query": "{ query(metrics: [bookings]) { rows } }"}'
        request = (b"POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                   b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    with LiveServer(app) as live:
        hang_up_after(live.url, request, 0.3)
        hung_up = time.monotonic()
        deadline = hung_up + 5
        while not stand_in.cancelled and time.monotonic() < deadline:
            time.sleep(0.02)
        noticed = time.monotonic() - hung_up
        stand_in.release.set()
    assert len(stand_in.cancelled) == 1, "the question was not cancelled"
    assert noticed < 1.0  # polled every 0.1 s


def test_a_released_slot_wakes_a_waiter_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.questions.WAKE_FALLBACK_S", 5.0)  # only a wake-up can be quick

    async def run() -> float:
        slots = QuestionSlots(limit=1, queue_timeout_s=2.0)
        await slots.acquire()
        waiting = asyncio.ensure_future(slots.acquire())
        await asyncio.sleep(0.02)  # the waiter is queued
        released = time.monotonic()
        slots.release()
        await waiting
        return time.monotonic() - released
    assert asyncio.run(run()) < 1.0

"""Retries observed on a real server: a gateway in front of the API fails the first requests in given ways."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Iterator

import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from revenue_semantic_client import (AsyncSemanticClient, BadRequestError, RetryPolicy, SemanticClient,
                                     ServerBusyError, TooCostlyError)
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO
from tests.server.live import LiveServer

Failure = tuple[int, dict[str, str], bytes]
BUSY: Failure = (503, {"retry-after": "0"}, json.dumps({"data": None, "errors": [{"message": "every query slot is "
                 "taken", "extensions": {"code": "E_SERVER_BUSY", "hint": "retry shortly"}}]}).encode())
GATEWAY: Failure = (502, {"content-type": "text/html"}, b"<html>Bad Gateway</html>")
TIMEOUT: Failure = (504, {}, json.dumps({"data": None, "errors": [{"message": "query ran over 30 s", "extensions":
                    {"code": "E_QUERY_TIMEOUT", "hint": "narrow the question"}}]}).encode())


class Gateway:
    """ASGI wrapper: answers the next planned failures itself, then passes requests to the API."""

    def __init__(self, app: FastAPI) -> None:
        self.app, self.planned, self.requests = app, [], 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.requests += 1
        if not self.planned:
            await self.app(scope, receive, send)
            return
        status, headers, body = self.planned.pop(0)
        raw = [(k.encode(), v.encode()) for k, v in {"content-type": "application/json", **headers}.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def plan(self, *failures: Failure) -> None:
        self.planned, self.requests = list(failures), 0


@pytest.fixture(scope="module")
def gateway(ledger_url: str) -> Iterator[tuple[Gateway, str]]:
    wrapper = Gateway(create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth()))
    with LiveServer(wrapper) as server:  # type: ignore[arg-type]
        yield wrapper, server.url


FAST = RetryPolicy(attempts=4, backoff_s=0.01)


def test_busy_and_bad_gateway_are_retried_until_the_answer(gateway: tuple[Gateway, str]) -> None:
    wrapper, url = gateway
    with SemanticClient(url, retry=FAST) as client:
        expected = client.query(["won_deals"])
        wrapper.plan(BUSY, GATEWAY, BUSY)
        assert client.query(["won_deals"]) == expected and expected.rows == [{"won_deals": 3}]
        assert wrapper.requests == 4


def test_retries_end_and_raise_the_last_failure(gateway: tuple[Gateway, str]) -> None:
    wrapper, url = gateway
    wrapper.plan(BUSY, BUSY, BUSY)
    with SemanticClient(url, retry=RetryPolicy(attempts=3, backoff_s=0)) as client, \
            pytest.raises(ServerBusyError) as raised:
        client.query(["won_deals"])
    assert wrapper.requests == 3 and raised.value.code == "E_SERVER_BUSY" and raised.value.hint == "retry shortly"


def test_client_errors_and_coded_timeouts_are_not_retried(gateway: tuple[Gateway, str]) -> None:
    wrapper, url = gateway
    with SemanticClient(url, retry=FAST) as client:
        wrapper.plan()
        with pytest.raises(BadRequestError):
            client.query(["won_deals"], grain="hour")
        assert wrapper.requests == 1
        wrapper.plan(TIMEOUT)
        with pytest.raises(TooCostlyError) as raised:
            client.query(["won_deals"])
        assert wrapper.requests == 1 and raised.value.status == 504


def test_retry_after_is_honoured(gateway: tuple[Gateway, str]) -> None:
    wrapper, url = gateway
    wrapper.plan((503, {"retry-after": "1"}, BUSY[2]))
    started = time.monotonic()
    with SemanticClient(url, retry=RetryPolicy(backoff_s=0)) as client:
        client.query(["won_deals"])
    assert time.monotonic() - started >= 1.0 and wrapper.requests == 2


def test_async_client_retries_too(gateway: tuple[Gateway, str]) -> None:
    wrapper, url = gateway
    wrapper.plan(GATEWAY, BUSY)

    async def ask() -> Any:
        async with AsyncSemanticClient(url, retry=FAST) as client:
            return await client.query(["won_deals"])

    assert asyncio.run(ask()).rows == [{"won_deals": 3}] and wrapper.requests == 3


def test_policy_backoff_doubles_and_is_capped() -> None:
    busy = ServerBusyError("E_SERVER_BUSY", "busy")
    policy = RetryPolicy(attempts=5, backoff_s=0.5, max_wait_s=1.5)
    assert [policy.wait_s(n, busy) for n in range(1, 6)] == [0.5, 1.0, 1.5, 1.5, None]
    assert policy.wait_s(1, ServerBusyError("E_SERVER_BUSY", "busy", retry_after_s=60)) == 1.5
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)

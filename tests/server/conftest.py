"""Fixtures for the API tests: the tiny ledger, a project copy, in-process and real (uvicorn) servers."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.live import LiveServer
from tests.server.tiny_ledger import write_tiny_ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_ledger(tmp_path_factory.mktemp("ledger") / "tiny.duckdb")


def copy_project(target: Path) -> Path:
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(REPO / name, target / name)
    return target


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A private copy of the starter definitions, safe to edit (outside git, so the version is a hash)."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def app(ledger_url: str) -> FastAPI:
    return create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth())


def post(app: FastAPI, query: str, variables: dict | None = None, headers: dict | None = None,
         **kwargs: Any) -> httpx.Response:
    """One in-process request through the full ASGI stack (middleware included)."""
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            if "content" in kwargs:
                return await client.post("/graphql", headers=headers, **kwargs)
            return await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return asyncio.run(send())


def get(app: FastAPI, path: str, headers: dict | None = None) -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.get(path, headers=headers)
    return asyncio.run(send())


def websocket_handshake(app: FastAPI, path: str, subprotocol: str, headers: dict | None = None) -> list[dict]:
    """What the app sends when a client opens a WebSocket and starts a GraphQL session (raw ASGI)."""
    incoming = [{"type": "websocket.connect"},
                {"type": "websocket.receive", "text": '{"type": "connection_init"}'},
                {"type": "websocket.receive", "text": '{"type": "subscribe", "id": "1", "payload": '
                                                      '{"query": "{ query(metrics: [bookings]) { rows } }"}}'}]
    sent: list[dict] = []

    async def receive() -> dict:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(0.2)  # let a misbehaving app answer, then hang up
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1), "server": ("test", 80),
             "subprotocols": [subprotocol],
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    return sent


def data(response: httpx.Response) -> dict:
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]


def error(response: httpx.Response) -> dict:
    """The single GraphQL error of a response, checked to have a code and a hint and no traceback."""
    body = response.json()
    assert response.status_code == 200, body
    assert body.get("errors"), body
    first = body["errors"][0]
    assert first["extensions"]["code"].startswith("E_") and "hint" in first["extensions"], first
    assert "Traceback" not in response.text
    return first


@pytest.fixture(scope="session")
def live(app: FastAPI) -> Iterator[LiveServer]:
    """The session app under a real uvicorn on a random loopback port."""
    with LiveServer(app) as server:
        yield server

"""The client is imported from clients/ as its own distribution would install it (top-level
`revenue_semantic_client`, nothing from the server package), and tested against real uvicorn servers."""
from __future__ import annotations

import sys
from typing import Iterator

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO
from tests.server.live import LiveServer
from tests.server.tiny_ledger import write_tiny_ledger

CLIENT_DIR = REPO / "clients"
if str(CLIENT_DIR) not in sys.path:
    sys.path.insert(0, str(CLIENT_DIR))


@pytest.fixture(scope="session")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_ledger(tmp_path_factory.mktemp("client-ledger") / "tiny.duckdb")


def serve(database_url: str, auth: TokenAuth | None = None, **settings: object) -> LiveServer:
    """The starter definitions over `database_url` under a real uvicorn (use as a context manager)."""
    app: FastAPI = create_app(REPO, database_url, ServerSettings(**settings), auth=auth or TokenAuth())
    return LiveServer(app)


@pytest.fixture(scope="session")
def live(ledger_url: str) -> Iterator[LiveServer]:
    with serve(ledger_url) as server:
        yield server

"""A headless Chromium and live servers over the tiny ledger, shared by the browser tests of one module."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.browser.chromium import INSTALL_HINT, Browser, installed
from tests.server.live import LiveServer
from tests.server.tiny_ledger import write_tiny_ledger

REPO = Path(__file__).resolve().parents[2]
TOKEN = "browser-test-token"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, installed first by the repo's script when missing (quiet and quick when present)."""
    if not installed():
        done = subprocess.run(["bash", str(REPO / "scripts" / "ensure-chromium.sh")], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"{INSTALL_HINT}: {done.stderr.strip()[-500:]}", pytrace=False)
    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def tiny_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_ledger(tmp_path_factory.mktemp("browser-ledger") / "tiny.duckdb")


@pytest.fixture(scope="session")
def open_server(tiny_ledger: str) -> Iterator[LiveServer]:
    with LiveServer(create_app(REPO, tiny_ledger, ServerSettings(), auth=TokenAuth())) as server:
        yield server


@pytest.fixture(scope="session")
def guarded_server(tiny_ledger: str) -> Iterator[LiveServer]:
    tokens = TokenAuth.load(environ={"SEMANTIC_API_TOKENS": TOKEN})
    with LiveServer(create_app(REPO, tiny_ledger, ServerSettings(), auth=tokens)) as server:
        yield server

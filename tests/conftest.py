"""Shared test fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.postgres import postgres_url  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Release DuckDB connections before the interpreter exits (DuckDB's bindings warn about live objects)."""
    import gc

    from semantic.execute import dispose_engines

    dispose_engines()
    gc.collect()

"""The hand-made stage history (tests/fixtures/history_small.py) in DuckDB and PostgreSQL, and a layer over each.

Imported by the as-of test modules: `history_layer` runs each test once per database.
"""
from __future__ import annotations

import pytest

from semantic.layer import ExecutionSettings, SemanticLayer
from tests.correctness.conftest import REPO_ROOT
from tests.fixtures.history_small import TODAY, load_history_ledger
from tests.support.postgres import fresh_database


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('history_small') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_history_small")
    load_history_ledger(url)
    return url


@pytest.fixture(scope="session")
def history_layer(history_url: str) -> SemanticLayer:
    """The starter project over the hand-made history, today 2026-01-15."""
    return SemanticLayer.open(REPO_ROOT, history_url, ExecutionSettings(today=TODAY))

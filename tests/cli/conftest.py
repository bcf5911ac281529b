"""The small hand-made ledger (tests/fixtures/ledger_small.py) that CLI tests of the starter definitions ask."""
from __future__ import annotations

import pytest

from tests.fixtures.ledger_small import load_ledger


@pytest.fixture(scope="module")
def small_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('cli_small') / 'ledger.duckdb'}"
    load_ledger(url)
    return url

"""A fresh copy of the hand-made link ledger (tests/link/link_ledger.py) per test, on DuckDB and PostgreSQL."""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.fixtures.rows import load_rows
from tests.link.link_ledger import ROWS
from tests.support.postgres import fresh_database

_numbers = itertools.count()


@pytest.fixture(params=["duckdb", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), f"link_{next(_numbers)}")
    load_rows(url, ROWS)
    return url


@pytest.fixture
def connection(ledger_url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(ledger_url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()

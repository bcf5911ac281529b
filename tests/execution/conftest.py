"""The tiny ledger in its own PostgreSQL database on the session's throwaway server."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.server.tiny_ledger import DDL, ROWS
from tests.support.postgres import fresh_database

PG_DATABASE = "execution_tiny"


def tiny_pg_database(postgres_url: str, name: str) -> str:
    """A new PostgreSQL database holding the tiny ledger; its URL."""
    url = fresh_database(postgres_url, name)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in (DDL + ROWS).split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_tiny_url(postgres_url: str) -> str:
    return tiny_pg_database(postgres_url, PG_DATABASE)

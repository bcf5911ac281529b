"""The tiny ledger in its own PostgreSQL database on the session's throwaway server."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.server.tiny_ledger import DDL, ROWS

PG_DATABASE = "execution_tiny"


@pytest.fixture(scope="session")
def pg_tiny_url(postgres_url: str) -> str:
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.exec_driver_sql(f"CREATE DATABASE {PG_DATABASE}")
    finally:
        admin.dispose()
    url = make_url(postgres_url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in (DDL + ROWS).split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
    finally:
        engine.dispose()
    return url

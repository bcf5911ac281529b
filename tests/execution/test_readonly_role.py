"""The read-only PostgreSQL role of docs/operations.md, run as written: it reads the ledger and nothing else."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.execution.conftest import PG_DATABASE


def recipe(repo_root) -> str:
    docs = (repo_root / "docs" / "operations.md").read_text(encoding="utf-8")
    section = docs.split("## A read-only PostgreSQL role")[1]
    return re.search(r"```sql\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def reader_url(repo_root, pg_tiny_url: str) -> str:
    admin = sa.create_engine(pg_tiny_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP ROLE IF EXISTS semantic_reader")
            for statement in recipe(repo_root).replace("DATABASE ledger", f"DATABASE {PG_DATABASE}").split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
    finally:
        admin.dispose()
    return make_url(pg_tiny_url).set(username="semantic_reader", password="change-me").render_as_string(
        hide_password=False)


def run_as_reader(url: str, *statements: str) -> list:
    engine = sa.create_engine(url)  # a plain engine: none of the layer's own read-only options
    try:
        with engine.connect() as conn:
            out = [conn.exec_driver_sql(s).fetchall() if s.lower().startswith("select") else
                   conn.exec_driver_sql(s) for s in statements]
            conn.commit()
            return out
    finally:
        engine.dispose()


def test_the_role_reads_the_ledger(reader_url: str, repo_root):
    assert run_as_reader(reader_url, "select count(*) from opportunities")[0] == [(6,)]
    rows = SemanticLayer.open(repo_root, reader_url).query(Question(metrics=["bookings"])).rows
    assert rows == [{"bookings": 1000.5 + 2000 + 700}]


@pytest.mark.parametrize("statement", [
    "insert into opportunities (opportunity_id) values (999)",
    "delete from opportunities",
    "create table stolen (x int)",
])
def test_the_role_cannot_write(reader_url: str, statement: str):
    with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
        run_as_reader(reader_url, statement)


@pytest.mark.parametrize("statement", [
    "insert into opportunities (opportunity_id) values (999)",
    "create table stolen (x int)",
])
def test_the_role_cannot_write_even_with_read_only_turned_off(reader_url: str, statement: str):
    with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
        run_as_reader(reader_url, "set default_transaction_read_only = off",
                      "set transaction read write", statement)


@pytest.mark.parametrize("statement", ["select pg_read_file('/etc/passwd')", "select pg_ls_dir('.')",
                                       "select * from pg_authid"])
def test_the_role_cannot_read_server_files(reader_url: str, statement: str):
    with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
        run_as_reader(reader_url, statement)

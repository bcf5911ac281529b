"""The demo loader never drops tables it did not write: a warehouse named by --database or
SEMANTIC_DATABASE_URL keeps its accounts and opportunities unless the caller explicitly says replace."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from semantic.ledger import LedgerError, demo_ledger_present, generate, write_demo, write_ledger
from tests.ledger.conftest import AS_OF


def _warehouse(path: Path) -> str:
    """A customer's database that happens to use two of the canonical table names."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table accounts (account_id bigint, name text)")
        con.execute("insert into accounts values (1, 'Real Customer Inc')")
        con.execute("create table opportunities (opportunity_id bigint, amount double)")
    return f"duckdb:///{path}"


def _accounts(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select * from accounts").fetchall()


def test_write_demo_refuses_a_database_with_foreign_ledger_tables(tmp_path: Path) -> None:
    url = _warehouse(tmp_path / "warehouse.duckdb")
    with pytest.raises(LedgerError) as raised:
        write_demo(url, scale=0.01, as_of=AS_OF)
    assert "already holds tables the demo did not write (accounts, opportunities)" in str(raised.value)
    assert "--force" in raised.value.hint
    assert _accounts(tmp_path / "warehouse.duckdb") == [(1, "Real Customer Inc")]


def test_write_ledger_refuses_too(tmp_path: Path) -> None:
    url = _warehouse(tmp_path / "warehouse.duckdb")
    with pytest.raises(LedgerError):
        write_ledger(url, generate(scale=0.01, seed=1, as_of=AS_OF))
    assert _accounts(tmp_path / "warehouse.duckdb") == [(1, "Real Customer Inc")]


def test_replace_overrides_the_guard(tmp_path: Path) -> None:
    url = _warehouse(tmp_path / "warehouse.duckdb")
    counts = write_demo(url, scale=0.01, seed=3, as_of=AS_OF, replace=True)
    assert len(_accounts(tmp_path / "warehouse.duckdb")) == counts["accounts"] and demo_ledger_present(url)


def test_unrelated_tables_are_fine_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table budget (year int)")
        con.execute("insert into budget values (2025)")
    write_demo(f"duckdb:///{path}", scale=0.01, as_of=AS_OF)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select * from budget").fetchall() == [(2025,)]


def test_our_own_demo_is_marked_and_replaceable(tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    write_demo(f"duckdb:///{path}", scale=0.01, seed=5, as_of=AS_OF)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select seed, scale, as_of from semantic_demo_ledger").fetchall() == [
            (5, 0.01, date(2025, 6, 30))]
    write_demo(f"duckdb:///{path}", scale=0.02, seed=6, as_of=AS_OF)  # no error: it is ours
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select seed from semantic_demo_ledger").fetchall() == [(6,)]


def test_postgres_with_foreign_tables_is_refused(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("create schema if not exists guard_test"))
            conn.execute(text("create table if not exists guard_test.reps (rep_id bigint)"))
        schema_url = postgres_url + ("&" if "?" in postgres_url else "?") + "options=-csearch_path%3Dguard_test"
        with pytest.raises(LedgerError, match=r"\(reps\)"):
            write_demo(schema_url, scale=0.01, as_of=AS_OF)
    finally:
        with engine.begin() as conn:
            conn.execute(text("drop schema guard_test cascade"))
        engine.dispose()

"""Bulk loading: DuckDB and PostgreSQL hold the same ledger, reloading replaces it, errors are clear."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import typer
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from semantic.cli import app
from semantic.ledger import LedgerError, TABLE_NAMES, demo_ledger_present, write_demo, write_ledger
from tests.ledger.conftest import AS_OF

SUMS = {"opportunities": "sum(amount)", "opportunity_stage_history": "sum(amount)", "reps": "sum(quota_amount)",
        "activities": "sum(duration_seconds)", "leads": "sum(score)", "quotas": "sum(amount)"}


def _profile(run) -> dict[str, object]:
    profile = {t: run(f"select count(*) from {t}") for t in TABLE_NAMES}
    profile |= {f"{t}.{expr}": run(f"select {expr} from {t}") for t, expr in SUMS.items()}
    profile["won"] = run("select count(*) from opportunities where is_won")
    profile["open_amount"] = run("select sum(amount) from opportunities where not is_closed")
    return profile


def test_postgres_holds_the_same_ledger(postgres_url: str, small_tables: dict[str, pa.Table],
                                        duck: duckdb.DuckDBPyConnection) -> None:
    write_ledger(postgres_url, small_tables)
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            in_postgres = _profile(lambda sql: conn.execute(text(sql)).scalar())
    finally:
        engine.dispose()
    in_duckdb = _profile(lambda sql: duck.execute(sql).fetchone()[0])
    assert in_postgres == in_duckdb
    assert in_duckdb["opportunities"] == small_tables["opportunities"].num_rows
    assert demo_ledger_present(postgres_url)


def test_reload_replaces_and_presence_check(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'sub' / 'dir' / 'ledger.duckdb'}"
    assert not demo_ledger_present(url)
    assert not (tmp_path / "sub").exists()  # the presence check never creates anything
    first = write_demo(url, scale=0.02, seed=1, as_of=AS_OF)
    second = write_demo(url, scale=0.03, seed=1, as_of=AS_OF)
    with duckdb.connect(str(tmp_path / "sub" / "dir" / "ledger.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from opportunities").fetchone()[0] == second["opportunities"]
    assert second["opportunities"] > first["opportunities"] and demo_ledger_present(url)


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db", "duckdb:////proc/no/such/ledger.duckdb",
                                 "postgresql+psycopg://postgres@127.0.0.1:1/postgres"])
def test_bad_targets_raise_a_ledger_error(url: str) -> None:
    with pytest.raises(LedgerError) as raised:
        write_demo(url, scale=0.01, as_of=AS_OF)
    assert raised.value.hint and "\n" not in str(raised.value)


def _cli(args: list[str]) -> object:
    command = typer.main.get_command(app)
    prefix = ["demo"] if hasattr(command, "commands") else []  # a lone command is mounted without its name
    return CliRunner().invoke(app, prefix + args)


def test_cli_writes_the_demo_and_summarises(tmp_path: Path) -> None:
    target = tmp_path / "cli" / "ledger.duckdb"
    result = _cli(["--scale", "0.02", "--as-of", "2025-06-30", "--database", f"duckdb:///{target}"])
    assert result.exit_code == 0, result.output
    assert "opportunities 40" in result.output and "activities 1,000" in result.output
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select count(*) from activities").fetchone()[0] == 1000


def test_cli_reports_an_unreachable_database_in_one_line() -> None:
    result = _cli(["--scale", "0.02", "--database", "postgresql+psycopg://postgres@127.0.0.1:1/postgres"])
    assert result.exit_code == 1
    assert "error: could not write the ledger" in result.output and "Traceback" not in result.output

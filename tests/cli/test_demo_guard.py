"""`semantic demo` following the README tour with SEMANTIC_DATABASE_URL set to a real warehouse refuses to
drop its tables; --force and our own earlier demo ledgers are the ways to replace."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from semantic.cli import app

DEMO = ["demo", "--scale", "0.01", "--as-of", "2025-06-30"]


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table opportunities (opportunity_id bigint, amount double)")
        con.execute("insert into opportunities values (7, 125000)")
    monkeypatch.setenv("SEMANTIC_DATABASE_URL", f"duckdb:///{path}")
    return path


def _opportunities(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select opportunity_id, amount from opportunities order by 1 limit 1").fetchall()


def test_demo_refuses_the_warehouse_named_by_the_environment(warehouse: Path) -> None:
    result = CliRunner().invoke(app, DEMO)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and "did not write (opportunities)" in result.stderr
    assert "hint:" in result.stderr and "--force" in result.stderr and "Traceback" not in result.output
    assert _opportunities(warehouse) == [(7, 125000.0)]


def test_demo_force_replaces(warehouse: Path) -> None:
    result = CliRunner().invoke(app, [*DEMO, "--force"])
    assert result.exit_code == 0, result.output
    assert _opportunities(warehouse) != [(7, 125000.0)]


def test_demo_may_replace_its_own_ledger(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    for _ in range(2):
        result = CliRunner().invoke(app, [*DEMO, "--database", url])
        assert result.exit_code == 0, result.output

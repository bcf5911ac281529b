"""`semantic compile` prints the SQL as the database runs it, its values beside it (--params), or (--literals)
inlined; by default the form the engine's console runs as pasted."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app

runner = CliRunner()
QUESTION = ["bookings", "--grain", "quarter", "--from", "2025-01-01", "--to", "2025-06-30",
            "--where", "account.name = 'it''s 50%'", "--today", "2025-11-15"]


def compile_sql(repo_root: Path, *extra: str) -> str:
    result = runner.invoke(app, ["compile", *QUESTION, "-p", str(repo_root), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("dialect", "marker"), [("duckdb", "$1"), ("postgresql", "$1"), ("snowflake", ":1"),
                                                 ("bigquery", "@param_1"), ("trino", "?1")])
def test_parameters_are_shown_by_marker(repo_root: Path, dialect: str, marker: str) -> None:
    text = compile_sql(repo_root, "--dialect", dialect, "--params")
    sql, _, parameters = text.rpartition("-- parameters: ")
    assert "%%" not in sql
    assert parameters.startswith(f"{marker} = 2025-01-01")
    assert "= \"it's 50%\"" in parameters


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql", "snowflake", "bigquery", "trino"])
def test_literals_leave_no_marker(repo_root: Path, dialect: str) -> None:
    text = compile_sql(repo_root, "--dialect", dialect, "--literals")
    assert "-- parameters" not in text and "$1" not in text and ":1" not in text and "@param_1" not in text
    assert "?" not in text and "%%" not in text
    assert "'it''s 50%'" in text or "'it\\'s 50%'" in text
    assert "DATE '2025-01-01'" in text or "DATETIME '2025-01-01 00:00:00'" in text


@pytest.mark.parametrize(("dialect", "literals"), [("duckdb", False), ("postgresql", False), ("snowflake", True),
                                                  ("bigquery", True), ("trino", True)])
def test_the_default_is_the_form_the_console_runs(repo_root: Path, dialect: str, literals: bool) -> None:
    """Engines the layer runs on show what ran (markers); the consoles of the others bind no parameters."""
    default = compile_sql(repo_root, "--dialect", dialect)
    chosen = compile_sql(repo_root, "--dialect", dialect, "--literals" if literals else "--params")
    assert default == chosen
    assert ("-- parameters" not in default) == literals


def test_literals_and_params_together_are_bad_usage(repo_root: Path) -> None:
    result = runner.invoke(app, ["compile", *QUESTION, "-p", str(repo_root), "--literals", "--params"])
    assert result.exit_code == 2
    assert "give one" in result.output

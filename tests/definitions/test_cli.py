"""`semantic validate` / `semantic schema`: output lines, JSON shape and the exit codes CI relies on."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from semantic.cli import app
from semantic.definitions.jsonschema import schema_text
from tests.definitions.cases import FIXTURES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_valid_project_exits_0_with_a_summary(repo_root: Path) -> None:
    result = run("validate", "--project", str(repo_root))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: 0 errors, 0 warnings in 5 files")


def test_invalid_project_exits_1_with_one_line_per_issue() -> None:
    result = run("validate", "-p", str(FIXTURES / "unknown_measure"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("metrics.yaml:20:16: error[E_UNKNOWN_MEASURE] metric 'win_rate' uses unknown "
                               "measure 'won_dealz' (did you mean 'won_deals'?)")
    assert len(lines) == 3 and lines[-1].startswith("invalid: 2 errors, 0 warnings")


def test_warnings_pass_unless_strict() -> None:
    assert run("validate", "-p", str(FIXTURES / "format")).exit_code == 0
    strict = run("validate", "-p", str(FIXTURES / "format"), "--strict")
    assert strict.exit_code == 1 and "W_FORMAT" in strict.output


def test_json_format() -> None:
    result = run("validate", "-p", str(FIXTURES / "metric_cycle"), "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["valid"] is False and body["version"]
    assert {i["code"] for i in body["issues"]} == {"E_METRIC_CYCLE"}
    assert set(body["issues"][0]) == {"code", "severity", "message", "file", "line", "col", "hint"}


@pytest.mark.parametrize("args", [("validate", "--format", "xml"), ("validate", "--bogus"), ("nonsense",)])
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_schema_prints_and_writes(tmp_path: Path) -> None:
    assert run("schema").output == schema_text()
    target = tmp_path / "out" / "semantic.schema.json"
    assert run("schema", "--output", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_database_down_is_one_clear_error(repo_root: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = run("validate", "-p", str(repo_root), "--database", f"duckdb:///{missing}")
    assert result.exit_code == 1
    assert "E_DB_CONNECT" in result.output and "Traceback" not in result.output
    assert not missing.exists(), "validation must never create a database"


def test_database_missing_tables_and_columns(repo_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table reps (rep_id int, name text, team text, region text, role text, "
                    "hired_at timestamp, quota_amount double)")
        con.execute("create table accounts (account_id int, name text, domain text, industry text, segment text, "
                    "region text, owner_rep_id int)")
    result = run("validate", "-p", str(repo_root), "--database", f"duckdb:///{path}", "--format", "json")
    assert result.exit_code == 1
    issues = json.loads(result.output)["issues"]
    columns = [i for i in issues if i["code"] == "E_DB_COLUMN"]
    assert [(i["message"], i["line"]) for i in columns] == [
        ("entity 'account': column 'created_at' does not exist in table 'accounts'", 69)]
    tables = {i["message"].split("'")[3] for i in issues if i["code"] == "E_DB_TABLE"}
    assert tables == {"contacts", "leads", "opportunities", "opportunity_stage_history", "activities", "quotas"}

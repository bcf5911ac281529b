"""Execution failures become clear errors: runaway queries time out, missing databases are named."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "projects"


def test_statement_timeout_interrupts_a_runaway_duckdb_query():
    layer = SemanticLayer.open(FIXTURES / "slow", "duckdb:///:memory:", ExecutionSettings(statement_timeout_s=0.3))
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        layer.query(Question(metrics=["pair_count"]))
    assert info.value.code == "E_QUERY_TIMEOUT" and "0.3 s" in info.value.message
    assert time.monotonic() - started < 10


def test_missing_duckdb_file_is_named_with_a_fix(repo_root, tmp_path):
    layer = SemanticLayer.open(repo_root, f"duckdb:///{tmp_path / 'nowhere.duckdb'}")
    with pytest.raises(SemanticError) as info:
        layer.query(Question(metrics=["bookings"]))
    assert info.value.code == "E_DATABASE_UNAVAILABLE" and "semantic demo" in info.value.hint
    assert not (tmp_path / "nowhere.duckdb").exists(), "a query must never create a database"


def test_postgres_that_is_down_is_a_clear_error(repo_root):
    layer = SemanticLayer.open(repo_root, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(SemanticError) as info:
        layer.query(Question(metrics=["bookings"]))
    assert info.value.code == "E_DATABASE_UNAVAILABLE"


def test_missing_table_is_a_query_failure_with_a_hint(repo_root):
    layer = SemanticLayer.open(repo_root, "duckdb:///:memory:")
    with pytest.raises(SemanticError) as info:
        layer.query(Question(metrics=["bookings"]))
    assert info.value.code == "E_QUERY_FAILED" and "semantic validate --database" in info.value.hint


def test_queries_are_read_only_on_postgres(postgres_url):
    import sqlalchemy as sa

    from semantic.execute import engine_for

    with pytest.raises(sa.exc.DBAPIError) as info:
        with engine_for(postgres_url).connect() as conn:
            conn.exec_driver_sql("create table should_not_exist (x int)")
    assert "read-only" in str(info.value)


def test_queries_are_read_only_on_duckdb_files(tmp_path):
    import duckdb
    import sqlalchemy as sa

    from semantic.execute import engine_for

    path = tmp_path / "ledger.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(sa.exc.DBAPIError) as info:
        with engine_for(f"duckdb:///{path}").connect() as conn:
            conn.exec_driver_sql("create table should_not_exist (x int)")
    assert "read-only" in str(info.value).lower()


def test_duckdb_queries_cannot_read_server_files(tmp_path):
    import duckdb
    import sqlalchemy as sa

    from semantic.execute import engine_for

    path = tmp_path / "ledger.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(sa.exc.DBAPIError) as info:
        with engine_for(f"duckdb:///{path}").connect() as conn:
            conn.exec_driver_sql("select content from read_text('/etc/hostname')").fetchall()
    assert "external access" in str(info.value).lower() or "disabled" in str(info.value).lower()


def test_derived_entities_that_read_files_are_refused_when_loading(tmp_path):
    from semantic.definitions import load_project

    (tmp_path / "metrics.yaml").write_text(
        "entities:\n  secret:\n    sql: select content as c from read_text('/etc/hostname')\n"
        "    primary_key: c\n", encoding="utf-8")
    issues = load_project(tmp_path).issues
    assert [(i.code, i.position.line) for i in issues] == [("E_INVALID_EXPRESSION", 3)]
    assert "table functions can read files" in issues[0].message


def test_a_question_on_duckdbs_own_cursor_fails_with_the_same_codes(repo_root):
    """A question with a bound value runs on the driver's cursor (`plain_cursor`): its driver errors are still
    coded, and the interrupt still stops it."""
    missing = SemanticLayer.open(repo_root, "duckdb:///:memory:")
    with pytest.raises(SemanticError) as info:
        missing.query(Question(metrics=["bookings"], limit=5))
    assert info.value.code == "E_QUERY_FAILED" and "semantic validate --database" in info.value.hint
    slow = SemanticLayer.open(FIXTURES / "slow", "duckdb:///:memory:", ExecutionSettings(statement_timeout_s=0.3))
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        slow.query(Question(metrics=["pair_count"], limit=5))
    assert info.value.code == "E_QUERY_TIMEOUT" and "0.3 s" in info.value.message
    assert time.monotonic() - started < 10

"""Spark through Spark Connect: bound parameters, only SELECTs sent, timeouts, cancels, a server that is down,
and `semantic validate --database sc://...` reading Spark's catalogue."""
from __future__ import annotations

import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from semantic.definitions.project import load_definitions
from semantic.definitions.rules.database import check_database
from semantic.errors import IssueList, SemanticError
from semantic.execute import fetch
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from semantic.spark_connect import require_select, split_url, with_database

REPO = Path(__file__).resolve().parents[2]
SLOW_SQL = "select count(*) from range(0, 2000000000) a cross join range(0, 2000000000) b"


def _run(url: str, sql: str, args: dict | None = None, **settings: object) -> list:
    return fetch(url, ExecutionSettings(**settings), None, lambda conn, _engine: conn.exec_driver_sql(sql, args or {}),
                 None)[0]


def test_the_layers_database_parameter_is_taken_out_of_the_spark_connect_url() -> None:
    assert split_url("sc://h:443/;token=abc;database=main.sales;x-databricks-cluster-id=1") == \
        ("sc://h:443/;token=abc;x-databricks-cluster-id=1", "main.sales")
    assert split_url("sc://127.0.0.1:15002") == ("sc://127.0.0.1:15002", None)
    assert with_database("sc://127.0.0.1:15002", "ledger") == "sc://127.0.0.1:15002/;database=ledger"
    assert with_database("sc://h:443/;token=t", "x") == "sc://h:443/;token=t;database=x"


@pytest.mark.parametrize("sql", ["drop table opportunities", "insert into t select 1",
                                 "with a as (select 1 as x) insert into t select * from a",
                                 "select 1; drop table t", "create table t as select 1", "set x = 1"])
def test_nothing_but_one_select_is_ever_sent(sql: str) -> None:
    with pytest.raises(AssertionError):
        require_select(sql)
    require_select("/* c */ with a as (select :p as x) select x from a")


def test_a_server_that_is_not_there_is_a_coded_error_within_seconds() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(SemanticError) as caught:
        _run(f"sc://127.0.0.1:{port}", "select 1", pool_timeout_s=2)
    assert caught.value.code == "E_DATABASE_UNAVAILABLE"
    assert time.monotonic() - started < 10


@pytest.mark.spark
def test_values_are_bound_by_spark_never_spliced(spark_url: str) -> None:
    tricky = "O'Brien \\ ' or 1=1 --"
    assert _run(spark_url, "select :v as v, :d as d", {"v": tricky, "d": date(2025, 2, 28)}) == \
        [(tricky, date(2025, 2, 28))]


@pytest.mark.spark
def test_a_long_query_stops_at_the_statement_timeout(spark_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(SemanticError) as caught:
        _run(spark_url, SLOW_SQL, statement_timeout_s=2)
    assert caught.value.code == "E_QUERY_TIMEOUT"
    assert time.monotonic() - started < 30
    assert _run(spark_url, "select 1 as one") == [(1,)]  # the shared session still answers


@pytest.mark.spark
def test_a_cancelled_question_stops_on_the_server(spark_url: str) -> None:
    cancel = threading.Event()
    threading.Timer(1.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(SemanticError) as caught:
        fetch(spark_url, ExecutionSettings(), cancel, lambda conn, _e: conn.exec_driver_sql(SLOW_SQL, {}), None)
    assert caught.value.code == "E_QUERY_CANCELLED"
    assert time.monotonic() - started < 30


@pytest.mark.spark
def test_a_spark_refusal_is_a_coded_error(spark_url: str) -> None:
    with pytest.raises(SemanticError) as caught:
        _run(spark_url, "select no_such_column from range(1)")
    assert caught.value.code == "E_QUERY_FAILED"
    assert "JVM" not in caught.value.message and "\n" not in caught.value.message


@pytest.mark.spark
def test_validate_reads_columns_from_sparks_catalogue(spark_url: str, tmp_path: Path) -> None:
    from semantic.spark_connect import session_for

    spark = session_for(spark_url)
    spark.sql("create database if not exists validate_check")
    spark.sql("drop table if exists validate_check.opportunities")
    spark.sql("create table validate_check.opportunities (opportunity_id bigint) using parquet "
              f"location '{tmp_path / 'opportunities'}'")
    issues = IssueList()
    defs = load_definitions(REPO, IssueList())
    check_database(defs, with_database(spark_url, "validate_check"), issues)
    codes = {(i.code, i.message.split(":")[0]) for i in issues.items}
    assert ("E_DB_TABLE", "entity 'account'") in codes  # no accounts table at all
    assert ("E_DB_COLUMN", "entity 'opportunity'") in codes  # the table lacks amount, stage, ...
    assert not any("opportunity_id" in i.message.split(":")[1] for i in issues.items if i.code == "E_DB_COLUMN")


@pytest.mark.spark
def test_a_question_on_spark_shows_sparks_sql_with_named_parameters(spark_url: str) -> None:
    layer = SemanticLayer.open(REPO, spark_url, ExecutionSettings(today=date(2025, 11, 15)))
    compiled = layer.compile(Question(metrics=("bookings",), dimensions=("account.segment",),
                                      filters=[{"dimension": "account.name", "op": "eq", "value": "O'Brien"}]))
    assert layer.dialect == "spark"
    assert "O'Brien" not in compiled.sql and "O'Brien" in compiled.params.values()
    assert all(key.startswith(":") and key in compiled.sql for key in compiled.params)
    assert "`" in compiled.sql or "account__segment" in compiled.sql
    assert "'O\\'Brien'" in compiled.literal_sql

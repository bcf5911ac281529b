"""Setting the cancel event stops the database work within a second, on DuckDB and on PostgreSQL.

A query that would run for minutes is started in a thread; the event is set once it is running. The test
measures the wall time from the event to the coded error, and (DuckDB runs in this process) that the
process stops burning CPU afterwards.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.execution.slow_ledger import create_postgres_view, write_duckdb, write_project

pytestmark = pytest.mark.slow
QUESTION = Question(metrics=["pair_count"])


def cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def run_and_cancel(layer: SemanticLayer, after_s: float = 0.8, cpu_s: float = 0.0) -> tuple[SemanticError, float]:
    """Start the slow question, set the event once it has run `after_s` and this process has spent `cpu_s`
    CPU seconds on it (the machine may be busy); (the error, seconds from event to error)."""
    cancel = threading.Event()
    outcome: dict = {}

    def ask() -> None:
        try:
            layer.query(QUESTION, cancel=cancel)
        except SemanticError as exc:
            outcome["error"] = exc
        outcome["at"] = time.monotonic()

    worker = threading.Thread(target=ask)
    before = cpu_seconds()
    worker.start()
    time.sleep(after_s)
    deadline = time.monotonic() + 10
    while cpu_seconds() - before < cpu_s and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cpu_seconds() - before >= cpu_s, "the query did not get going"
    assert worker.is_alive(), f"the slow query ended on its own: {outcome}"
    set_at = time.monotonic()
    cancel.set()
    worker.join(10)
    assert not worker.is_alive()
    return outcome["error"], outcome["at"] - set_at


def test_cancel_stops_a_duckdb_query_and_its_cpu(tmp_path: Path):
    url = write_duckdb(tmp_path / "slow.duckdb")
    layer = SemanticLayer.open(write_project(tmp_path / "project"), url,
                               ExecutionSettings(statement_timeout_s=120, db_threads=2))
    error, seconds = run_and_cancel(layer, cpu_s=0.5)
    stopped = cpu_seconds()
    assert error.code == "E_QUERY_CANCELLED"
    assert seconds < 1.0
    time.sleep(1.0)
    assert cpu_seconds() - stopped < 0.25, "CPU kept growing after cancel"
    # the connection pool is healthy afterwards: a quick question still answers
    quick = SemanticLayer.open(write_project(tmp_path / "quick"), write_duckdb(tmp_path / "quick.duckdb", n=10))
    assert quick.query(QUESTION).rows == [{"pair_count": 100}]


def test_an_event_set_before_the_query_runs_nothing(tmp_path: Path):
    layer = SemanticLayer.open(write_project(tmp_path / "project"), write_duckdb(tmp_path / "slow.duckdb"))
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        layer.query(QUESTION, cancel=cancel)
    assert info.value.code == "E_QUERY_CANCELLED" and time.monotonic() - started < 0.5


def test_the_timeout_uses_the_same_interrupt(tmp_path: Path):
    layer = SemanticLayer.open(write_project(tmp_path / "project"), write_duckdb(tmp_path / "slow.duckdb"),
                               ExecutionSettings(statement_timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        layer.query(QUESTION, cancel=threading.Event())
    assert info.value.code == "E_QUERY_TIMEOUT" and time.monotonic() - started < 2.0


def active_queries(admin_url: str) -> list[str]:
    engine = sa.create_engine(admin_url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("select query from pg_stat_activity where state = 'active' "
                                    "and query like '%%pair%%' and pid <> pg_backend_pid()").fetchall()
    engine.dispose()
    return [r[0] for r in rows]


def test_cancel_stops_a_postgres_query(tmp_path: Path, postgres_url: str):
    create_postgres_view(postgres_url)
    layer = SemanticLayer.open(write_project(tmp_path / "project"), postgres_url,
                               ExecutionSettings(statement_timeout_s=120))
    error, seconds = run_and_cancel(layer)
    assert error.code == "E_QUERY_CANCELLED"
    assert seconds < 1.0
    assert active_queries(postgres_url) == [], "the server is still running the cancelled query"


def test_postgres_timeout_cancels_on_the_server(tmp_path: Path, postgres_url: str):
    create_postgres_view(postgres_url)
    layer = SemanticLayer.open(write_project(tmp_path / "project"), postgres_url,
                               ExecutionSettings(statement_timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        layer.query(QUESTION)
    assert info.value.code == "E_QUERY_TIMEOUT" and time.monotonic() - started < 2.0
    assert active_queries(postgres_url) == []

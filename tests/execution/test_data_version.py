"""The ledger can be refreshed while it is served: a new file renamed over the old one is picked up within
about a second, answers come from the new data and carry a new data version (docs/operations.md)."""
from __future__ import annotations

import os
import subprocess
import threading
import sys
import time
from pathlib import Path

import duckdb

from semantic.layer import SemanticLayer
from semantic.question import Question
from semantic.settings import ExecutionSettings
from tests.server.tiny_ledger import write_tiny_ledger

BOOKINGS = Question(metrics=["bookings"])
TINY_BOOKINGS = 1000.5 + 2000 + 700  # the tiny ledger's three won deals

EXTRA_WON_DEAL = ("insert into opportunities values (106, 10, 1, 'Acme more', 'expansion', 'Core', 99, "
                  "'closed_won', 'closed', '2024-06-01', '2024-06-10', '2024-06-10 10:00', true, true, null, null, "
                  "'inbound')")


def refreshed_ledger(path: Path) -> None:
    """What a refresh job does: build the new ledger beside the served one, then rename it over it, in
    another process (the served file stays open read-only in this one)."""
    staging = path.with_name(path.name + ".new")
    write_tiny_ledger(staging)
    script = ("import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); c.execute(sys.argv[3]); c.close(); "
              "os.replace(sys.argv[1], sys.argv[2])")
    subprocess.run([sys.executable, "-c", script, str(staging), str(path), EXTRA_WON_DEAL], check=True)


def bookings(layer: SemanticLayer) -> tuple[float, str | None]:
    result = layer.query(BOOKINGS)
    return result.rows[0]["bookings"], result.data_version


def test_a_renamed_in_ledger_is_served_with_a_new_data_version(repo_root, tmp_path: Path):
    path = tmp_path / "ledger.duckdb"
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(path))
    first, version = bookings(layer)
    assert first == TINY_BOOKINGS and version and len(version) == 16
    assert bookings(layer) == (first, version), "an unchanged file keeps its stamp"

    refreshed_ledger(path)
    seen = bookings(layer)  # within the first second the old file may still answer, but with its own stamp
    assert seen in ((TINY_BOOKINGS, version),) or (seen[0] == TINY_BOOKINGS + 99 and seen[1] != version)
    time.sleep(1.1)
    now, new_version = bookings(layer)
    assert now == TINY_BOOKINGS + 99
    assert new_version and new_version != version
    assert bookings(layer) == (now, new_version)


def test_a_file_rewritten_in_place_between_queries_changes_the_stamp(repo_root, tmp_path: Path):
    """A writer that gets the file while nothing is served from it (here: after the engines are closed)."""
    from semantic.execute import dispose_engines

    path = tmp_path / "ledger.duckdb"
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(path))
    _, version = bookings(layer)
    dispose_engines()
    with duckdb.connect(str(path)) as conn:
        conn.execute(EXTRA_WON_DEAL)
        conn.execute("checkpoint")
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    time.sleep(1.1)
    assert bookings(layer)[0] == TINY_BOOKINGS + 99
    assert bookings(layer)[1] != version


def test_postgresql_has_a_data_version_from_the_probes(repo_root, pg_tiny_url):
    """The starter declares table_metadata on every entity: PostgreSQL's write position (docs/operations.md)."""
    result = SemanticLayer.open(repo_root, pg_tiny_url).query(BOOKINGS)
    assert result.rows == [{"bookings": TINY_BOOKINGS}] and result.data_version and len(result.data_version) == 16


def test_the_reopen_waits_for_queries_still_reading_the_old_file(repo_root, tmp_path: Path, monkeypatch):
    """DuckDB shares one open database per path in a process: opening the new file while a query holds the
    old one would give old data under the new stamp. So new queries wait for the old ones to finish."""
    from semantic import engines
    from semantic.engines import EngineLimits, database_for

    monkeypatch.setattr(engines, "CHECK_INTERVAL_S", 0.0)
    path = tmp_path / "ledger.duckdb"
    database = database_for(write_tiny_ledger(path))
    limits = EngineLimits.of(ExecutionSettings(pool_timeout_s=5.0))
    seen: dict = {}

    def next_query() -> None:
        with database.lease(limits) as (engine, version):
            seen["version"], seen["engine"] = version, engine

    with database.lease(limits) as (old_engine, old_version):
        refreshed_ledger(path)
        waiter = threading.Thread(target=next_query)
        waiter.start()
        time.sleep(0.3)
        assert waiter.is_alive() and not seen, "a new query started on the new file while the old one was read"
    waiter.join(5)
    assert seen["version"] not in (None, old_version) and seen["engine"] is not old_engine
    with seen["engine"].connect() as conn:
        assert conn.exec_driver_sql("select count(*) from opportunities").scalar() == 7


def test_a_reopen_that_cannot_drain_in_time_keeps_the_old_stamp(repo_root, tmp_path: Path, monkeypatch):
    from semantic import engines
    from semantic.engines import EngineLimits, database_for

    monkeypatch.setattr(engines, "CHECK_INTERVAL_S", 0.0)
    path = tmp_path / "ledger.duckdb"
    database = database_for(write_tiny_ledger(path))
    limits = EngineLimits.of(ExecutionSettings(pool_timeout_s=0.2))
    with database.lease(limits) as (old_engine, old_version):
        refreshed_ledger(path)
        with database.lease(limits) as (engine, version):  # waited 0.2 s, then went on with the old file
            assert (engine, version) == (old_engine, old_version)
    with database.lease(limits) as (engine, version):
        assert version != old_version and engine is not old_engine

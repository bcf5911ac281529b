"""Database faults answer fast with a code: a full pool, a PostgreSQL that never answers or is not there,
a DuckDB file locked by a writer; no message shows the server's file paths or process ids."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from semantic.dberrors import sanitize
from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.server.tiny_ledger import write_tiny_ledger

pytestmark = pytest.mark.slow
QUESTION = Question(metrics=["bookings"])
POOL_CONNECTIONS = 16 + 10  # the DuckDB pool (semantic/dialects/duckdb.py): 16 kept + SQLAlchemy's 10 overflow


def error_of(layer: SemanticLayer) -> tuple[SemanticError, float]:
    started = time.monotonic()
    with pytest.raises(SemanticError) as info:
        layer.query(QUESTION)
    return info.value, time.monotonic() - started


def test_a_full_pool_waits_pool_timeout_then_is_busy(repo_root, tmp_path: Path):
    url = write_tiny_ledger(tmp_path / "tiny.duckdb")
    settings = ExecutionSettings(pool_timeout_s=0.3)
    layer = SemanticLayer.open(repo_root, url, settings)
    held = [engine_for(url, settings).connect() for _ in range(POOL_CONNECTIONS)]
    try:
        error, seconds = error_of(layer)
        assert error.code == "E_DATABASE_BUSY" and "pool_timeout_s" in error.message
        assert 0.3 <= seconds < 1.5
    finally:
        for conn in held:
            conn.close()
    assert layer.query(QUESTION).rows == [{"bookings": 1000.5 + 2000 + 700}]


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word (a hung database host)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_postgres_that_never_answers_is_unavailable_within_the_connect_timeout(repo_root, silent_server):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{silent_server}/ledger"
    layer = SemanticLayer.open(repo_root, url, ExecutionSettings(pool_timeout_s=1.0))  # connect timeout: 2 s
    with ThreadPoolExecutor(12) as pool:  # more askers than the pool has connections
        outcomes = list(pool.map(lambda _: error_of(layer), range(24)))
    assert {error.code for error, _ in outcomes} == {"E_DATABASE_UNAVAILABLE"}
    assert max(seconds for _, seconds in outcomes) < 5.0
    assert all("nobody" not in error.message or "127.0.0.1" in error.message for error, _ in outcomes)


def test_a_closed_port_is_unavailable_at_once(repo_root):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        layer = SemanticLayer.open(repo_root, f"postgresql+psycopg://nobody@127.0.0.1:{port}/ledger")
        error, seconds = error_of(layer)
    assert error.code == "E_DATABASE_UNAVAILABLE" and seconds < 1.0


def test_a_file_locked_by_a_writer_is_named_without_path_or_pid(repo_root, tmp_path: Path):
    path = tmp_path / "secret-folder" / "ledger.duckdb"
    path.parent.mkdir()
    url = write_tiny_ledger(path)
    writer = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        error, seconds = error_of(SemanticLayer.open(repo_root, url))
    finally:
        writer.kill()
        writer.wait()
    assert error.code == "E_DATABASE_UNAVAILABLE" and seconds < 2.0
    text = f"{error.message} {error.hint}"
    assert "lock" in text.lower() and "renaming it over" in error.hint
    for secret in ("secret-folder", str(tmp_path), str(writer.pid), "PID", sys.executable, "python"):
        assert secret not in text, f"{secret!r} leaked: {text}"


@pytest.mark.parametrize(("raw", "expected"), [
    ('IO Error: Could not set lock on file "/srv/data/ledger.duckdb": Conflicting lock is held in '
     '/usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org/docs/stable/connect/concurrency',
     'IO Error: Could not set lock on file "<file>": another program holds a conflicting lock.'),
    ("IO Error: Cannot open file '/var/lib/ledger/x.duckdb': No such file or directory",
     "IO Error: Cannot open file '<file>': No such file or directory"),
    ('connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: No such file or directory',
     'connection to server on socket "<file>" failed: No such file or directory'),
    ("could not open /etc/passwd for reading (pid 77)", "could not open <file> for reading"),
    ('connection to server at "127.0.0.1", port 1 failed: Connection refused',
     'connection to server at "127.0.0.1", port 1 failed: Connection refused'),
    ("Binder Error: Referenced column \"amout\" not found", "Binder Error: Referenced column \"amout\" not found"),
    ("Conversion Error: 3 / 0", "Conversion Error: 3 / 0"),
])
def test_sanitize(raw: str, expected: str):
    assert sanitize(raw) == expected
    assert str(os.getpid()) not in sanitize(f"held by PID {os.getpid()}")

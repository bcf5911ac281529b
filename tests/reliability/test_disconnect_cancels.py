"""A client that hangs up stops costing CPU: its question's database work is interrupted.

The question is slow on purpose (a derived entity pairing every opportunity with every other, about
ten CPU-seconds), so without cancellation the server would keep both cores busy for seconds after the
client left. CPU time is the process's own (psutil), measured over a window that starts one second after
the hang-up, when a cancelled query must be gone.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import psutil
import pytest

from semantic.errors import SemanticError
from semantic.question import Question
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import copy_project
from tests.server.live import LiveServer
from tests.server.tiny_ledger import write_tiny_ledger

OPPORTUNITIES = 40_000  # pairs: 1.6e9, about 10 s on two cores
BURNER = """  burner:
    label: Burner
    description: Every opportunity paired with every other; slow on purpose.
    sql: >
      select a.opportunity_id as opportunity_id, count(*) as pairs from opportunities a, opportunities b
      where (a.opportunity_id * 7 + b.opportunity_id * 13) % 1000 = 3 group by a.opportunity_id
    primary_key: opportunity_id
    dimensions:
      opportunity_id: {type: number, label: Opportunity}
    measures:
      burn_pairs: {agg: sum, expr: pairs, label: Pairs}

"""
BURN = """  burn:
    type: simple
    measure: burn_pairs
    label: Burn
    description: Slow on purpose.
    owner: tests
    format: number
"""


def slow_project(tmp_path: Path) -> tuple[Path, str]:
    """The starter project plus the slow metric, over the tiny ledger grown to many opportunities."""
    ledger = tmp_path / "big.duckdb"
    url = write_tiny_ledger(ledger)
    with duckdb.connect(str(ledger)) as conn:
        conn.execute(f"insert into opportunities (opportunity_id, account_id, owner_rep_id, name, amount, "
                     f"is_closed, is_won) select 1000000 + i, 1, 1, 'generated', 1000, false, false "
                     f"from range({OPPORTUNITIES}) t(i)")
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    metrics = project / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("\nmetrics:\n", "\n" + BURNER + "metrics:\n" + BURN, 1))
    return project, url


def cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


@pytest.mark.slow
def test_hanging_up_stops_the_cpu_cost(tmp_path: Path) -> None:
    project, url = slow_project(tmp_path)
    settings = ServerSettings(statement_timeout_s=60, max_periods=20_000, max_cells=1_000_000_000)
    app = create_app(project, url, settings, auth=TokenAuth())
    # control: the question really is long (still running after a second), so a cheap window proves something
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    with pytest.raises(SemanticError) as stopped:
        app.state.served.current.layer.query(Question(metrics=("burn",)), cancel=cancel)
    assert stopped.value.code == "E_QUERY_CANCELLED"
    with LiveServer(app) as live:
        address = urlparse(live.url)
        with socket.create_connection((address.hostname, address.port)) as sock:
            sock.sendall(b"GET /query.json?metrics=burn HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(0.3)
        time.sleep(1.0)
        before = cpu_seconds()
        time.sleep(2.0)
        spent = cpu_seconds() - before
    assert spent < 0.3, f"{spent:.2f} CPU-seconds in 2 s after the client hung up"

"""`semantic serve --workers 2`: both workers answer, and /metrics (whichever worker answers it) adds them up."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.server.conftest import REPO

BATCH = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_workers_answer_and_metrics_add_up(ledger_url: str, tmp_path: Path) -> None:
    port, samples = free_port(), tmp_path / "samples"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(samples), "SEMANTIC_API_TOKENS": "worker-token"}
    server = subprocess.Popen([sys.executable, "-m", "semantic", "serve", "--project", str(REPO), "--database",
                               ledger_url, "--port", str(port), "--workers", "2", "--log-format", "json"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url, auth = f"http://127.0.0.1:{port}", {"authorization": "Bearer worker-token"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the server did not start: " + server.communicate()[1][-2000:])
            time.sleep(0.2)
        query = {"query": "query WorkerCheck { query(metrics: [bookings]) { rows } }"}

        def ask(_: int) -> int:
            return httpx.post(f"{url}/graphql", json=query, headers=auth, timeout=30).status_code

        sent = 0
        with ThreadPoolExecutor(8) as pool:
            while sent < 20 * BATCH:  # the kernel hands connections to whichever worker accepts first
                assert set(pool.map(ask, range(BATCH))) == {200}
                sent += BATCH
                counted_by = {p.name for p in samples.glob("counter_*.db")}  # one file per process that counted
                if len(counted_by) == 2:
                    break
        assert len(counted_by) == 2, f"requests counted by {counted_by}"  # both workers answered some
        for _ in range(4):  # whichever worker answers /metrics counts every worker's requests
            text = httpx.get(f"{url}/metrics", headers=auth, timeout=10).text
            line = re.search(r'^semantic_requests_total\{operation="WorkerCheck",status="200"\} (\S+)$', text, re.M)
            assert line and float(line.group(1)) == sent
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    access = [line for line in stderr.splitlines() if '"semantic.access"' in line and "WorkerCheck" in line]
    assert len(access) == sent and all('"request_id": "' in line for line in access)


def test_bad_jwt_key_file_exits_2(project_dir: Path, ledger_url: str, tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_text("not a key")
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url,
                                      "--jwt-public-key-file", str(tmp_path / "key.pem")])
    assert result.exit_code == 2 and "not a PEM public key" in result.output


def test_bad_log_format_exits_2(project_dir: Path, ledger_url: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url,
                                      "--log-format", "xml"])
    assert result.exit_code == 2 and "json, text" in result.output


def test_serve_environment_round_trip(tmp_path: Path) -> None:
    from server.asgi import ServeEnvironment

    sent = ServeEnvironment(str(tmp_path), "duckdb:///x.duckdb", str(tmp_path / "tokens"), True, "json",
                            {"audience": "api"}, {"max_rows": "50"})
    env = sent.export()
    assert ServeEnvironment.read(env) == ServeEnvironment(str(tmp_path.resolve()), "duckdb:///x.duckdb",
                                                          str((tmp_path / "tokens").resolve()), True, "json")
    assert env["SEMANTIC_JWT_AUDIENCE"] == "api" and env["SEMANTIC_MAX_ROWS"] == "50"

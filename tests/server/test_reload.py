"""--watch under load: a valid change is swapped in atomically, an invalid one is refused and never served."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.live import LiveServer
from tests.server.tiny_ledger import hand_sql

QUERY = {"query": "{ query(metrics: [bookings]) { rows version } }"}
BOOKINGS = "  bookings:\n    type: simple\n"  # the one metric edited (others read won_amount too)
VALID = (BOOKINGS + "    measure: won_amount\n", BOOKINGS + "    measure: won_amount\n    filter: amount >= 1000\n")
INVALID = (BOOKINGS + "    measure: won_amount\n", BOOKINGS + "    measure: won_amountz\n")


def replace_text(path: Path, old: str, new: str) -> None:
    """Edit the way editors save: write a temporary file, then rename it over the original."""
    text = path.read_text()
    assert text.count(old) == 1
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text.replace(old, new))
    os.replace(temporary, path)


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_reload_under_concurrent_requests(project_dir: Path, ledger_url: str) -> None:
    all_won = float(hand_sql(ledger_url, "select sum(amount) from opportunities where is_won")[0][0])
    big_won = float(hand_sql(ledger_url, "select sum(amount) from opportunities where is_won and amount >= 1000")[0][0])
    assert all_won != big_won
    app = create_app(project_dir, ledger_url, ServerSettings(reload_interval_s=0.05), auth=TokenAuth(), watch=True)
    seen: list[tuple[int, str | None, object, object]] = []
    stop = threading.Event()

    def client(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while not stop.is_set():
                response = http.post("/graphql", json=QUERY)
                body = response.json()
                answer = (body.get("data") or {}).get("query") or {}
                seen.append((response.status_code, answer.get("version"), answer.get("rows"),
                             body.get("errors") or body["extensions"]["version"] != answer.get("version")))

    with LiveServer(app) as live, httpx.Client(base_url=live.url) as http:
        first = http.get("/health").json()["version"]
        threads = [threading.Thread(target=client, args=(live.url,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.7)
        replace_text(project_dir / "metrics.yaml", *VALID)
        wait_for(lambda: http.get("/health").json()["version"] != first)
        second = http.get("/health").json()["version"]
        time.sleep(0.7)
        replace_text(project_dir / "metrics.yaml", VALID[1], INVALID[1] + "    filter: amount >= 1000\n")
        wait_for(lambda: http.get("/health").json()["last_reload_error"] is not None)
        time.sleep(0.7)
        stop.set()
        for thread in threads:
            thread.join()
        health = http.get("/health").json()
        details = http.get("/health/reload").json()

    expected = {first: all_won, second: big_won}
    assert len(seen) > 50
    assert all(status == 200 and problem is False for status, _, _, problem in seen), seen[:3]
    assert {version for _, version, _, _ in seen} == {first, second}  # the invalid change never served
    for _, version, rows, _ in seen:
        assert rows == [{"bookings": expected[version]}], (version, rows)  # numbers match their version
    assert health["version"] == second and health["reloads"] == 1
    issues = details["last_reload_error"]["issues"]
    assert health["last_reload_error"]["issue_count"] == len(issues) and "issues" not in health["last_reload_error"]
    assert "won_amountz" not in str(health)  # the open route names no measure
    assert issues[0].startswith("metrics.yaml:") and "won_amountz" in issues[0]

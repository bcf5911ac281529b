"""`--watch` under load while a slow writer rewrites the definitions in pieces: nothing partial is served.

32 clients ask questions without pause while a writer, 20 times, rewrites definitions/extra.yaml in place
in four pieces with pauses longer than the poll interval (but shorter than reload_settle_s). The pieces end
at metric boundaries, so every partial file is valid YAML and a valid project that merely lacks the metrics
still to come: only the settle window can keep it from being served. Every response must succeed, name one
version in the body and the header, and that version must be the content hash of a complete file: the
initial one or one of the 20 the writer finished. The last metric is bookings times the cycle's number, so every
answer's numbers must also be those of the version it names (answers are cached per definitions version: an
entry of another version would show here), and the data headers must match the body's data version.
"""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from semantic.definitions import require_valid
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import copy_project, ledger_url  # noqa: F401 - fixture
from tests.server.live import LiveServer

CLIENTS = 32
CYCLES = 20
PIECES = ("a", "b", "c", "d")  # one metric per piece; the clients ask for the last one
PAUSE_S = 0.15  # > reload_interval_s, < reload_settle_s
# a slot per client: this test is about reload; E_SERVER_BUSY under CPU contention is tested elsewhere
SETTINGS = ServerSettings(reload_interval_s=0.05, reload_settle_s=0.5, max_concurrent_queries=CLIENTS,
                          queue_timeout_s=30)
QUESTION = {"query": "{ query(metrics: [bookings, extra_d]) { rows version dataVersion } metrics { name } }"}
TINY_BOOKINGS = 1000.5 + 2000 + 700  # the tiny ledger's three won deals


def extra_pieces(cycle: int) -> list[str]:
    """definitions/extra.yaml of one cycle, as the pieces the writer writes (each ends a metric)."""
    header = f"# edit {cycle}\nmetrics:\n"
    kind = {name: "type: simple\n    measure: won_amount" for name in PIECES}
    kind["d"] = f"type: derived\n    expr: bookings * {cycle + 1}"  # its number tells the cycle
    return [(header if name == "a" else "") +
            f"  extra_{name}:\n    {kind[name]}\n    label: Extra {name}\n"
            f"    description: Written in cycle {cycle}.\n    owner: tests\n    format: currency\n"
            for name in PIECES]


def complete_versions(project_dir: Path, scratch: Path) -> list[str]:
    """The content hash of each cycle's complete project, from the library's loader on a scratch copy."""
    shutil.copytree(project_dir, scratch)
    out = []
    for cycle in range(CYCLES + 1):
        (scratch / "definitions" / "extra.yaml").write_text("".join(extra_pieces(cycle)))
        out.append(require_valid(scratch).version)
    return out


def write_slowly(path: Path, pieces: list[str]) -> None:
    """Rewrite in place (truncate, then pieces with pauses): the non-atomic way a careless writer works."""
    with path.open("w") as handle:
        for piece in pieces:
            handle.write(piece)
            handle.flush()
            time.sleep(PAUSE_S)


@pytest.mark.slow
def test_slow_writers_never_get_partial_files_served(tmp_path: Path, ledger_url: str) -> None:  # noqa: F811
    project = copy_project(tmp_path)
    extra = project / "definitions" / "extra.yaml"
    extra.parent.mkdir()
    extra.write_text("".join(extra_pieces(0)))
    versions = complete_versions(project, tmp_path / "scratch")
    allowed = set(versions)
    multiple = {version: cycle + 1 for cycle, version in enumerate(versions)}
    assert len(allowed) == CYCLES + 1
    app = create_app(project, ledger_url, SETTINGS, auth=TokenAuth(), watch=True)
    cache = app.state.served.current.layer.result_cache  # one per database: it outlives every reload
    hits_before = cache.stats().hits
    results: list[tuple[int, object, object, object, object, object]] = []
    stop = threading.Event()

    def client(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while not stop.is_set():
                response = http.post("/graphql", json=QUESTION)
                body = response.json() if response.status_code == 200 else {}
                answer = (body.get("data") or {}).get("query") or {}
                results.append((response.status_code, body.get("errors"), answer.get("version"),
                                (body.get("extensions") or {}).get("version"), answer.get("rows"),
                                (answer.get("dataVersion"), response.headers.get("X-Semantic-Data-Version"))))

    started = time.monotonic()
    with LiveServer(app) as live, httpx.Client(base_url=live.url) as http:
        threads = [threading.Thread(target=client, args=(live.url,)) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        loaded = 0
        for cycle, version in enumerate(versions[1:], start=1):
            write_slowly(extra, extra_pieces(cycle))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and http.get("/health").json()["version"] != version:
                time.sleep(0.05)
            loaded += http.get("/health").json()["version"] == version
        stop.set()
        for thread in threads:
            thread.join()
        health = http.get("/health").json()
    elapsed = time.monotonic() - started
    failed = [r for r in results if r[0] != 200 or r[1]]
    mixed = [r for r in results if r[2] != r[3]]
    wrong_numbers = [r for r in results if r[4] != [{"bookings": TINY_BOOKINGS,
                                                     "extra_d": TINY_BOOKINGS * multiple.get(r[2], 0)}]]
    wrong_data = [r for r in results if r[5][0] is None or r[5][0] != r[5][1]]
    served = {r[2] for r in results}
    hits = cache.stats().hits - hits_before
    print(f"{len(results)} responses, {len(served)} versions served, {hits} from the cache, {elapsed:.1f} s")
    assert len(results) > 500
    assert failed == [], failed[:3]
    assert mixed == []
    assert wrong_numbers == [], wrong_numbers[:3]
    assert wrong_data == [], wrong_data[:3]
    assert hits > len(results) // 2  # most answers came from the cache, and none from another version's entry
    assert served <= allowed, served - allowed  # no partial file was ever served
    assert loaded == CYCLES and health["reloads"] == CYCLES  # each complete file once, nothing else
    assert elapsed < 90

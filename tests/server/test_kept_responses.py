"""Responses asked for again are sent from the bytes kept for them, never across a definitions version, a data
version, a day or a caller. Numbers are the tiny ledger's hand counts (tests/execution/test_data_version.py)."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from starlette.testclient import TestClient

from server.app import create_app
from server.auth import TokenAuth
from server.kept_responses import KeptResponse, operation_kind
from server.settings import ServerSettings
from server.state import build_served
from tests.execution.test_data_version import TINY_BOOKINGS, refreshed_ledger
from tests.server.conftest import REPO, data, post
from tests.server.tiny_ledger import write_tiny_ledger

LABEL = "{ metric(name: win_rate) { label } }"
BOOKINGS = "query B($limit: Int) { query(metrics: [bookings], limit: $limit) { rows dataVersion } }"
PROBE_S = 0.3


def fresh_app(*args, **kwargs):
    """An app whose database's result cache starts empty (the cache is shared by every app on a URL)."""
    app = create_app(*args, **kwargs)
    app.state.served.current.layer.result_cache.clear()
    return app


def kept_count(app) -> int:
    cache = app.state.served.current.layer.result_cache
    return sum(isinstance(value, KeptResponse) for value, _ in cache._entries.values())


def hits(app) -> int:
    return app.state.served.current.layer.result_cache.stats().hits


def test_keepable_operations_are_recognised() -> None:
    assert operation_kind("query Cat { metrics { name } version { stamp } }", None, 2000) == ("catalogue", "Cat")
    assert operation_kind("{ metrics { name } query(metrics: [bookings]) { rows } }", None, 2000)[0] == "question"
    assert operation_kind("{ funnel(name: lead_to_win) { rows } }", None, 2000)[0] == "question"
    assert operation_kind("{ metric(name: win_rate) { history { commit } } }", None, 2000)[0] is None
    assert operation_kind("{ metric(name: win_rate) { ...F } } fragment F on Metric { history { commit } }",
                          None, 2000)[0] is None
    assert operation_kind("{ __schema { types { name } } }", None, 2000)[0] is None
    assert operation_kind("{ metrics { name }", None, 2000)[0] is None  # a syntax error: run, to report it
    assert operation_kind("query A { version { stamp } } query B { stages { name } }", None, 2000)[0] is None
    assert operation_kind("query A { version { stamp } } query B { stages { name } }", "B", 2000) == ("catalogue", "B")


def test_a_reload_is_never_answered_from_the_old_version(project_dir: Path, ledger_url: str) -> None:
    app = fresh_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
    assert data(post(app, LABEL))["metric"]["label"] == "Win rate (deals)"
    assert data(post(app, LABEL))["metric"]["label"] == "Win rate (deals)"
    assert kept_count(app) == 1
    metrics = project_dir / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("label: Win rate (deals)", "label: Deal win rate", 1))
    app.state.served.swap(build_served(project_dir, ledger_url, ServerSettings()))
    assert data(post(app, LABEL))["metric"]["label"] == "Deal win rate"


def test_callers_do_not_share_kept_answers(project_dir: Path, ledger_url: str, tmp_path: Path) -> None:
    shutil.copy(REPO / "policies.yaml", project_dir / "policies.yaml")  # the starter's roles: rep among them
    (tmp_path / "tokens").write_text("rep-token roles=rep claims.region=EMEA\nadmin-token\n")
    app = fresh_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth.load(tmp_path / "tokens", environ={}))
    for token in ("rep-token", "admin-token", "rep-token"):
        assert data(post(app, LABEL, headers={"authorization": f"Bearer {token}"}))["metric"]["label"]
    assert kept_count(app) == 2  # one per access context
    for token in ("rep-token", "admin-token", "rep-token", "admin-token"):
        post(app, BOOKINGS, headers={"authorization": f"Bearer {token}"})
    assert kept_count(app) == 4


def test_answers_with_errors_are_not_kept(project_dir: Path, ledger_url: str) -> None:
    app = fresh_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
    post(app, "{ metric(name: win_rat) { label } }")
    post(app, "{ query(metrics: [bookings], dimensions: [\"account.nope\"]) { rows } }")
    assert kept_count(app) == 0


def test_a_question_is_sent_again_from_its_bytes_until_the_data_moves(project_dir: Path, tmp_path: Path) -> None:
    """A refresh replacing the ledger (one more won deal of 99) is seen within the probe interval."""
    path = tmp_path / "ledger.duckdb"
    app = fresh_app(project_dir, write_tiny_ledger(path), ServerSettings(data_probe_interval_s=PROBE_S),
                     auth=TokenAuth())
    first = post(app, BOOKINGS, {"limit": 10})
    assert data(first)["query"]["rows"] == [{"bookings": TINY_BOOKINGS}] and kept_count(app) == 1
    before = hits(app)
    again = post(app, BOOKINGS, {"limit": 10})
    assert again.content == first.content and hits(app) == before + 1  # the kept bytes, counted as a hit
    for header in ("x-semantic-version", "x-semantic-data-version", "x-semantic-data-freshness"):
        assert again.headers[header] == first.headers[header]
    assert data(post(app, BOOKINGS, {"limit": 11}))["query"]["rows"] == [{"bookings": TINY_BOOKINGS}]
    assert kept_count(app) == 2  # other variables: another response

    refreshed_ledger(path)
    time.sleep(PROBE_S + 0.1)
    after = post(app, BOOKINGS, {"limit": 10})
    assert data(after)["query"]["rows"] == [{"bookings": TINY_BOOKINGS + 99}]
    assert after.headers["x-semantic-data-version"] != first.headers["x-semantic-data-version"]
    assert data(post(app, BOOKINGS, {"limit": 10}))["query"]["rows"] == [{"bookings": TINY_BOOKINGS + 99}]


def test_without_a_result_cache_nothing_is_kept(project_dir: Path, ledger_url: str) -> None:
    app = fresh_app(project_dir, ledger_url, ServerSettings(result_cache_mb=0), auth=TokenAuth())
    for _ in range(2):
        assert data(post(app, BOOKINGS))["query"]["rows"] == [{"bookings": TINY_BOOKINGS}]
        assert data(post(app, LABEL))["metric"]["label"] == "Win rate (deals)"
    assert kept_count(app) == 0


def test_the_catalog_page_shows_a_signed_in_role_only_what_it_may_see(project_dir: Path, ledger_url: str,
                                                                      tmp_path: Path) -> None:
    """The page sits outside the API's middleware: it must identify the token (header or sign-in cookie)
    itself, or a restricted token would see every metric."""
    shutil.copy(REPO / "policies.yaml", project_dir / "policies.yaml")
    (tmp_path / "tokens").write_text("agency-token roles=agency\nadmin-token\n")
    app = fresh_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth.load(tmp_path / "tokens", environ={}))
    with TestClient(app) as client:
        agency = client.get("/catalog", headers={"authorization": "Bearer agency-token"}).text
        assert 'id="metric-activities"' in agency and 'id="metric-bookings"' not in agency
        client.post("/catalog/session", data={"token": "agency-token"}, follow_redirects=False)
        assert 'id="metric-bookings"' not in client.get("/catalog").text
    with TestClient(app) as client:
        assert 'id="metric-bookings"' in client.get("/catalog", headers={"authorization": "Bearer admin-token"}).text
        assert client.get("/catalog", headers={"authorization": "Bearer nope"}).status_code == 401

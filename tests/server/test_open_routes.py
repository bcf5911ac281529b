"""What the open routes tell, and what error messages leave out: nothing about definitions or the server."""
from __future__ import annotations

from pathlib import Path

import pytest

from semantic.errors import SemanticError
from server.app import create_app
from server.auth import TokenAuth, token_digest
from server.settings import ServerSettings
from tests.server.conftest import REPO, get, post

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def guarded(project_dir: Path, ledger_url: str):
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth(frozenset({token_digest(TOKEN)})))
    app.state.served.refuse(["metrics.yaml:12:5: error[E_UNKNOWN_MEASURE] metric 'bookings' names measure "
                             "'won_amountz'"])
    return app


def test_health_counts_reload_errors_without_naming_anything(guarded) -> None:
    health = get(guarded, "/health")
    assert health.status_code == 200
    assert health.json()["last_reload_error"]["issue_count"] == 1
    assert "won_amountz" not in health.text and "bookings" not in health.text and "metrics.yaml" not in health.text


def test_reload_details_need_the_token(guarded) -> None:
    assert get(guarded, "/health/reload").status_code == 401
    details = get(guarded, "/health/reload", headers=AUTH)
    assert details.status_code == 200
    assert details.json()["last_reload_error"]["issues"][0].endswith("names measure 'won_amountz'")


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_no_openapi_description(guarded, path: str) -> None:
    assert get(guarded, path).status_code == 404
    assert get(guarded, path, headers=AUTH).status_code == 404


def test_ready_when_the_database_answers(app) -> None:
    response = get(app, "/ready")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_not_ready_says_so_with_a_code_and_no_path(tmp_path: Path) -> None:
    missing = tmp_path / "secret-place" / "gone.duckdb"
    down = create_app(REPO, f"duckdb:///{missing}", ServerSettings(), auth=TokenAuth())
    response = get(down, "/ready")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    first = response.json()["errors"][0]
    assert first["extensions"]["code"] == "E_DATABASE_UNAVAILABLE"
    assert "secret-place" not in response.text and str(tmp_path) not in response.text


DRIVER_TEXT = ('IO Error: Could not set lock on file "/srv/ledgers/prod.duckdb": Conflicting lock is held in '
               "/usr/bin/python3.11 (PID 4242)")


def test_database_errors_reach_clients_without_paths_or_pids(app) -> None:
    layer = app.state.served.current.layer

    def failing(question, **_):
        raise SemanticError("E_QUERY_FAILED", f"the database refused the query: {DRIVER_TEXT}", "check it")

    layer.query = failing
    try:
        plain = get(app, "/query.json?metrics=bookings")
        graphql = post(app, "{ refused: query(metrics: [bookings]) { rows } }")  # asked nowhere else: not kept
    finally:
        del layer.query  # the session app is shared: back to the real method
    for text in (plain.text, graphql.text):
        assert "/srv/ledgers" not in text and "/usr/bin" not in text and "4242" not in text, text
        assert "conflicting lock" in text.lower() and "E_QUERY_FAILED" in text
    assert plain.status_code == 502

"""Catalogue-only operations are answered from the answer kept for their definitions version and caller."""
from __future__ import annotations

import shutil
from pathlib import Path

from starlette.testclient import TestClient

from server.app import create_app
from server.auth import TokenAuth
from server.catalogue_answers import answers_of, catalogue_operation
from server.settings import ServerSettings
from server.state import build_served
from tests.server.conftest import REPO, data, post

LABEL = "{ metric(name: win_rate) { label } }"


def kept_count(app) -> int:
    return len(answers_of(app.state.served.current.layer.definitions)._entries)


def test_catalogue_only_operations_are_recognised() -> None:
    assert catalogue_operation("query Cat { metrics { name } version { stamp } }", None, 2000) == (True, "Cat")
    assert catalogue_operation("{ metrics { name } query(metrics: [bookings]) { rows } }", None, 2000)[0] is False
    assert catalogue_operation("{ metric(name: win_rate) { history { commit } } }", None, 2000)[0] is False
    assert catalogue_operation("{ metric(name: win_rate) { ...F } } fragment F on Metric { history { commit } }",
                               None, 2000)[0] is False
    assert catalogue_operation("{ metrics { name }", None, 2000)[0] is False  # a syntax error: run, to report it


def test_a_reload_is_never_answered_from_the_old_version(project_dir: Path, ledger_url: str) -> None:
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
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
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth.load(tmp_path / "tokens", environ={}))
    for token in ("rep-token", "admin-token", "rep-token"):
        assert data(post(app, LABEL, headers={"authorization": f"Bearer {token}"}))["metric"]["label"]
    assert kept_count(app) == 2  # one per access context


def test_answers_with_errors_and_questions_are_not_kept(project_dir: Path, ledger_url: str) -> None:
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
    post(app, "{ metric(name: win_rat) { label } }")
    post(app, "{ query(metrics: [bookings]) { rows } }")
    assert kept_count(app) == 0


def test_the_catalog_page_shows_a_signed_in_role_only_what_it_may_see(project_dir: Path, ledger_url: str,
                                                                      tmp_path: Path) -> None:
    """The page sits outside the API's middleware: it must identify the token (header or sign-in cookie)
    itself, or a restricted token would see every metric."""
    shutil.copy(REPO / "policies.yaml", project_dir / "policies.yaml")
    (tmp_path / "tokens").write_text("agency-token roles=agency\nadmin-token\n")
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth.load(tmp_path / "tokens", environ={}))
    with TestClient(app) as client:
        agency = client.get("/catalog", headers={"authorization": "Bearer agency-token"}).text
        assert 'id="metric-activities"' in agency and 'id="metric-bookings"' not in agency
        client.post("/catalog/session", data={"token": "agency-token"}, follow_redirects=False)
        assert 'id="metric-bookings"' not in client.get("/catalog").text
    with TestClient(app) as client:
        assert 'id="metric-bookings"' in client.get("/catalog", headers={"authorization": "Bearer admin-token"}).text
        assert client.get("/catalog", headers={"authorization": "Bearer nope"}).status_code == 401

"""The starter definitions plus tests/access/policies.yaml, over the hand-made small ledger on both databases."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from semantic.access import Caller
from semantic.layer import ExecutionSettings, SemanticLayer
from tests.correctness.conftest import TODAY
from tests.fixtures.ledger_small import load_ledger
from tests.support.postgres import fresh_database

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICIES = Path(__file__).with_name("policies.yaml")


def project_with_policies(target: Path, policies: str | None = None) -> Path:
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(REPO_ROOT / name, target / name)
    (target / "policies.yaml").write_text(policies if policies is not None else POLICIES.read_text())
    return target


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """tests/fixtures/ledger_small.py in DuckDB and in PostgreSQL (a database of its own)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('access_ledger_small') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "access_ledger_small")
    load_ledger(url)
    return url


@pytest.fixture(scope="session")
def policy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_with_policies(tmp_path_factory.mktemp("policy_project"))


@pytest.fixture(scope="session")
def layer(ledger_url: str, policy_project: Path) -> SemanticLayer:
    return SemanticLayer.open(policy_project, ledger_url, ExecutionSettings(today=TODAY))


def rep(region: str = "NA") -> Caller:
    return Caller("ada", frozenset({"rep"}), {"region": region})

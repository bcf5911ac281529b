"""The hand-made ledger loaded into DuckDB and PostgreSQL, and a layer over each, for the correctness suite.

Every test that asks for `layer` runs once per database; the numbers it expects must hold on both.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import generate, write_ledger
from tests.correctness import conversion_ledger
from tests.fixtures.history_small import TODAY as HISTORY_TODAY
from tests.fixtures.history_small import load_history_ledger
from tests.fixtures.stage_spells_ledger import TODAY as SPELLS_TODAY
from tests.fixtures.stage_spells_ledger import load_spells_ledger
from tests.fixtures.ledger_small import load_ledger
from tests.support.parquet_ledgers import spark_ledger
from tests.support.postgres import fresh_database

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 11, 15)
DEMO_TODAY = date(2025, 6, 30)
PG_DATABASE = "correctness_ledger_small"


# Spark answers a question in about a second on a local server, so it runs the modules listed here (the
# starter metrics' totals against hand counts and hand-written SQL); the others keep to DuckDB and PostgreSQL.
SPARK_MODULES = frozenset({"test_totals.py"})


@pytest.fixture(scope="session", params=["duckdb", "postgresql", pytest.param("spark", marks=pytest.mark.spark)])
def ledger_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a database holding tests/fixtures/ledger_small.py (one per backend; on Spark, tables over the
    ledger written to Parquet)."""
    if request.param == "spark":
        return spark_ledger(request.getfixturevalue("spark_url"), load_ledger, "ledger_small",
                            tmp_path_factory.mktemp("ledger_small_spark"))
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('ledger_small') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), PG_DATABASE)
    load_ledger(url)
    return url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the Spark runs of the modules not in SPARK_MODULES."""
    keep, drop = [], []
    for item in items:
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("ledger_url")
        (drop if engine == "spark" and item.path.name not in SPARK_MODULES else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def conversion_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLAlchemy URL of a database holding tests/correctness/conversion_ledger.py (one per backend)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('conversion') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_conversion")
    conversion_ledger.load(url)
    return url


@pytest.fixture(scope="session")
def layer(ledger_url: str) -> SemanticLayer:
    """The starter project (calendar fiscal year) over the small ledger, with today fixed to 2025-11-15."""
    return SemanticLayer.open(REPO_ROOT, ledger_url, ExecutionSettings(today=TODAY))


@pytest.fixture(scope="session")
def fiscal_layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """The starter project copied with `fiscal_year_start_month: 2` (fiscal year Feb..Jan)."""
    project = tmp_path_factory.mktemp("fiscal_feb_project")
    shutil.copy(REPO_ROOT / "glossary.yaml", project / "glossary.yaml")
    text = (REPO_ROOT / "metrics.yaml").read_text()
    assert "fiscal_year_start_month: 1\n" in text
    (project / "metrics.yaml").write_text(text.replace("fiscal_year_start_month: 1\n", "fiscal_year_start_month: 2\n"))
    return SemanticLayer.open(project, ledger_url, ExecutionSettings(today=TODAY))


def layer_with(extra_yaml: str, ledger_url: str, tmp_path_factory: pytest.TempPathFactory,
               today: date = TODAY) -> SemanticLayer:
    """The starter project plus one more definitions file (definitions/extra.yaml) over the small ledger."""
    project = tmp_path_factory.mktemp("extended_project")
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(REPO_ROOT / name, project / name)
    (project / "definitions").mkdir()
    (project / "definitions" / "extra.yaml").write_text(extra_yaml, encoding="utf-8")
    return SemanticLayer.open(project, ledger_url, ExecutionSettings(today=today))


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLAlchemy URL of a database holding tests/fixtures/history_small.py (the as-of tests; one per backend)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('history_small') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_history_small")
    load_history_ledger(url)
    return url


@pytest.fixture(scope="session")
def history_layer(history_url: str) -> SemanticLayer:
    """The starter project over the hand-made stage history, today 2026-01-15."""
    return SemanticLayer.open(REPO_ROOT, history_url, ExecutionSettings(today=HISTORY_TODAY))


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def spells_layer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """The starter project over tests/fixtures/stage_spells_ledger.py (stage spells and hygiene), today
    2025-04-15."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('spells_ledger') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_spells_ledger")
    load_spells_ledger(url)
    return SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=SPELLS_TODAY))


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def demo_layer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """A small demo ledger (about 100 deals, as of 2025-06-30, today then) on each engine."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('demo_small') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_demo_small")
    write_ledger(url, generate(scale=0.05, seed=11, as_of=DEMO_TODAY))
    return SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=DEMO_TODAY))

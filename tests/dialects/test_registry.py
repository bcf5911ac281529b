"""The registry of dialects: one module each, names and aliases, coded errors, and no dialect branches
left in the modules that use the facts."""
from __future__ import annotations

import dataclasses
import re
from importlib import import_module
from pathlib import Path

import pytest

import semantic.dialects as registry
from semantic.dialects import DIALECTS, dialect_for, facts, facts_of, normalize
from semantic.errors import SemanticError

ROOT = Path(__file__).resolve().parents[2]
# where dialect knowledge used to be spread as branches; only semantic/dialects/ may name a dialect now
USERS = ["semantic/sql", "semantic/execute.py", "semantic/engines.py", "semantic/keys", "semantic/freshness.py",
         "semantic/budget.py", "semantic/link", "semantic/ingest", "semantic/ledger", "semantic/cli",
         "semantic/definitions/rules", "server"]
NAMES = "duckdb|postgresql|postgres|snowflake|bigquery|trino|spark|databricks"
BRANCH = re.compile(rf"""(==|!=|\bin)\s*[\(\[{{]?\s*["']({NAMES})["']""")


@pytest.mark.parametrize("module", registry.MODULES)
def test_each_module_names_its_facts_and_builds_its_sqlalchemy_dialect(module: str) -> None:
    found = import_module(f"semantic.dialects.{module}").FACTS
    assert found.name == module and found is facts(module)
    assert facts_of(found.sqlalchemy_names[0]) is found
    assert dialect_for(module).name in found.sqlalchemy_names  # the compiler dispatches on this name


def test_aliases_and_case_resolve() -> None:
    assert normalize("PG") == "postgresql" and normalize("postgres") == "postgresql"
    assert normalize("BigQuery") == "bigquery"
    assert facts_of("mysql") is None


def test_an_unknown_dialect_is_a_coded_error_listing_the_known_ones() -> None:
    with pytest.raises(SemanticError) as caught:
        facts("oracle")
    assert caught.value.code == "E_UNKNOWN_DIALECT"
    assert all(name in caught.value.hint for name in DIALECTS)


def test_a_missing_driver_is_a_coded_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'snowflake'")

    monkeypatch.setitem(registry._REGISTRY, "snowflake", dataclasses.replace(facts("snowflake"), sqlalchemy=missing))
    dialect_for.cache_clear()
    try:
        with pytest.raises(SemanticError) as caught:
            dialect_for("snowflake")
    finally:
        dialect_for.cache_clear()
    assert caught.value.code == "E_DIALECT_UNAVAILABLE"
    assert "warehouses" in caught.value.hint


def test_no_module_using_the_facts_branches_on_a_dialect_name() -> None:
    files = [p for u in USERS for p in ((ROOT / u).rglob("*.py") if (ROOT / u).is_dir() else [ROOT / u])]
    assert len(files) > 30
    branches = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
                for n, line in enumerate(p.read_text().splitlines(), 1) if BRANCH.search(line)]
    assert branches == []

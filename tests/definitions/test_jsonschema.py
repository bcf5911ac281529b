"""The committed JSON Schema is the generated one, accepts the starter files and rejects schema errors."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from semantic.definitions.jsonschema import COMMITTED_PATH, definitions_schema, schema_text
from tests.definitions.cases import FIXTURES, SCHEMA_CASES


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = definitions_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_up_to_date(repo_root: Path) -> None:
    committed = (repo_root / COMMITTED_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), f"{COMMITTED_PATH} is stale: run `make schema` and commit it"


@pytest.mark.parametrize("name", ["glossary.yaml", "metrics.yaml", "linking.yaml"])
def test_schema_accepts_the_starter_files(repo_root: Path, validator, name: str) -> None:
    data = yaml.safe_load((repo_root / name).read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_schema_rejects_schema_error_fixtures(validator, case: str) -> None:
    files = sorted((FIXTURES / case).rglob("*.yaml"))
    errors = [e for f in files for e in validator.iter_errors(yaml.safe_load(f.read_text(encoding="utf-8")))]
    assert errors, f"the JSON Schema accepts {case}, which the loader rejects"


def test_schema_carries_descriptions_for_editors() -> None:
    schema = definitions_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$id"] and schema["title"]
    assert "description" in schema["$defs"]["Measure"]["properties"]["filter"]
    assert json.loads(schema_text()) == schema

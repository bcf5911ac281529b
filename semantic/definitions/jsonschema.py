"""The JSON Schema of a definitions file, generated from the pydantic models so it can never drift.

Editors (VS Code / any yaml-language-server client) read the committed copy in schema/ through the
`# yaml-language-server: $schema=...` header of each file, giving autocompletion and the field
descriptions as hover help; a test keeps the committed copy equal to what this module generates.
"""
from __future__ import annotations

import json
from typing import Any

from semantic.definitions.models import DefinitionsFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:revenue-semantic-layer:schema:semantic.schema.json"
COMMITTED_PATH = "schema/semantic.schema.json"


def definitions_schema() -> dict[str, Any]:
    """The schema of glossary.yaml, metrics.yaml and definitions/*.yaml (they share one shape)."""
    body = DefinitionsFile.model_json_schema()
    header = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Revenue semantic layer definitions",
        "description": "Terms, stages, calendar, entities, metrics and saved queries of the revenue semantic "
                       "layer. One file may hold any of these sections; see docs/definitions.md.",
    }
    body.pop("title", None)
    body.pop("description", None)
    return {**header, **body}


def schema_text() -> str:
    """The schema as committed: stable key order, two-space indent, trailing newline."""
    return json.dumps(definitions_schema(), indent=2, ensure_ascii=False) + "\n"

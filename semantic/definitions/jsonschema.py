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
    body = _close_name_maps(DefinitionsFile.model_json_schema())
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


def _close_name_maps(node: Any) -> Any:
    """pydantic describes `dict[Name, X]` with patternProperties only, which lets any other key through;
    closing those maps makes editors flag an invalid item name just like the loader does."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_name_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_name_maps(value)
    return node


def schema_text() -> str:
    """The schema as committed: stable key order, two-space indent, trailing newline."""
    return json.dumps(definitions_schema(), indent=2, ensure_ascii=False) + "\n"

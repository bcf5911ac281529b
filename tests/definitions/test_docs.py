"""docs/definitions.md documents every code the definitions code can emit, so the docs never fall behind."""
from __future__ import annotations

from pathlib import Path

from tests.definitions.test_fixtures import emitted_codes


def test_every_code_is_documented(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "definitions.md").read_text(encoding="utf-8")
    missing = sorted(code for code in emitted_codes() if f"`{code}`" not in docs)
    assert not missing, f"document these codes in the table of docs/definitions.md: {missing}"


def test_docs_cover_every_section_and_metric_type(repo_root: Path) -> None:
    from semantic.definitions.models import METRIC_TYPES, PLANNED_METRIC_TYPES, DefinitionsFile

    docs = (repo_root / "docs" / "definitions.md").read_text(encoding="utf-8")
    for word in [*DefinitionsFile.model_fields, *METRIC_TYPES, *PLANNED_METRIC_TYPES]:
        assert word in docs, word

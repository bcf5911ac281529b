"""Shared helpers for the definitions tests: where the invalid-project fixtures live and how to read them."""
from __future__ import annotations

from pathlib import Path

from semantic.errors import Issue

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"
# Fixtures whose problems are schema problems: the JSON Schema editors use must reject them too.
SCHEMA_CASES = ("file_shape", "invalid_name", "metric_type", "missing_field", "unknown_key", "yaml_merge",
                "version_unsupported", "stage_hygiene")


def issue_line(issue: Issue) -> str:
    """The `file:line:col CODE` form expected.txt uses (`- CODE` for an issue without a place)."""
    pos = issue.position
    return f"{pos.file}:{pos.line}:{pos.col} {issue.code}" if pos else f"- {issue.code}"


def expected_lines(case: Path) -> list[str]:
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def fixture_cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / "expected.txt").is_file())

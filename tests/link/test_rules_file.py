"""linking.yaml: loaded with the project, part of its version, validated with file:line:col positions."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from semantic.definitions import load_project
from semantic.definitions.linking_models import PERSONAL_DOMAINS

REPO = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path, linking: str | None) -> Path:
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(REPO / name, tmp_path / name)
    if linking is not None:
        (tmp_path / "linking.yaml").write_text(linking, encoding="utf-8")
    return tmp_path


def _issues(tmp_path: Path, linking: str) -> list[tuple[str, str, str]]:
    loaded = load_project(_project(tmp_path, linking))
    return [(i.code, str(i.position), i.message) for i in loaded.errors]


def test_the_starter_rules_load_with_the_demo_domain_and_defaults() -> None:
    loaded = load_project(REPO)
    assert loaded.errors == ()
    rules = loaded.definitions.linking
    assert rules is not None and rules.internal_domains == ("northpeak.example",)
    assert rules.personal_domains == PERSONAL_DOMAINS and "gmail.com" in rules.personal_domains
    assert (rules.opportunity.window_days, rules.opportunity.max_deals, rules.link_cancelled) == (14, 1, False)
    assert "linking.yaml" in loaded.definitions.files


def test_a_project_without_linking_rules_has_none(tmp_path: Path) -> None:
    assert load_project(_project(tmp_path, None)).definitions.linking is None


def test_the_rules_are_part_of_the_definitions_version(tmp_path: Path) -> None:
    first = load_project(_project(tmp_path, "linking: {internal_domains: [a.example]}\n")).definitions.version
    second = load_project(_project(tmp_path, "linking: {internal_domains: [b.example]}\n")).definitions.version
    assert first != second


@pytest.mark.parametrize("text, code, position, words", [
    ("linking:\n  internal_domains: [a.example]\n  colour: red\n", "E_UNKNOWN_KEY", "linking.yaml:3:3", "colour"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity: {windw_days: 3}\n", "E_UNKNOWN_KEY",
     "linking.yaml:3:17", "windw_days"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity:\n    window_days: -3\n", "E_INVALID_VALUE",
     "linking.yaml:4:18", "greater than or equal to 0"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity:\n    window_days: 400\n", "E_INVALID_VALUE",
     "linking.yaml:4:18", "less than or equal to 365"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity:\n    window_days: two weeks\n", "E_INVALID_VALUE",
     "linking.yaml:4:18", "integer"),
    ("linking:\n  internal_domains: [a.example, 'https://b.example/']\n", "E_INVALID_VALUE", "linking.yaml:2:33",
     "not a lower-case domain"),
    ("linking:\n  internal_domains: [A.example]\n", "E_INVALID_VALUE", "linking.yaml:2:22", "not a lower-case domain"),
    ("linking:\n  internal_domains: [a.example]\n  personal_domains: [gmail.com, me@x.com]\n", "E_INVALID_VALUE",
     "linking.yaml:3:33", "not a lower-case domain"),
    ("linking:\n  internal_domains: [gmail.com]\n", "E_INVALID_VALUE", "linking.yaml:2:3",
     "both internal and personal"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity: {tie_break: [owner, owner]}\n", "E_INVALID_VALUE",
     "linking.yaml:3:16", "owner more than once"),
    ("linking:\n  internal_domains: [a.example]\n  opportunity: {tie_break: [budget]}\n", "E_INVALID_VALUE",
     "linking.yaml:3:29", "'budget' is not allowed"),
    ("linking:\n  link_cancelled: true\n", "E_MISSING_FIELD", "linking.yaml:1:1", "internal_domains"),
])
def test_bad_rules_are_reported_where_they_are_written(tmp_path: Path, text: str, code: str, position: str,
                                                       words: str) -> None:
    issues = _issues(tmp_path, text)
    assert any(c == code and p == position and words in m for c, p, m in issues), issues


def test_rules_written_twice_are_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, "linking: {internal_domains: [a.example]}\n")
    (project / "definitions").mkdir()
    (project / "definitions" / "more.yaml").write_text("linking: {internal_domains: [b.example]}\n")
    issues = [(i.code, str(i.position)) for i in load_project(project).errors]
    assert ("E_DUPLICATE_NAME", "definitions/more.yaml:1:1") in issues

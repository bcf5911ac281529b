"""Each invalid project reports exactly the issues its expected.txt lists, at exactly those places."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from semantic.definitions import load_project
from tests.definitions.cases import expected_lines, fixture_cases, issue_line

SOURCE = Path(__file__).resolve().parents[2] / "semantic" / "definitions"
NOT_IN_FIXTURES = {"E_FILE", "E_DB_CONNECT", "E_DB_TABLE", "E_DB_COLUMN"}  # need a filesystem error or a database


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_invalid_project_reports_exactly_the_expected_issues(case: Path) -> None:
    loaded = load_project(case)
    actual = [issue_line(i) for i in loaded.issues]
    assert actual == expected_lines(case), "\n".join(i.render() for i in loaded.issues)


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_every_issue_has_a_message_and_hint(case: Path) -> None:
    for issue in load_project(case).issues:
        assert issue.message and issue.hint, issue.render()
        assert issue.code.startswith("W_") == (issue.severity == "warning"), issue.render()


def emitted_codes() -> set[str]:
    """Every code the loader and rules can emit, read from their source so new codes are never missed."""
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        codes.update(re.findall(r"\"([EW]_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    return codes


def test_every_code_is_exercised_by_a_fixture() -> None:
    seen = {line.split()[-1] for case in fixture_cases() for line in expected_lines(case)}
    missing = emitted_codes() - seen - NOT_IN_FIXTURES
    assert not missing, f"add a fixture under tests/fixtures/invalid/ for: {sorted(missing)}"


def test_did_you_mean_on_unknown_measure() -> None:
    loaded = load_project(Path(__file__).resolve().parents[1] / "fixtures" / "invalid" / "unknown_measure")
    assert loaded.issues[0].render().startswith(
        "metrics.yaml:20:16: error[E_UNKNOWN_MEASURE] metric 'win_rate' uses unknown measure 'won_dealz' "
        "(did you mean 'won_deals'?) -- hint: known measures: ")

"""The starter project is the example everyone copies: it must be clean, errors and warnings alike."""
from __future__ import annotations

import shutil
from pathlib import Path

from semantic.definitions import load_project


def test_starter_project_has_no_issues(repo_root: Path) -> None:
    loaded = load_project(repo_root)
    assert [i.render() for i in loaded.issues] == []
    assert {"win_rate", "bookings", "open_pipeline"} <= set(loaded.definitions.metrics)


def test_misspelt_measure_in_a_copy_of_the_starter_is_pinpointed(repo_root: Path, tmp_path: Path) -> None:
    shutil.copy(repo_root / "glossary.yaml", tmp_path)
    text = (repo_root / "metrics.yaml").read_text(encoding="utf-8")
    (tmp_path / "metrics.yaml").write_text(text.replace("numerator: won_deals", "numerator: won_dealz"))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "numerator: won_deals" in row)
    [issue] = load_project(tmp_path).issues
    assert issue.code == "E_UNKNOWN_MEASURE"
    assert (issue.position.line, issue.position.col) == (line, text.splitlines()[line - 1].index("won_deals") + 1)
    assert "did you mean 'won_deals'?" in issue.message


def test_definitions_split_across_files_merge(repo_root: Path, tmp_path: Path) -> None:
    shutil.copy(repo_root / "glossary.yaml", tmp_path)
    shutil.copy(repo_root / "metrics.yaml", tmp_path)
    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "marketing.yaml").write_text(
        "metrics:\n  mql_rate:\n    type: derived\n    expr: mqls / leads\n    format: percent\n")
    loaded = load_project(tmp_path)
    assert [i.render() for i in loaded.issues] == []
    assert "mql_rate" in loaded.definitions.metrics

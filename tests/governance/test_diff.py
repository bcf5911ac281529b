"""`semantic diff` on a real git history: a changed MQL definition moves exactly the MQL numbers.

Hand counts from tests/fixtures/ledger_small.py: leads with mql_at are 2,3,4,5,6,8,9,10,12,14 (10). The
starter MQL term also excludes disqualified leads (5, 9): 8 MQLs. Dropping that exclusion gives 10. Of
the 13 leads that are not duplicates (all but 4 and 11), 7 are starter MQLs (2,3,6,8,10,12,14) and 9 are
MQLs under the changed term (adding 5 and 9). MQL->SQL conversion divides the 4 SQL leads (3, 6, 10, 14) by
those MQL leads.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.fixtures.ledger_small import load_ledger

STARTER_MQL = "filter: \"mql_at is not null and status <> 'disqualified'\""
CHANGED_MQL = "filter: \"mql_at is not null\""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('diff_ledger') / 'ledger.duckdb'}"
    load_ledger(url)
    return url


@pytest.fixture()
def project(repo_root: Path, tmp_path: Path) -> Path:
    """The starter definitions committed in a fresh repository, then the MQL term edited (not committed)."""
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "starter")
    glossary = tmp_path / "glossary.yaml"
    assert STARTER_MQL in glossary.read_text()
    glossary.write_text(glossary.read_text().replace(STARTER_MQL, CHANGED_MQL))
    return tmp_path


def diff(project: Path, ledger: str, *extra: str):
    return CliRunner().invoke(app, ["diff", "-p", str(project), "--database", ledger, "--today", "2025-11-15",
                                    *extra])


def test_a_changed_term_moves_exactly_the_metrics_that_use_it(project, ledger):
    result = diff(project, ledger, "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["definitions"] == [{"section": "terms", "name": "mql", "change": "changed", "fields": ["filter"]}]
    moved = {m["name"]: m for m in body["metrics"]}
    # lead_to_mql_30d and mql_to_sql_14d use the term too, but with no range their last cohorts are still open
    # on 2025-11-15, so they are null both times
    assert set(moved) == {"mqls", "lead_to_mql_rate", "mql_to_sql_rate", "lead_mqls_30d"}
    # MQL within 30 days of creation: 2 3 6 8 10 12 14, and now 5 (6 days) and 9 (2 days)
    assert (moved["lead_mqls_30d"]["base"], moved["lead_mqls_30d"]["new"]) == (7, 9)
    assert (moved["mqls"]["base"], moved["mqls"]["new"]) == (8, 10)
    assert moved["lead_to_mql_rate"]["base"] == pytest.approx(7 / 13)
    assert moved["lead_to_mql_rate"]["new"] == pytest.approx(9 / 13)
    # SQL leads (term sql unchanged) among them: 3, 6, 10, 14 -> 4 of 7 before, 4 of 9 after
    assert moved["mql_to_sql_rate"]["base"] == pytest.approx(4 / 7)
    assert moved["mql_to_sql_rate"]["new"] == pytest.approx(4 / 9)
    assert moved["mqls"]["reasons"] == ["changed term 'mql' (filter)"]


def test_text_report_and_time_range(project, ledger):
    # MQL dates in H1 2025: leads 2,3,4,5,6,8 (the MQL term does not exclude the duplicate 4). Starter
    # excludes the disqualified 5: 5 MQLs; the changed term counts it: 6.
    result = diff(project, ledger, "--from", "2025-01-01", "--to", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "changed term 'mql' (filter)" in result.output
    line = next(row for row in result.output.splitlines() if "│ mqls " in row)
    assert [cell.strip() for cell in line.split("│")[2:5]] == ["5", "6", "+1 (+20.0%)"]


def test_unchanged_tree_reports_nothing(project, ledger):
    git(project, "checkout", "-q", "--", "glossary.yaml")
    result = diff(project, ledger, "--format", "json")
    body = json.loads(result.output)
    assert body["definitions"] == [] and body["metrics"] == []


def test_bad_revision_and_invalid_change_are_clear_errors(project, ledger):
    result = diff(project, ledger, "--base", "no-such-branch")
    assert result.exit_code == 1 and "E_GIT" in result.output and "Traceback" not in result.output
    (project / "metrics.yaml").write_text("metrics:\n  broken: {type: simple}\n", encoding="utf-8")
    result = diff(project, ledger)
    assert result.exit_code == 1 and "E_MISSING_FIELD" in result.output


def test_a_stage_probability_change_names_the_stage_and_field(project, ledger):
    git(project, "checkout", "-q", "--", "glossary.yaml")
    glossary = project / "glossary.yaml"
    text = glossary.read_text()
    assert "    probability: 0.50\n    forecast_category: best_case\n" in text
    glossary.write_text(text.replace("    probability: 0.50\n    forecast_category: best_case\n",
                                     "    probability: 0.60\n    forecast_category: best_case\n"))
    body = json.loads(diff(project, ledger, "--format", "json").output)
    assert body["definitions"] == [{"section": "stages", "name": "", "change": "changed",
                                    "fields": ["proposal.probability"]}]
    # the only open proposal is 112 (10k): weighted pipeline 42,800 -> 42,800 + 10k x 0.1 = 43,800
    moved = {m["name"]: (m["base"], m["new"]) for m in body["metrics"]}
    assert moved == {"weighted_pipeline": (pytest.approx(42_800), pytest.approx(43_800))}


def test_a_stale_threshold_change_moves_the_hygiene_numbers(project, ledger):
    """Negotiation's stale_after_days 7 -> 30: deal 111 (negotiation, last touched on its Nov 1 stage change,
    14 days before 2025-11-15) is no longer stale; 112 (10k) and 113 (20k) still are."""
    git(project, "checkout", "-q", "--", "glossary.yaml")
    glossary = project / "glossary.yaml"
    text = glossary.read_text()
    assert text.count("    stale_after_days: 7\n") == 1
    glossary.write_text(text.replace("    stale_after_days: 7\n", "    stale_after_days: 30\n"))
    body = json.loads(diff(project, ledger, "--format", "json").output)
    assert body["definitions"] == [{"section": "stages", "name": "", "change": "changed",
                                    "fields": ["negotiation.stale_after_days"]}]
    moved = {m["name"]: (m["base"], m["new"]) for m in body["metrics"]}
    assert moved == {"stale_deals": (3, 2), "stale_pipeline": (70_000, 30_000)}


def test_a_history_change_moves_the_metrics_of_rows_generated_from_it(repo_root: Path):
    """Spells are generated from stage_change: a change to it is a reason for their metrics to move."""
    from semantic.definitions import require_valid
    from semantic.governance.diff import dependencies

    defs = require_valid(repo_root)
    assert {("entities", "stage_change"), ("entities", "opportunity"), ("stages", "")} <= \
        dependencies(defs, "avg_days_in_stage")
    assert ("entities", "activity") in dependencies(defs, "stale_deals")


def test_markdown_report_for_a_pull_request_comment(project, ledger):
    """The H1 2025 MQLs of the text report above (5 -> 6), as a Markdown table a pull request can show."""
    result = diff(project, ledger, "--from", "2025-01-01", "--to", "2025-06-30", "--format", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"### Definitions: `HEAD` \([0-9a-f]{12}\) → this branch \([0-9a-f]{12}\)", lines[0])
    assert "- changed term 'mql' (filter)" in lines
    header = lines.index("| metric | base | new | change | why |")
    assert lines[header + 1] == "| --- | ---: | ---: | ---: | --- |"
    assert "| mqls | 5 | 6 | +1 (+20.0%) | changed term 'mql' (filter) |" in lines[header + 2:]
    assert lines[-1].endswith("metrics move.")


def test_markdown_without_numbers_and_cells_escaped(project, ledger):
    from semantic.cli.cmd_diff import cell

    result = diff(project, ledger, "--no-numbers", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["", "- changed term 'mql' (filter)"]
    assert cell("a | b\n`c`") == "a \\| b 'c'"

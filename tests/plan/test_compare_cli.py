"""`--compare` and `--whole-periods` on the command line: the plan's filter says when it stops the earlier
period at today, and `semantic query` prints the column's note."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from semantic.cli import app

CUT = "up to the day today moves back to (like for like)"


def _explain(repo_root: Path, *extra: str) -> str:
    result = CliRunner().invoke(app, ["compile", "bookings", "--grain", "quarter", "--range", "this_year",
                                      "--compare", "same_period_last_year", "--today", "2025-11-15", "--explain",
                                      "--dialect", "duckdb", "--project", str(repo_root), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_period_holding_today_is_cut_unless_whole_periods_are_asked(repo_root: Path) -> None:
    assert "compute bookings, bookings__previous, bookings__change_pct" in _explain(repo_root)
    assert _explain(repo_root).count(CUT) == 1  # the shifted chain only
    assert CUT not in _explain(repo_root, "--whole-periods")


def test_an_unknown_comparison_is_refused(repo_root: Path) -> None:
    result = CliRunner().invoke(app, ["compile", "bookings", "--compare", "last_year", "--range", "this_year",
                                      "--project", str(repo_root)])
    assert result.exit_code == 2 and "previous_period" in result.output and "Traceback" not in result.output

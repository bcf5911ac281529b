"""Ask the starter definitions questions on the command line, as CSV on a fixed today (the `small_ledger`
fixture of tests/cli/conftest.py is the database)."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from semantic.cli import app

REPO = Path(__file__).resolve().parents[2]


def run_csv(database: str, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a command on the starter project, today 2025-11-15, CSV output."""
    result = CliRunner().invoke(app, [*args, "--project", str(REPO), "--database", database, "--today", "2025-11-15",
                                      "--format", "csv"])
    return result.exit_code, result.stdout, result.stderr

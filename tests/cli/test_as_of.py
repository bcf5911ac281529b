"""`semantic query --as-of` and `--as-of-each` on the command line (numbers: tests/correctness/test_as_of.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.fixtures.history_small import load_history_ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('cli_as_of') / 'ledger.duckdb'}"
    load_history_ledger(url)
    return url


def _run(database: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--project", str(REPO), "--database", database, "--today", "2026-01-15",
                                      "--format", "csv"])
    return result.exit_code, result.stdout, result.stderr


def test_as_of_prints_the_value_then_and_says_so(database: str) -> None:
    code, stdout, stderr = _run(database, "query", "open_pipeline", "--as-of", "2025-10-01")
    # tests/fixtures/history_small.py: 201 10k, 202 20k, 204 5k, 205 7k, 207 15k, 208 11k, 209 4k
    assert code == 0 and stdout.splitlines() == ["open_pipeline", "72000.0"]
    assert "note: as of 2025-10-01 (end of day), rebuilt from stage_change" in stderr


def test_as_of_each_end(database: str) -> None:
    code, stdout, _ = _run(database, "query", "open_pipeline", "--grain", "month", "--from", "2025-10-01", "--to",
                           "2025-11-30", "--as-of-each", "end")
    assert code == 0 and stdout.splitlines() == ["period,open_pipeline", "2025-10-01,84000.0", "2025-11-01,61000.0"]


def test_refusals_are_one_line_with_a_hint(database: str) -> None:
    code, _, stderr = _run(database, "query", "open_pipeline", "--as-of", "2026-02-01")
    assert code == 1 and "[E_AS_OF_FUTURE]" in stderr and "hint:" in stderr
    code, _, stderr = _run(database, "query", "open_pipeline", "--as-of", "yesterday-ish")
    assert code == 1 and "[E_BAD_REQUEST] as_of" in stderr
    code, _, stderr = _run(database, "query", "open_pipeline", "--as-of-each", "middle")
    assert code == 2 and "middle" in stderr

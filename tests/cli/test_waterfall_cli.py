"""`semantic waterfall` on the hand-built history fixture (numbers counted in tests/fixtures/history_waterfall.py)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.fixtures.history_waterfall import load_history_ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('waterfall_cli') / 'ledger.duckdb'}"
    load_history_ledger(url)
    return url


def run(database: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["waterfall", *args, "--project", str(REPO), "--database", database,
                                      "--today", "2025-11-15"])
    return result.exit_code, result.stdout, result.stderr


def test_json_totals(database: str) -> None:
    code, stdout, _ = run(database, "--format", "json")
    assert code == 0
    payload = json.loads(stdout)
    rows = {r["bucket"]: (r["deals"], r["count"], r["amount"]) for r in payload["rows"]}
    assert rows["start"] == (12, 12, 159_500) and rows["end"] == (11, 11, 113_700)
    assert rows["won"] == (4, -4, -37_000) and rows["pushed_in"] == (1, 1, 4_200)
    assert payload["version"] and "waterfall__deal_states" in payload["sql"]


def test_csv_deals_of_a_bucket_with_a_dimension(database: str) -> None:
    code, stdout, stderr = run(database, "--deals", "pushed_out", "--by", "opportunity.name", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["id"], r["opportunity.name"], r["close_date_after"][:10]) for r in rows] == \
        [("207", "Deal 207", "2026-02-15"), ("221", "Deal 221", "2026-02-10")]
    assert "current value" in stderr  # the dimension is read from the deal as it is now, and the answer says so


def test_window_and_instants_from_flags(database: str) -> None:
    code, stdout, _ = run(database, "--close-from", "2025-10-01", "--close-to", "2025-12-31",
                          "--to", "2025-10-12T10:00:00", "--deals", "won", "--format", "json")
    assert code == 0
    assert [r["id"] for r in json.loads(stdout)["rows"]] == ["215"]


def test_table_and_sql(database: str) -> None:
    code, stdout, _ = run(database)
    assert code == 0 and "pulled_out" in stdout and "113,700.00" in stdout
    code, stdout, _ = run(database, "--sql", "--close-range", "last_quarter")
    assert code == 0 and stdout.lstrip().upper().startswith("WITH")
    code, stdout, _ = run(database, "--explain", "--by", "account.segment")
    assert code == 0 and stdout.startswith("waterfall: deals, count and amount of each waterfall bucket per "
                                           "account.segment") and "waterfall__spans" in stdout


@pytest.mark.parametrize("args, code, text", [
    (("--from", "2025-12-01"), 1, "E_BAD_TIME_RANGE"),
    (("--close-range", "this_quarter", "--close-from", "2025-10-01"), 1, "not both"),
    (("--from", "yesterday"), 1, "E_BAD_REQUEST"),
    (("--deals", "vanished"), 2, "vanished"),
    (("--where", "opportunity.stage = 'closed_wonn'"), 1, "E_UNKNOWN_STAGE"),
])
def test_bad_input_is_one_error_line(database: str, args: tuple[str, ...], code: int, text: str) -> None:
    exit_code, _, stderr = run(database, *args)
    assert exit_code == code and text in stderr and "Traceback" not in stderr, stderr

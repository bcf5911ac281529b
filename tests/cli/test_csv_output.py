"""`--format csv` escapes formula-like text the way the API's CSV does; `--format csv-raw` keeps it as stored."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.server.tiny_ledger import write_tiny_ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli_csv") / "ledger.duckdb"
    write_tiny_ledger(path)
    with duckdb.connect(str(path)) as conn:
        conn.execute("update accounts set segment = '=1+1' where account_id = 10")
        conn.execute("update opportunities set amount = -1000.50 where opportunity_id = 100")
    return f"duckdb:///{path}"


def bookings(database: str, output: str) -> dict[str, str]:
    result = CliRunner().invoke(app, ["query", "bookings", "--by", "account.segment", "--from", "2024-01-01",
                                      "--to", "2024-12-31", "--format", output, "--project", str(REPO),
                                      "--database", database])
    assert result.exit_code == 0, result.output
    return {r["account.segment"]: r["bookings"] for r in csv.DictReader(io.StringIO(result.stdout))}


def test_csv_escapes_and_csv_raw_does_not(database: str) -> None:
    # won deals by hand: 100 (account 10, -1000.50), 102 (account 11, SMB, 2000), 104 (account 12, SMB, 700)
    escaped = bookings(database, "csv")
    assert set(escaped) == {"'=1+1", "SMB"} and float(escaped["'=1+1"]) == -1000.5
    assert float(escaped["SMB"]) == 2700
    assert set(bookings(database, "csv-raw")) == {"=1+1", "SMB"}

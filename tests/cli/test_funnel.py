"""`semantic funnel` and `semantic query --saved` on a funnel, on the conversion tests' ledger (counts by hand
from tests/correctness/conversion_ledger.py: 8 leads in the first half of 2024, 4 MQLs within 30 days, 3 SQLs)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.correctness import conversion_ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('funnel_cli') / 'ledger.duckdb'}"
    conversion_ledger.load(url)
    return url


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--project", str(REPO), "--database", url])
    return result.exit_code, result.stdout, result.stderr


def test_funnel_command_as_csv(url: str) -> None:
    code, stdout, stderr = run(url, "funnel", "lead_funnel", "--from", "2024-01-01", "--to", "2024-06-30",
                               "--format", "csv")
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["step"], r["label"], r["count"], r["rate_from_previous"]) for r in rows] == [
        ("1", "Leads", "8", ""), ("2", "MQL within 30 days", "4", "0.5"),
        ("3", "SQL within 30 days of MQL", "3", "0.75")]


def test_saved_funnel_with_today_and_a_where(url: str) -> None:
    code, stdout, stderr = run(url, "query", "--saved", "lead_funnel_this_year", "--today", "2024-06-15",
                               "--where", "lead.source = 'list'", "--format", "csv")
    assert code == 0, stderr
    # list leads of 2024: 2 (MQL after 31 days), 6 (MQL the day before), 10 (none): none reaches step 2
    assert [r["count"] for r in csv.DictReader(io.StringIO(stdout))] == ["3", "0", "0"]


def test_funnel_sql_and_unknown_name(url: str) -> None:
    code, stdout, _ = run(url, "funnel", "lead_funnel", "--sql", "--dialect", "snowflake")
    assert code == 0 and "UNION ALL" in stdout
    code, _, stderr = run(url, "funnel", "lead_funel")
    assert code == 1 and "E_UNKNOWN_FUNNEL" in stderr and "lead_funnel" in stderr


def test_compile_a_saved_funnel_explains_its_steps(url: str) -> None:
    code, stdout, stderr = run(url, "compile", "--saved", "lead_funnel_this_year", "--explain")
    assert code == 0, stderr
    assert stdout.splitlines()[:3] == [
        "lead_funnel_funnel_steps: one row per step with its count, the rate from the previous step and from the "
        "first",
        "  lead_funnel_funnel_counts: count lead rows reaching each of 3 steps in order",
        "    lead_funnel_funnel__rows: read lead rows for lead.created_at, lead.mql_at, lead.sql_at"]

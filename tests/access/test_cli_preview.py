"""`--as-role ROLE --claim KEY=VALUE` previews a role on the command line: query, compile, list, explain, diff.

Numbers: the hand counts of tests/access/test_row_rules.py (a rep of NA books 38 000: Enterprise 15 000,
Mid-Market 8 000, NULL segment 15 000); leads of NA accounts are 3, 6 and 14, each an MQL under the starter
term and under the term without its disqualified exclusion (none of them is disqualified).
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.access.conftest import project_with_policies
from tests.fixtures.ledger_small import load_ledger

STARTER_MQL = "filter: \"mql_at is not null and status <> 'disqualified'\""
CHANGED_MQL = "filter: \"mql_at is not null\""


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('preview_ledger') / 'ledger.duckdb'}"
    load_ledger(url)
    return url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_with_policies(tmp_path_factory.mktemp("preview_project"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_query_as_a_rep(project: Path, ledger: str) -> None:
    code, out, _ = run("query", "bookings", "--by", "account.segment", "--as-role", "rep", "--claim", "region=NA",
                       "--format", "csv", "-p", str(project), "-d", ledger, "--today", "2025-11-15")
    assert code == 0
    rows = {r["account.segment"]: float(r["bookings"]) for r in csv.DictReader(io.StringIO(out))}
    assert rows == {"Enterprise": 15_000, "Mid-Market": 8_000, "": 15_000}


def test_hidden_metric_refused_and_unlisted(project: Path, ledger: str) -> None:
    code, _, err = run("query", "bookings", "--as-role", "agency", "-p", str(project), "-d", ledger)
    assert code == 1 and "E_UNKNOWN_METRIC" in err
    code, out, _ = run("list", "metrics", "--as-role", "agency", "--format", "json", "-p", str(project))
    names = {row["name"] for row in json.loads(out)}
    assert code == 0 and "activities" in names and "bookings" not in names and "quota_attainment" not in names
    code, _, err = run("explain", "forecast_commit", "--as-role", "agency", "-p", str(project))
    assert code == 1 and "E_UNKNOWN_METRIC" in err


def test_compile_shows_the_row_policy_with_the_claim_bound(project: Path) -> None:
    code, out, _ = run("compile", "bookings", "--as-role", "rep", "--claim", "region=EMEA", "-p", str(project),
                       "--dialect", "postgresql")
    assert code == 0 and "row policy" in out and "rep.region = %(" not in out
    assert "-- parameters:" in out and "'EMEA'" in out.split("-- parameters:")[1]


def test_a_claim_without_a_role_is_bad_usage(project: Path) -> None:
    assert run("compile", "bookings", "--claim", "region=NA", "-p", str(project))[0] == 2
    assert run("compile", "bookings", "--as-role", "rep", "--claim", "region", "-p", str(project))[0] == 2


def test_diff_previews_the_roles_numbers(project: Path, ledger: str, tmp_path: Path) -> None:
    for name in ("glossary.yaml", "metrics.yaml", "policies.yaml"):
        shutil.copy(project / name, tmp_path / name)
    for args in (("init", "-q"), ("add", "."), ("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "s")):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace(STARTER_MQL, CHANGED_MQL))
    code, out, err = run("diff", "--all", "--format", "json", "--as-role", "rep", "--claim", "region=NA",
                         "-p", str(tmp_path), "-d", ledger, "--today", "2025-11-15")
    assert code == 0, err
    metrics = {m["name"]: m for m in json.loads(out)["metrics"]}
    assert (metrics["mqls"]["base"], metrics["mqls"]["new"], metrics["mqls"]["moved"]) == (3, 3, False)
    assert "new_logos" not in metrics and metrics["bookings"]["new"] == 38_000

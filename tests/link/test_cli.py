"""`semantic link` on the hand-made ledger: the counts it prints (by hand from EXPECTED) and its coded errors."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from semantic.cli import app
from semantic.ledger.schema import metadata
from tests.fixtures.rows import load_rows
from tests.link.link_ledger import ROWS

REPO = Path(__file__).resolve().parents[2]
RULES = "linking:\n  internal_domains: [northpeak.example]\n  opportunity: {tie_break: [contact_role, owner]}\n"


def _project(tmp_path: Path, linking: str | None = RULES) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(REPO / name, project / name)
    if linking is not None:
        (project / "linking.yaml").write_text(linking, encoding="utf-8")
    return project


def _run(project: Path, database: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["link", "--project", str(project), "--database", database])
    return result.exit_code, result.stdout, result.stderr


def _cells(stdout: str, first: str) -> list[list[str]]:
    """The cells of every table row whose first cell is `first`."""
    rows = [[c.strip() for c in re.split(r"[│┃]", line)[1:-1]] for line in stdout.splitlines() if "│" in line]
    return [row for row in rows if row and row[0] == first]


def test_link_prints_coverage_per_source_and_rule(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    load_rows(url, ROWS)
    code, stdout, stderr = _run(_project(tmp_path), url)
    assert code == 0, stderr
    # 22 activities but 13 is missing: 21; 18 (generated) and 21 (nothing to link by) kept
    assert "relinked 19 of 21 activities; 2 left as they were" in stdout
    assert _cells(stdout, "gmail")[0] == ["gmail", "10", "6 (60%)", "8 (80%)", "7 (70%)"]
    assert _cells(stdout, "google_calendar")[0] == ["google_calendar", "2", "0 (0%)", "0 (0%)", "0 (0%)"]
    rules = {tuple(row[1:3]): row[3] for row in _cells(stdout, "gmail")[1:]}
    assert rules == {("account", "account.domain"): "2", ("account", "contact.account"): "6",
                     ("contact", "contact.email"): "6", ("opportunity", "opportunity.ambiguous"): "1",
                     ("opportunity", "opportunity.open_window.owner"): "2",
                     ("opportunity", "opportunity.open_window.role"): "2",
                     ("opportunity", "opportunity.single_open"): "3"}


def test_a_project_without_rules_is_refused(tmp_path: Path) -> None:
    code, _, stderr = _run(_project(tmp_path, None), f"duckdb:///{tmp_path / 'x.duckdb'}")
    assert code == 1 and "[E_NO_LINKING_RULES]" in stderr and "linking.yaml" in stderr


def test_invalid_rules_are_refused_with_their_position(tmp_path: Path) -> None:
    project = _project(tmp_path, "linking:\n  internal_domains: [northpeak.example]\n  opportunity: {max_deals: 0}\n")
    code, _, stderr = _run(project, f"duckdb:///{tmp_path / 'x.duckdb'}")
    assert code == 1 and "[E_INVALID_DEFINITIONS]" in stderr and "linking.yaml:3:28" in stderr


def test_a_missing_table_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "partial.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create table reps (rep_id bigint)")
    code, _, stderr = _run(_project(tmp_path), f"duckdb:///{path}")
    assert code == 1 and "[E_LINK_TABLE]" in stderr and "'activities'" in stderr and "Traceback" not in stderr


def test_a_missing_column_is_a_coded_error(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'old.duckdb'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.exec_driver_sql("alter table activity_participants drop column match_rule")
    engine.dispose()
    code, _, stderr = _run(_project(tmp_path), url)
    assert code == 1 and "[E_LINK_COLUMN]" in stderr and "match_rule" in stderr


def test_a_missing_duckdb_file_is_not_created(tmp_path: Path) -> None:
    code, _, stderr = _run(_project(tmp_path), f"duckdb:///{tmp_path / 'none.duckdb'}")
    assert code == 1 and "[E_DATABASE_UNAVAILABLE]" in stderr
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.parametrize("url, code, words", [
    ("postgresql+psycopg://nobody@127.0.0.1:1/ledger", 1, "[E_DATABASE_UNAVAILABLE] cannot connect"),
    ("nosuchdb://x", 2, "[E_DATABASE_URL]"),
])
def test_an_unreachable_or_unknown_database_is_a_coded_error(tmp_path: Path, url: str, code: int,
                                                             words: str) -> None:
    exit_code, _, stderr = _run(_project(tmp_path), url)
    assert exit_code == code and words in stderr and "Traceback" not in stderr, stderr

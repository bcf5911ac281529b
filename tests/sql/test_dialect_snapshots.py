"""Compile-only snapshots of the generated SQL for every target dialect, each parsed back by sqlglot.

A change to the compiler shows up here as a readable diff of SQL per warehouse, reviewed like code; the
parse check catches text the target's grammar rejects, without needing a Snowflake, BigQuery or Trino
account. Regenerate after an intended change with `UPDATE_SNAPSHOTS=1 pytest tests/sql`.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlglot

from semantic.dialects import facts
from semantic.layer import SemanticLayer
from tests.sql.cases import CASES, CUSTOM_CALENDAR, DIALECTS, STARTER, custom_calendar_project, open_layer, question
from tests.sql.placeholders import header, inline, read_header

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
PAIRS = [(dialect, case) for dialect in DIALECTS for case in CASES]


@pytest.fixture(scope="module")
def layers(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, SemanticLayer]:
    custom = custom_calendar_project(repo_root, tmp_path_factory.mktemp("custom_calendar"))
    return {STARTER: open_layer(repo_root), CUSTOM_CALENDAR: open_layer(custom)}


def rendered(layers: dict[str, SemanticLayer], dialect: str, case: str) -> str:
    """The snapshot text: the bound values as comments, then the SQL exactly as compiled."""
    compiled = layers[CASES[case][0]].compile(question(case), dialect)
    return header(compiled.params) + compiled.sql.strip() + "\n"


@pytest.mark.parametrize(("dialect", "case"), PAIRS, ids=[f"{d}-{c}" for d, c in PAIRS])
def test_compiled_sql_matches_snapshot(layers: dict[str, SemanticLayer], dialect: str, case: str) -> None:
    path = SNAPSHOTS / dialect / f"{case}.sql"
    actual = rendered(layers, dialect, case)
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"wrote missing snapshot {path.relative_to(SNAPSHOTS.parent)}; review and commit it")
    assert actual == path.read_text(), (
        f"SQL for {case} on {dialect} changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff")


@pytest.mark.parametrize(("dialect", "case"), PAIRS, ids=[f"{d}-{c}" for d, c in PAIRS])
def test_snapshot_parses_in_its_dialect(dialect: str, case: str) -> None:
    """Read from the committed file alone, so a hand-edited snapshot is checked too."""
    path = SNAPSHOTS / dialect / f"{case}.sql"
    if not path.exists():
        pytest.skip("snapshot not written yet (see test_compiled_sql_matches_snapshot)")
    text = path.read_text()
    # sqlglot cannot read every driver's bind markers (`%(param_1)s` in no dialect, `:param_1` not in all),
    # so each marker is replaced by the literal recorded in the snapshot's header before parsing.
    sql = inline(text, read_header(text))
    tree = sqlglot.parse_one(sql, read=facts(dialect).sqlglot_name)
    assert tree.find(sqlglot.exp.Select) is not None


def test_every_snapshot_file_belongs_to_a_case() -> None:
    """A renamed or dropped case must not leave a stale snapshot behind."""
    expected = {f"{d}/{c}.sql" for d, c in PAIRS}
    found = {str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.glob("*/*.sql")}
    assert found - expected == set()

"""Every date part compiles to SQL that parses in every target dialect, with that dialect's weekday function
and day difference (semantic/sql/date_parts.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlglot

from semantic.definitions.date_parts import DATE_PARTS
from semantic.dialects import facts
from semantic.question import Question
from tests.sql.cases import DIALECTS, open_layer
from tests.sql.placeholders import header, inline, read_header

WEEKDAY = {"duckdb": "isodow(", "postgresql": "EXTRACT(ISODOW FROM", "snowflake": "DAYOFWEEKISO(",
           "bigquery": "EXTRACT(DAYOFWEEK FROM", "trino": "day_of_week(",
           "spark": "(weekday("}
DAY_DIFFERENCE = {"snowflake": "DATEDIFF(day,", "bigquery": "DATE_DIFF(", "trino": "date_diff('day',",
                  "spark": "datediff("}


@pytest.fixture(scope="module")
def fiscal_project(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter with a fiscal year from February, so the fiscal parts shift dates."""
    project = tmp_path_factory.mktemp("fiscal_parts")
    shutil.copy(repo_root / "glossary.yaml", project / "glossary.yaml")
    text = (repo_root / "metrics.yaml").read_text()
    (project / "metrics.yaml").write_text(text.replace("fiscal_year_start_month: 1\n", "fiscal_year_start_month: 2\n"))
    return project


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_date_part_parses(fiscal_project: Path, dialect: str) -> None:
    parts = [f"activity.occurred_at.{part}" for part in DATE_PARTS]
    question = Question(metrics=["activities"], dimensions=parts[:10],
                        filters=[{"dimension": "activity.occurred_at.day_of_week", "op": "in", "values": [6, 7]}])
    compiled = open_layer(fiscal_project).compile(question, dialect)
    text = header(compiled.params) + compiled.sql
    tree = sqlglot.parse_one(inline(text, read_header(text)), read=facts(dialect).sqlglot_name)
    assert tree.find(sqlglot.exp.Select) is not None
    assert WEEKDAY[dialect] in compiled.sql
    assert DAY_DIFFERENCE.get(dialect, "") in compiled.sql
    assert [c.name for c in compiled.columns] == parts + ["activities"]
    assert {c.type for c in compiled.columns[:-1]} == {"integer"}

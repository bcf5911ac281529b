"""The console form inlines values safely in every dialect: a string holding quotes, backslashes, comment
markers, parameter markers or a line break, parsed back by sqlglot in that dialect, is the same single
string literal compared with the same column, in one statement; dates stay typed dates."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from semantic.dialects import DIALECTS, facts
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.sql.cases import open_layer

REPO = Path(__file__).resolve().parents[2]
HOSTILE = (
    "O'Brien",
    "back\\slash",
    "\\'; DROP TABLE accounts; --",
    "ends with a backslash \\",
    "a -- comment and /* an opening",
    "*/ closing",
    "markers %s %(x)s $1 :1 ? @param_1 ${x}",
    "line\nbreak\r\tand tab",
    "''quoted''",
    "Zürich € 北京",
)


@pytest.fixture(scope="module")
def layer() -> SemanticLayer:
    return open_layer(REPO)


def _statement(sql: str, dialect: str) -> exp.Expression:
    trees = [t for t in sqlglot.parse(sql, read=facts(dialect).sqlglot_name) if t is not None]
    assert len(trees) == 1, f"{dialect}: {len(trees)} statements in {sql!r}"
    assert not list(trees[0].find_all(exp.Drop)), f"{dialect}: a DROP got in"
    return trees[0]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hostile_strings_survive_as_one_literal(layer: SemanticLayer, dialect: str) -> None:
    for value in HOSTILE:
        question = Question(metrics=("bookings",), filters=[{"dimension": "account.name", "op": "eq", "value": value}])
        tree = _statement(layer.compile(question, dialect).literal_sql, dialect)
        compared = [eq.expression for eq in tree.find_all(exp.EQ)
                    if isinstance(eq.this, exp.Column) and eq.this.name == "name"]
        assert len(compared) == 1, f"{dialect}: {value!r}"
        assert isinstance(compared[0], exp.Literal) and compared[0].is_string
        assert compared[0].this == value, f"{dialect}: {value!r} came back as {compared[0].this!r}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dates_are_typed_literals(layer: SemanticLayer, dialect: str) -> None:
    """BigQuery compares timestamps with DATETIME values, the others with DATEs."""
    question = Question(metrics=("bookings",), time_range={"from": "2025-01-01", "to": "2025-03-31"})
    tree = _statement(layer.compile(question, dialect).literal_sql, dialect)
    bounds = sorted((c.to.sql(dialect=facts(dialect).sqlglot_name), c.this.this) for c in tree.find_all(exp.Cast)
                    if isinstance(c.this, exp.Literal) and c.this.is_string)
    wanted = "DATETIME" if not facts(dialect).compares_timestamp_with_date else "DATE"
    first, after = date(2025, 1, 1), date(2025, 4, 1)
    expected = [(wanted, f"{first.isoformat()} 00:00:00"), (wanted, f"{after.isoformat()} 00:00:00")] \
        if wanted == "DATETIME" else [(wanted, first.isoformat()), (wanted, after.isoformat())]
    assert bounds == expected

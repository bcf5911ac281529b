"""The SQL a user is shown runs as shown: pasted into DuckDB or PostgreSQL, with the shown parameters bound
or in its literal form, it answers exactly what the layer answered. And it is the very text that ran.

Every starter metric is asked per quarter of 2024-2025 (or, for those without a time axis, alone), and
two dimensions with a `%` in their SQL (a strftime month and a LIKE pattern) are asked too: pyformat
rendering used to show them as `%%`, which runs without error and answers something else.
"""
from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from psycopg import ClientCursor

from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from semantic.sql.shown import shown_sql
from tests.correctness.conftest import REPO_ROOT, TODAY

RANGE = {"from": "2024-01-01", "to": "2025-12-31"}
PERCENT_DIMENSIONS = """      close_month:
        expr: "strftime(close_date, '%Y-%m')"
        label: Close month
      core_named:
        expr: "case when name like '%Core%' then 'core' else 'other' end"
        label: Named after Core
"""
STARTER_METRICS = sorted(SemanticLayer.open(REPO_ROOT, None).definitions.metrics)


@pytest.fixture(scope="module")
def percent_layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """The starter project with two opportunity dimensions whose SQL holds `%`."""
    project = tmp_path_factory.mktemp("percent_project")
    shutil.copy(REPO_ROOT / "glossary.yaml", project / "glossary.yaml")
    text = (REPO_ROOT / "metrics.yaml").read_text()
    anchor = "      closed_at: {type: time, label: Closed}\n    measures:\n      opportunities_created:"
    assert text.count(anchor) == 1, "the opportunity entity of the starter changed; move the anchor"
    (project / "metrics.yaml").write_text(text.replace(anchor, anchor.replace(
        "    measures:", PERCENT_DIMENSIONS + "    measures:")))
    return SemanticLayer.open(project, ledger_url, ExecutionSettings(today=TODAY))


def _normal(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(rows: Any) -> list[tuple]:
    return [tuple(_normal(v) for v in row) for row in rows]


def run_pasted(url: str, text: str, params: dict[str, Any]) -> list[tuple]:
    """Run `text` as a user would paste it into the database's own console, binding `params` by marker.

    DuckDB binds `$n` from a list. PostgreSQL gets the text verbatim in a PREPARE (no driver parsing of
    `%` or placeholders) and the values in an EXECUTE, as psql would.
    """
    engine = engine_for(url)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if engine.dialect.name == "duckdb":
            return _rows(raw.execute(text, list(params.values())).fetchall())
        cursor = raw.cursor()
        cursor.execute(f"PREPARE pasted AS {text}")  # no parameters: psycopg sends the text untouched
        try:
            if not params:
                cursor.execute("EXECUTE pasted")
            else:
                client = ClientCursor(raw)
                client.execute(f"EXECUTE pasted ({', '.join(['%s'] * len(params))})", list(params.values()))
                cursor = client
            return _rows(cursor.fetchall())
        finally:
            raw.execute("DEALLOCATE pasted")
            raw.rollback()


def _question(layer: SemanticLayer, metrics: list[str], **extra: Any) -> Question:
    """Per quarter over the range when the metrics have a time axis, else the bare question."""
    asked = Question(metrics=metrics, grain="quarter", time_range=RANGE, **extra)
    try:
        layer.compile(asked)
        return asked
    except SemanticError:
        return Question(metrics=metrics, time_range=RANGE, **extra)


def _check(layer: SemanticLayer, question: Question) -> None:
    result = layer.query(question)
    expected = [tuple(_normal(row[c.name]) for c in result.columns) for row in result.rows]
    assert "%%" not in result.sql
    assert run_pasted(layer.database_url, result.sql, result.params) == expected
    assert run_pasted(layer.database_url, result.compiled.literal_sql, {}) == expected


@pytest.mark.parametrize("metric", STARTER_METRICS)
def test_every_starter_metric_runs_as_shown(layer: SemanticLayer, metric: str) -> None:
    _check(layer, _question(layer, [metric]))


@pytest.mark.parametrize("dimension", ["opportunity.close_month", "opportunity.core_named"])
def test_a_dimension_with_percent_runs_as_shown(percent_layer: SemanticLayer, dimension: str) -> None:
    question = Question(metrics=["opportunities_created"], dimensions=[dimension])
    values = {row[dimension] for row in percent_layer.query(question).rows}
    assert values and values <= {"core", "other"} or all(re.fullmatch(r"\d{4}-\d{2}", v) for v in values)
    _check(percent_layer, question)


def test_the_shown_text_is_the_text_that_ran(layer: SemanticLayer) -> None:
    """DuckDB runs the shown text itself; psycopg turns its `%(name)s` text into exactly the shown `$n` text."""
    question = Question(metrics=["bookings", "win_rate"], dimensions=["account.segment"], grain="quarter",
                        time_range=RANGE, filters=[{"dimension": "account.name", "op": "contains", "value": "50%"}])
    compiled = layer.compile(question)
    engine = engine_for(layer.database_url)
    text, args = compiled.driver_sql(engine.dialect)
    if engine.dialect.name == "duckdb":
        assert (text, list(args)) == (compiled.sql, list(compiled.params.values()))
    else:
        from psycopg._queries import PostgresQuery
        from psycopg.adapt import Transformer

        sent = PostgresQuery(Transformer())
        sent.convert(text, args)
        assert sent.query.decode() == compiled.sql
        assert "%%" not in compiled.sql and "'%' ESCAPE" in compiled.sql


def test_literals_of_every_dialect_carry_no_placeholder(layer: SemanticLayer) -> None:
    """The literal form of every dialect has no marker left and types its dates."""
    question = Question(metrics=["bookings"], grain="quarter", time_range=RANGE,
                        filters=[{"dimension": "account.name", "op": "contains", "value": "it's 50%"}])
    for dialect in ("duckdb", "postgresql", "snowflake", "bigquery", "trino"):
        compiled = layer.compile(question, dialect)
        text = compiled.literal_sql
        markers = [m for m in compiled.params if not m.startswith("?")]
        assert not any(m in text for m in markers) and "?" not in text, dialect
        assert "DATE '2024-01-01'" in text or "DATETIME '2024-01-01 00:00:00'" in text, dialect
        assert "%%" not in text, dialect
        assert ("it\\'s 50" if dialect == "bigquery" else "it''s 50") in text, dialect


def test_a_bound_value_stays_out_of_the_shown_text() -> None:
    statement = sa.select(sa.literal_column("1").label("one")).where(sa.bindparam("p", "x'; drop table t; --") == "a")
    shown = shown_sql(statement, "postgresql")
    assert "drop table" not in shown.text
    assert shown.params == {"$1": "x'; drop table t; --", "$2": "a"}

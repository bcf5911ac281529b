"""The claims of docs/definitions.md about functions, `*` and counts, each checked against the behaviour.

- one allow-list for dimensions, measures and derived-entity SQL (try_strptime included);
- the "Functions by database" table is PASS_THROUGH, and on DuckDB and PostgreSQL each function runs exactly
  where the table says yes;
- compiling a pass-through function for a database without it is E_FUNCTION_NOT_IN_DIALECT;
- `*` is refused in a derived entity's outer select list and accepted inside a subquery;
- a count without `expr` compiles to count(*).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from semantic.definitions.expressions import ExpressionError, parse_scalar, parse_select
from semantic.definitions.sql_policy import PASS_THROUGH
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question

CALLS = {  # one call of each pass-through function, valid where the function exists
    "age": "age(timestamp '2024-03-01 00:00:00')",
    "btrim": "btrim('  a  ')",
    "date_part": "date_part('year', date '2024-03-01')",
    "datepart": "datepart('year', date '2024-03-01')",
    "hash": "hash('a')",
    "now": "now()",
    "nullifzero": "nullifzero(0)",
    "to_date": "to_date('2024-03-01', 'YYYY-MM-DD')",
    "try_strptime": "try_strptime('01/03/2024', '%d/%m/%Y')",
}


def documented_table(repo_root: Path) -> dict[str, frozenset[str]]:
    docs = (repo_root / "docs" / "definitions.md").read_text(encoding="utf-8")
    section = docs.split("### Functions by database", 1)[1].split("\n\n", 3)[2]
    header, _, *rows = section.strip().splitlines()
    dialects = [c.strip() for c in header.strip("|").split("|")][1:]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        table[cells[0].strip("`")] = frozenset(d for d, cell in zip(dialects, cells[1:]) if cell == "yes")
    return table


def test_the_docs_table_is_the_pass_through_list(repo_root: Path) -> None:
    assert documented_table(repo_root) == PASS_THROUGH
    assert set(CALLS) == set(PASS_THROUGH)


@pytest.mark.parametrize("name", sorted(PASS_THROUGH))
def test_one_allow_list_for_expressions_and_derived_entities(name: str) -> None:
    call = CALLS[name]
    parse_scalar(call)
    parse_select(f"select {call} as value from deals")


@pytest.mark.parametrize("call", ["pg_read_file('/etc/passwd')", "getenv('HOME')", "read_csv('x.csv')"])
def test_a_refused_function_is_refused_everywhere(call: str) -> None:
    with pytest.raises(ExpressionError):
        parse_scalar(call)
    with pytest.raises(ExpressionError):
        parse_select(f"select {call} as value from deals")


def _runs_on_duckdb(call: str) -> bool:
    try:
        duckdb.connect().execute(f"select {call}").fetchall()
        return True
    except duckdb.Error:
        return False


def _runs_on_postgresql(url: str, call: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"select {call}").fetchall()
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(PASS_THROUGH))
def test_each_function_runs_where_the_table_says(name: str, postgres_url: str) -> None:
    assert _runs_on_duckdb(CALLS[name]) == ("duckdb" in PASS_THROUGH[name])
    assert _runs_on_postgresql(postgres_url, CALLS[name]) == ("postgresql" in PASS_THROUGH[name])


@pytest.fixture(scope="module")
def parsed_dates(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """The starter with a dimension using try_strptime and a derived entity using `*` in a subquery."""
    project = tmp_path_factory.mktemp("functions")
    (project / "glossary.yaml").write_text((repo_root / "glossary.yaml").read_text())
    text = (repo_root / "metrics.yaml").read_text()
    anchor = "      closed_at: {type: time, label: Closed}\n    measures:\n      opportunities_created:"
    assert text.count(anchor) == 1
    extra = ("      created_text_day:\n"
             "        expr: \"try_strptime(cast(created_at as varchar), '%Y-%m-%d %H:%M:%S')\"\n"
             "        type: time\n")
    dimension_added = anchor.replace("    measures:", extra + "    measures:")
    (project / "metrics.yaml").write_text(text.replace(anchor, dimension_added))
    return SemanticLayer.open(project, None)


def test_a_pass_through_function_compiles_only_for_its_databases(parsed_dates: SemanticLayer) -> None:
    question = Question(metrics=["bookings"], dimensions=["opportunity.created_text_day"])
    assert "try_strptime(" in parsed_dates.compile(question, "duckdb").sql.lower()
    with pytest.raises(SemanticError) as refused:
        parsed_dates.compile(question, "postgresql")
    assert refused.value.code == "E_FUNCTION_NOT_IN_DIALECT"
    assert "function 'try_strptime' exists on duckdb only; this question compiles for postgresql" in \
        refused.value.message


def test_star_only_inside_a_subquery_of_a_derived_entity() -> None:
    with pytest.raises(ExpressionError, match=r"no '\*'"):
        parse_select("select * from opportunities")
    _, columns = parse_select("select opportunity_id, amount from (select *, 1 as one from opportunities) as o")
    assert columns == ("opportunity_id", "amount")


def test_a_count_without_expr_counts_rows(repo_root: Path) -> None:
    """opportunities_created is `agg: count` without `expr` in the starter."""
    layer = SemanticLayer.open(repo_root, None)
    measure = layer.definitions.entities["opportunity"].measures["opportunities_created"]
    assert measure.agg == "count" and measure.expr is None
    sql = layer.compile(Question(metrics=["opportunities_created"]), "duckdb").sql
    assert re.search(r"count\(\*\) AS opportunities_created", sql)

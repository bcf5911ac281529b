"""Hostile nesting and size in definitions, `where` strings and filter values: coded errors, quickly, and
never a RecursionError (which used to cost a 773 KB traceback per request)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from semantic.definitions import load_project
from semantic.definitions.sql_limits import MAX_EXPRESSION_DEPTH
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question, parse_where

PROJECT = """
entities:
  deal:
    table: deals
    primary_key: deal_id
    default_time_dimension: closed_at
    columns: [amount]
    dimensions:
      closed_at: {type: time}
    measures:
      deals:
        agg: count
        filter: "%s"
metrics:
  deal_count: {type: simple, measure: deals}
"""
SECONDS = 6.0  # each hostile input is refused in well under this (0.1-2.6 s measured on a busy 2-core machine)


def _nested(kind: str, n: int) -> str:
    return {
        "parentheses": "(" * n + "amount > 0" + ")" * n,
        "nots": "not " * n + "amount > 0",
        "ands": " and ".join(["amount > 0"] * n),
        "minus": "- " * n + "amount > 0",
        "casts": "amount" + "::int" * n + " > 0",
        "cases": "case when amount > 0 then " * n + "true" + " end" * n,
    }[kind]


def _load(tmp_path: Path, expr: str) -> list[str]:
    (tmp_path / "metrics.yaml").write_text(PROJECT % expr, encoding="utf-8")
    started = time.perf_counter()
    codes = [issue.code for issue in load_project(tmp_path).issues]
    assert time.perf_counter() - started < SECONDS
    return codes


@pytest.mark.parametrize("kind,n", [("parentheses", 500), ("nots", 600), ("minus", 1_000), ("casts", 1_000),
                                    ("cases", 300), ("parentheses", 10_000), ("nots", 10_000), ("ands", 10_000),
                                    ("minus", 10_000), ("cases", 10_000)])
def test_deep_definition_expressions_are_refused(tmp_path: Path, kind: str, n: int) -> None:
    assert _load(tmp_path, _nested(kind, n)) == ["E_EXPRESSION_TOO_DEEP"]


def test_a_thousand_ands_are_flat_and_fine(tmp_path: Path) -> None:
    # a chain of ands is built in a loop, not by recursion: 1,000 of them (11 KB) load and compile
    (tmp_path / "metrics.yaml").write_text(PROJECT % _nested("ands", 1_000), encoding="utf-8")
    layer = SemanticLayer.open(tmp_path)
    sql = layer.compile(Question(metrics=["deal_count"]), "duckdb").sql
    assert sql.lower().count("amount > 0") == 1_000


@pytest.mark.parametrize("kind", ["parentheses", "nots", "cases"])
def test_nesting_just_under_the_limit_loads_and_compiles(tmp_path: Path, kind: str) -> None:
    depth = MAX_EXPRESSION_DEPTH - 4  # the outermost levels: the expression itself and the comparison
    (tmp_path / "metrics.yaml").write_text(PROJECT % _nested(kind, depth), encoding="utf-8")
    layer = SemanticLayer.open(tmp_path)
    assert "amount > 0" in layer.compile(Question(metrics=["deal_count"]), "postgres").sql.lower()


def _where_code(text: str) -> str:
    started = time.perf_counter()
    with pytest.raises(SemanticError) as info:
        parse_where(text)
    assert time.perf_counter() - started < SECONDS
    assert info.value.hint and len(info.value.message) < 400, "the message never echoes the whole input"
    return info.value.code


@pytest.mark.parametrize("text", [
    "(" * 500 + "account.segment = 'x'" + ")" * 500,
    "not " * 600 + "account.segment = 'x'",
    "(" * 10_000 + "account.segment = 'x'" + ")" * 10_000,
    "not " * 10_000 + "account.segment = 'x'",
    " and ".join(["account.segment = 'x'"] * 10_000),
    "account.segment = " + "- " * 1_000 + "1",
])
def test_deep_where_strings_are_refused_with_the_limit_named(text: str) -> None:
    assert _where_code(text) == "E_EXPRESSION_TOO_DEEP"


@pytest.mark.parametrize("joiner", [" and ", " or "])
def test_a_thousand_conditions_are_a_bad_filter(joiner: str) -> None:
    # 1,000 conditions (11 KB) parse flat; more than the 50 filters a question takes is refused, never a
    # RecursionError
    assert _where_code(joiner.join(["a.b = 1"] * 1_000)) == "E_BAD_FILTER"


def test_fifty_conditions_and_moderate_brackets_are_fine() -> None:
    assert len(parse_where(" and ".join(["account.segment = 'x'"] * 50))) == 50
    assert len(parse_where("(" * 40 + "account.segment = 'x'" + ")" * 40)) == 1


def _deep_list(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("field,value", [
    ("value", _deep_list(255)),
    ("value", _deep_list(10_000)),
    ("values", [_deep_list(255)]),
    ("value", {"a": _deep_list(50)}),
    ("values", list(range(10_001))),
])
def test_deep_or_huge_filter_values_are_refused(field: str, value: object) -> None:
    started = time.perf_counter()
    with pytest.raises(SemanticError) as info:
        Question.model_validate({"metrics": ["bookings"], "filters": [
            {"dimension": "account.segment", "op": "in" if field == "values" else "eq", field: value}]})
    assert time.perf_counter() - started < SECONDS
    assert info.value.code == "E_VALUE_TOO_DEEP" and info.value.hint


def test_shallow_list_values_are_left_to_the_planner(repo_root: Path) -> None:
    question = Question.model_validate({"metrics": ["bookings"], "filters": [
        {"dimension": "account.segment", "op": "eq", "value": [["x"]]}]})
    with pytest.raises(SemanticError) as info:
        SemanticLayer.open(repo_root).compile(question, "duckdb")
    assert info.value.code == "E_BAD_FILTER"


METRICS_ONLY = """
entities:
  deal:
    table: deals
    primary_key: deal_id
    default_time_dimension: closed_at
    dimensions:
      closed_at: {type: time}
    measures:
      deals: {agg: count}
metrics:
  deal_count: {type: simple, measure: deals}
%s
saved_queries:
  q: {metrics: [m0], grain: month, time_range: {relative: this_year}}
"""


@pytest.mark.parametrize("shape,expected", [("chain", "E_EXPRESSION_TOO_DEEP"), ("cycle", "E_METRIC_CYCLE")])
def test_thousands_of_stacked_metrics_are_one_issue(tmp_path: Path, shape: str, expected: str) -> None:
    n = 2_000
    lines = [f"  m{i}: {{type: derived, expr: m{i + 1} + 1}}" for i in range(n - 1)]
    lines.append("  m1999: {type: derived, expr: m0 + 1}" if shape == "cycle" else "  m1999: {type: simple, "
                                                                                   "measure: deals}")
    (tmp_path / "metrics.yaml").write_text(METRICS_ONLY % "\n".join(lines), encoding="utf-8")
    started = time.perf_counter()
    issues = load_project(tmp_path).issues
    assert time.perf_counter() - started < SECONDS
    assert [i.code for i in issues] == [expected] and len(issues[0].message) < 300

"""Least privilege for SQL in definitions: allow-listed functions and table sources, on parsed SQL."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from semantic.definitions import load_project
from semantic.definitions.expressions import ExpressionError, parse_scalar, parse_select, select_table_problems
from semantic.definitions.sql_policy import _FUNCTION_NAMES

DECLARED = frozenset({"deals", "analytics.accounts"})


def test_every_allow_listed_name_is_a_sqlglot_function() -> None:
    missing = [n for n in _FUNCTION_NAMES if not (isinstance(getattr(exp, n, None), type)
                                                  and issubclass(getattr(exp, n), exp.Func))]
    assert not missing, f"not sqlglot function classes (renamed in an upgrade?): {missing}"


@pytest.mark.parametrize("project", [".", "tests/external/maven_crm", "tests/external/pipeline_lakehouse",
                                     "tests/fixtures/projects/slow"])
def test_real_projects_stay_valid(repo_root: Path, project: str) -> None:
    assert [i.render() for i in load_project(repo_root / project).errors] == []


@pytest.mark.parametrize("sql", [
    "select deal_id, row_number() over (partition by account_id order by closed_at desc) as n from deals",
    "select account_id, min(closed_at) as first_at, count(distinct deal_id) as deals from deals group by 1",
    "select deal_id, coalesce(nullif(trim(lower(stage)), ''), 'none') as stage from deals",
    "select deal_id, date_trunc('month', closed_at) as m, date_part('year', closed_at) as y from deals",
    "select deal_id, cast(strptime(d, '%d/%m/%Y') as date) as d from deals",
    "with latest as (select deal_id from deals) select deal_id from latest",
    "select a.account_id from analytics.accounts as a join deals using (account_id)",
    "select range as deal_id from range(10)",
    "select deal_id from staging_deals",
])
def test_allowed_selects(sql: str) -> None:
    tree, _ = parse_select(sql)
    assert select_table_problems(tree, DECLARED) == []


@pytest.mark.parametrize("sql,named", [
    ("select pg_read_file('/etc/passwd') as x from deals", "pg_read_file"),
    ("select lo_import('/etc/passwd') as x from deals", "lo_import"),
    ("select current_setting('data_directory') as x from deals", "current_setting"),
    ("select set_config('a', 'b', false) as x from deals", "set_config"),
    ("select getenv('HOME') as x from deals", "getenv"),
    ("select current_user as x from deals", "current_user"),
    ("select version() as x from deals", "version"),
    ("select pg_sleep(60) as x from deals", "pg_sleep"),
    ("select x from read_csv('/etc/passwd')", "read_csv"),
    ("select x from dblink('host=h', 'select 1') as t(x int)", "dblink"),
    ("select x into copied from deals", "SELECT"),
])
def test_refused_at_parse(sql: str, named: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_select(sql)
    assert named.lower() in str(info.value).lower()


@pytest.mark.parametrize("sql,named", [
    ("select passwd as x from pg_catalog.pg_shadow", "system catalogue"),
    ("select usename as x from pg_user", "system catalogue"),
    ("select table_name as x from information_schema.tables", "system catalogue"),
    ("select name as x from duckdb_settings", "system catalogue"),
    ("select x from secret.salaries", "schema no entity uses"),
    ("select x from 'data/export.csv'", "file"),
])
def test_refused_tables(sql: str, named: str) -> None:
    tree, _ = parse_select(sql)
    problems = select_table_problems(tree, DECLARED)
    assert len(problems) == 1 and named in problems[0]


def test_scalar_expressions_use_the_same_allow_list() -> None:
    assert parse_scalar("stage_probability(stage) * coalesce(amount, 0)").identifiers == {"stage", "amount"}
    for text in ("getenv('HOME')", "current_setting('x')", "read_text('/etc/passwd')", "current_database()"):
        with pytest.raises(ExpressionError, match="not allowed"):
            parse_scalar(text)

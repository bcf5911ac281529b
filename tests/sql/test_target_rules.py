"""Warehouse rules sqlglot's lenient parser does not enforce, checked on the committed snapshots.

sqlglot reads `LIKE .. ESCAPE` in BigQuery and does not type-check comparisons, so rules a reviewer found
by reading the BigQuery SQL are written down here (each was a compiler bug found this way, now fixed).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sql.cases import CASES
from tests.sql.placeholders import inline, read_header

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"
# Ledger columns declared DateTime in semantic/ledger/schema.py (plus the derived first_won_at = min(closed_at)).
TIMESTAMP_COLUMNS = ("closed_at", "created_at", "occurred_at", "first_won_at")


def snapshots(dialect: str) -> dict[str, str]:
    return {case: (SNAPSHOTS / dialect / f"{case}.sql").read_text() for case in CASES}


def offenders(dialect: str, pattern: str) -> list[str]:
    return [case for case, text in snapshots(dialect).items() if re.search(pattern, text)]


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql", "snowflake", "bigquery", "trino"])
def test_every_bind_marker_is_replaced_before_parsing(dialect: str) -> None:
    """Otherwise sqlglot could accept `@param_1` as a placeholder and hide a real syntax problem."""
    for case, text in snapshots(dialect).items():
        sql = inline(text, read_header(text))
        assert not re.search(r"%\(\w+\)s|\$\d|(?<![:\w]):\d|@param_\d+|\?", sql), case


def test_bigquery_has_no_values_list() -> None:
    assert offenders("bigquery", r"\bVALUES\b") == []


def test_bigquery_column_names_have_no_dots() -> None:
    for case, text in snapshots("bigquery").items():  # findall pairs backticks left to right
        assert [name for name in re.findall(r"`([^`]*)`", text) if "." in name] == [], case


def test_bigquery_date_trunc_takes_the_part_second() -> None:
    assert offenders("bigquery", r"(?i)date_trunc\('") == []
    for case, text in snapshots("bigquery").items():
        for call in re.findall(r"DATE_TRUNC\(.*?, (\w+(?:\(\w+\))?)\)", text):
            assert call in {"WEEK(MONDAY)", "MONTH", "QUARTER", "YEAR"}, (case, call)


def test_trino_and_snowflake_quote_dotted_output_names() -> None:
    for dialect in ("trino", "snowflake"):
        assert offenders(dialect, r"AS [a-z_]+\.[a-z_]+\b") == []


def test_bigquery_like_has_no_escape_clause() -> None:
    assert offenders("bigquery", r"\bESCAPE\b") == []


def test_bigquery_time_range_does_not_compare_timestamps_with_dates() -> None:
    columns = "|".join(TIMESTAMP_COLUMNS)
    assert offenders("bigquery", rf"\.(?:{columns}) (?:>=|<) @param_\d+") == []


def test_bigquery_date_diff_gets_dates() -> None:
    columns = "|".join(TIMESTAMP_COLUMNS)
    assert offenders("bigquery", rf"DATE_DIFF\(\w+\.(?:{columns})") == []

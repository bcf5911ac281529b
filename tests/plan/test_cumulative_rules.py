"""Validation of cumulative metrics: a sum or count measure, one well-formed reach, each error where it is written."""
from __future__ import annotations

from pathlib import Path

from semantic.definitions import load_project

BASE = """
entities:
  deal:
    table: deals
    primary_key: id
    default_time_dimension: closed_at
    columns: [amount, account_id]
    dimensions:
      closed_at: {type: time}
    measures:
      deal_amount: {agg: sum, expr: amount}
      avg_amount: {agg: avg, expr: amount}
      buyers: {agg: count_distinct, expr: account_id}
metrics:
"""


def issues(tmp_path: Path, extra: str) -> list[tuple[str, int, int]]:
    (tmp_path / "metrics.yaml").write_text(BASE + extra, encoding="utf-8")
    return [(i.code, i.position.line, i.position.col) for i in load_project(tmp_path).issues
            if i.severity == "error"]


def test_valid_shapes(tmp_path):
    assert issues(tmp_path, "  a: {type: cumulative, measure: deal_amount, window: 90 days}\n"
                            "  b: {type: cumulative, measure: deal_amount, window: 1 month}\n"
                            "  c: {type: cumulative, measure: deal_amount, grain_to_date: fiscal_year}\n"
                            "  d: {type: cumulative, measure: deal_amount}\n") == []


def test_window_and_grain_to_date_together(tmp_path):
    found = issues(tmp_path, "  a:\n    type: cumulative\n    measure: deal_amount\n    window: 90 days\n"
                             "    grain_to_date: quarter\n")
    assert found == [("E_INVALID_VALUE", 19, 20)]  # the `grain_to_date` value


def test_malformed_window(tmp_path):
    for window in ("90 dayz", "0 days", "ninety days", "1000000 days", "2000 months"):
        found = issues(tmp_path, f"  a:\n    type: cumulative\n    measure: deal_amount\n    window: {window}\n")
        assert found == [("E_INVALID_VALUE", 18, 13)], window


def test_unknown_grain_to_date(tmp_path):
    found = issues(tmp_path, "  a: {type: cumulative, measure: deal_amount, grain_to_date: day}\n")
    assert [code for code, *_ in found] == ["E_INVALID_VALUE"]


def test_measure_must_add_up_by_day(tmp_path):
    found = issues(tmp_path, "  a:\n    type: cumulative\n    measure: avg_amount\n"
                             "  b:\n    type: cumulative\n    measure: buyers\n")
    assert found == [("E_INVALID_VALUE", 17, 14), ("E_INVALID_VALUE", 20, 14)]


def test_unknown_measure(tmp_path):
    found = issues(tmp_path, "  a:\n    type: cumulative\n    measure: deal_amout\n")
    assert found == [("E_UNKNOWN_MEASURE", 17, 14)]

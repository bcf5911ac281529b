"""Comparisons at the edges of the calendar, and questions a comparison cannot answer.

Hand-made deals: 2024-02-22 (5), 2024-02-28 (100), 2024-02-29 (1000), 2025-02-22 (7), 2025-02-28 (10).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question

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
      deal_amount: {agg: sum, expr: amount}
metrics:
  revenue: {type: simple, measure: deal_amount}
  revenue_yoy: {type: period_over_period, metric: revenue}
  revenue_last_year: {type: period_over_period, metric: revenue, calculation: previous}
"""


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    root: Path = tmp_path_factory.mktemp("leap")
    (root / "metrics.yaml").write_text(PROJECT, encoding="utf-8")
    with duckdb.connect(str(root / "ledger.duckdb")) as con:
        con.execute("create table deals (deal_id int, amount int, closed_at timestamp)")
        con.execute("insert into deals values (1, 5, '2024-02-22 10:00'), (2, 100, '2024-02-28 10:00'), "
                    "(3, 1000, '2024-02-29 10:00'), (4, 7, '2025-02-22 10:00'), (5, 10, '2025-02-28 10:00')")
    return SemanticLayer.open(root, f"duckdb:///{root / 'ledger.duckdb'}")


def ask(layer: SemanticLayer, **question) -> list[dict]:
    return layer.query(Question(metrics=["revenue", "revenue_last_year", "revenue_yoy"], **question)).rows


def test_day_grain_compares_a_day_with_the_same_date_only(layer):
    rows = ask(layer, grain="day", time_range={"from": "2025-02-27", "to": "2025-03-01"})
    # Feb 28 2025 vs Feb 28 2024 (100): Feb 29 2024 has no twin in 2025 and is not folded onto Feb 28
    assert [(r["period"], r["revenue"], r["revenue_last_year"]) for r in rows] == [
        ("2025-02-27", 0, 0), ("2025-02-28", 10, 100), ("2025-03-01", 0, 0)]
    assert rows[1]["revenue_yoy"] == pytest.approx(-0.9)


def test_a_range_compares_with_the_same_dates_a_year_before(layer):
    # Feb 22-28 2025 (7 + 10) vs Feb 22-28 2024 (5 + 100): seven days against seven days
    assert ask(layer, time_range={"from": "2025-02-22", "to": "2025-02-28"}) == [
        {"revenue": 17, "revenue_last_year": 105, "revenue_yoy": pytest.approx((17 - 105) / 105)}]


def test_month_grain_compares_whole_months(layer):
    # February 2025 (17) vs February 2024, all 29 days (5 + 100 + 1000)
    rows = ask(layer, grain="month", time_range={"from": "2025-02-01", "to": "2025-02-28"})
    assert [(r["period"], r["revenue"], r["revenue_last_year"]) for r in rows] == [("2025-02-01", 17, 1105)]


@pytest.mark.parametrize("question", [
    {"dimensions": ["deal.closed_at"]},
    {"filters": [{"dimension": "deal.closed_at", "op": "gte", "value": "2025-01-01"}]},
])
def test_slicing_or_filtering_by_the_compared_time_axis_is_refused(layer, question):
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["revenue_yoy"], time_range={"from": "2025-01-01", "to": "2025-12-31"},
                               **question), "duckdb")
    assert info.value.code == "E_BAD_REQUEST" and "time range and the grain" in info.value.hint

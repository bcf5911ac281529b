"""Like-for-like comparisons against hand counts on a tiny `sale` entity (one amount per row, powers of two,
so every sum names its rows), on DuckDB and PostgreSQL.

    A 2023-02-28 1     E 2025-01-05 16     I 2024-11-16 256    M 2025-08-16 4096
    B 2023-03-01 2     F 2025-02-28 32     J 2024-12-20 512    N 2025-10-01 8192
    C 2024-02-29 4     G 2024-10-10 64     K 2025-07-01 1024   O 2025-11-15 16384
    D 2024-03-20 8     H 2024-11-15 128    L 2025-08-15 2048

The period holding today is compared with the same days of the earlier period; whole periods on request.
"""
from __future__ import annotations

from datetime import date

import pytest

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import layer_with

ROWS = [("2023-02-28", 1), ("2023-03-01", 2), ("2024-02-29", 4), ("2024-03-20", 8), ("2025-01-05", 16),
        ("2025-02-28", 32), ("2024-10-10", 64), ("2024-11-15", 128), ("2024-11-16", 256), ("2024-12-20", 512),
        ("2025-07-01", 1024), ("2025-08-15", 2048), ("2025-08-16", 4096), ("2025-10-01", 8192),
        ("2025-11-15", 16384)]
SELECT = ("select sale_id, cast(sold_on as date) as sold_on, amount from (values "
          + ", ".join(f"({i}, '{d}', {a})" for i, (d, a) in enumerate(ROWS, 1)) + ") as t(sale_id, sold_on, amount)")
SALES = f"""
entities:
  sale:
    label: Sale
    description: Hand-made sales for the like-for-like tests.
    sql: "{SELECT}"
    primary_key: sale_id
    default_time_dimension: sold_on
    dimensions:
      sold_on: {{type: time, label: Sold on}}
    measures:
      sale_amount: {{agg: sum, expr: amount, label: Sale amount}}
metrics:
  sales:
    type: simple
    measure: sale_amount
    label: Sales
    description: Sum of the sale amounts.
  sales_yoy:
    type: period_over_period
    metric: sales
    label: Sales growth
    description: Growth of sales on the same period a year before, like for like.
  sales_yoy_whole:
    type: period_over_period
    metric: sales
    like_for_like: false
    label: Sales growth on whole periods
    description: Growth of sales on the whole same period a year before.
"""
YEAR_2025 = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(scope="module")
def layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(SALES, ledger_url, tmp_path_factory)  # today 2025-11-15


def ask(layer: SemanticLayer, *metrics: str, **question: object) -> list[dict]:
    return layer.query(Question(metrics=metrics, **question)).rows


def test_quarter_to_date_against_the_same_days_of_last_years_quarter(layer: SemanticLayer) -> None:
    rows = ask(layer, "sales", "sales_yoy", "sales_yoy_whole", grain="quarter", time_range=YEAR_2025)
    assert [(r["period"], r["sales"], r["sales_yoy"], r["sales_yoy_whole"]) for r in rows] == [
        ("2025-01-01", 48, pytest.approx(48 / 12 - 1), pytest.approx(48 / 12 - 1)),  # E+F vs whole C+D: complete
        ("2025-04-01", 0, None, None),                                               # 0 against 0
        ("2025-07-01", 7168, None, None),                                            # K+L+M against nothing
        # to date: N+O (Oct 1-Nov 15) against G+H (Oct 1-Nov 15 2024), not the whole quarter G+H+I+J
        ("2025-10-01", 24576, pytest.approx(24576 / 192 - 1), pytest.approx(24576 / 960 - 1)),
    ]


def test_compare_columns_and_the_note(layer: SemanticLayer) -> None:
    result = layer.query(Question(metrics=["sales"], grain="quarter", time_range=YEAR_2025,
                                  compare="same_period_last_year"))
    assert [(r["period"], r["sales__previous"], r["sales__change_pct"]) for r in result.rows][-1] == \
        ("2025-10-01", 192, pytest.approx(24576 / 192 - 1))
    notes = {c.name: c.note for c in result.columns}
    assert notes["sales"] is None
    assert notes["sales__previous"] == notes["sales__change_pct"] == (
        "like for like: the quarter holding today (2025-11-15) is compared with the same days of the earlier period")
    whole = layer.query(Question(metrics=["sales"], grain="quarter", time_range=YEAR_2025,
                                 compare="same_period_last_year", like_for_like=False))
    assert whole.rows[-1]["sales__previous"] == 960  # G+H+I+J, the whole of Q4 2024
    assert whole.columns[-1].note.startswith("whole periods: the quarter holding today")


def test_previous_period_to_date(layer: SemanticLayer) -> None:
    # Oct 1-Nov 15 against Jul 1-Aug 15 (K+L); the whole of Q3 is K+L+M
    for question in ({"grain": "quarter", "time_range": YEAR_2025}, {"time_range": {"relative": "this_quarter"}}):
        for like_for_like, before in ((True, 1024 + 2048), (False, 1024 + 2048 + 4096)):
            rows = ask(layer, "sales", compare="previous_period", like_for_like=like_for_like, **question)
            assert (rows[-1]["sales"], rows[-1]["sales__previous"]) == (24576, before), (question, like_for_like)


def test_only_the_period_holding_today_is_cut(layer: SemanticLayer) -> None:
    rows = ask(layer, "sales", grain="month", time_range=YEAR_2025, compare="same_period_last_year")
    by_month = {r["period"]: r["sales__previous"] for r in rows}
    assert by_month["2025-10-01"] == 64     # G: October is complete
    assert by_month["2025-11-01"] == 128    # H on Nov 15 2024 counts, I on Nov 16 does not
    assert by_month["2025-12-01"] == 512    # J: a month still to come is compared whole


@pytest.mark.parametrize("today, first, previous", [
    (date(2025, 2, 28), "2025-01-01", 4),   # to 28 Feb 2025: the same days of 2024 run to 29 Feb (C), not D
    (date(2024, 2, 29), "2024-01-01", 1),   # to 29 Feb 2024: 2023 runs to 28 Feb (A), not 1 March (B)
])
def test_29_february(ledger_url: str, tmp_path_factory: pytest.TempPathFactory, today: date, first: str,
                     previous: int) -> None:
    layer = layer_with(SALES, ledger_url, tmp_path_factory, today)
    quarter = {"from": first, "to": first[:5] + "03-31"}
    by_quarter = ask(layer, "sales", grain="quarter", time_range=quarter, compare="same_period_last_year")
    no_grain = ask(layer, "sales", time_range=quarter, compare="same_period_last_year")
    assert by_quarter[0]["sales__previous"] == no_grain[0]["sales__previous"] == previous

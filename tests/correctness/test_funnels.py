"""Funnels against hand counts and hand-written SQL on tests/correctness/conversion_ledger.py, on DuckDB and
PostgreSQL: the starter lead funnel, step order, windows between steps, an empty range and filters."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from semantic.question import FunnelQuestion
from tests.correctness import conversion_ledger
from tests.correctness.conftest import layer_with

EXTRA = """
funnels:
  no_windows:
    entity: lead
    steps:
      - {term: lead, time: created_at}
      - {term: mql, time: mql_at}
      - {term: sql, time: sql_at}
  fast_sql:
    entity: lead
    steps:
      - {term: lead, time: created_at}
      - {term: mql, time: mql_at, within: 30 days}
      - {term: sql, time: sql_at, within: 5 days, label: SQL within 5 days}
  sql_before_mql:
    entity: lead
    steps:
      - {term: lead, time: created_at}
      - {term: sql, time: sql_at}
      - {term: mql, time: mql_at}
"""
FIRST_HALF = {"from": "2024-01-01", "to": "2024-06-30"}


@pytest.fixture(scope="module")
def layer(conversion_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(EXTRA, conversion_url, tmp_path_factory, conversion_ledger.TODAY)


def steps(layer: SemanticLayer, funnel: str, **question: Any) -> list[tuple]:
    rows = layer.funnel(FunnelQuestion(funnel=funnel, **question)).rows
    return [(r["step"], r["label"], r["count"], r["rate_from_previous"], r["rate_from_first"]) for r in rows]


def test_starter_lead_funnel_by_hand_and_by_sql(layer: SemanticLayer) -> None:
    """Leads created in the first half of 2024 (duplicate 5 out; 8 is from 2023): 1 2 3 4 6 7 9 10. MQL within 30
    days: 1 (day 30), 3 (day 0), 7, 9 -- not 2 (day 31), 4 (disqualified), 6 (the day before), 10 (none). SQL
    within 30 days of the MQL: 1 (6 days), 3 (1 day), 9 (25 days); 7 has none."""
    assert steps(layer, "lead_funnel", time_range=FIRST_HALF) == [
        (1, "Leads", 8, None, 1.0), (2, "MQL within 30 days", 4, 0.5, 0.5),
        (3, "SQL within 30 days of MQL", 3, 0.75, 0.375)]
    with engine_for(layer.database_url).connect() as conn:
        hand = conn.execute(sa.text("""
            select count(*),
                   sum(case when mql then 1 else 0 end),
                   sum(case when mql and status <> 'disqualified' and sql_at is not null
                             and cast(sql_at as date) >= cast(mql_at as date)
                             and cast(sql_at as date) <= cast(mql_at as date) + 30 then 1 else 0 end)
            from (select *, (status <> 'disqualified' and mql_at is not null
                             and cast(mql_at as date) >= cast(created_at as date)
                             and cast(mql_at as date) <= cast(created_at as date) + 30) as mql
                  from leads) l
            where status <> 'duplicate' and created_at >= date '2024-01-01' and created_at < date '2024-07-01'
        """)).one()
    assert tuple(int(x) for x in hand) == (8, 4, 3)


def test_windows_between_steps_and_the_order_of_the_dates(layer: SemanticLayer) -> None:
    """Without windows lead 2 (MQL after 31 days) counts at step 2. With 5 days for the SQL only 3 (1 day)
    remains. SQL then MQL: 1, 3 and 9 became SQLs, but each became an MQL before that, so none reaches step 3."""
    assert [s[2] for s in steps(layer, "no_windows", time_range=FIRST_HALF)] == [8, 5, 3]
    assert steps(layer, "fast_sql", time_range=FIRST_HALF)[2] == (3, "SQL within 5 days", 1, 0.25, 0.125)
    assert [s[2] for s in steps(layer, "sql_before_mql", time_range=FIRST_HALF)] == [8, 3, 0]


def test_an_empty_range_and_a_filter(layer: SemanticLayer) -> None:
    """April has no lead: counts 0, rates null. Web leads of the first half: 1 3 4 7 9 -> 1 3 7 9 -> 1 3 9."""
    assert steps(layer, "lead_funnel", time_range={"from": "2024-04-01", "to": "2024-04-30"}) == [
        (1, "Leads", 0, None, None), (2, "MQL within 30 days", 0, None, None),
        (3, "SQL within 30 days of MQL", 0, None, None)]
    web = steps(layer, "lead_funnel", time_range=FIRST_HALF,
                filters=[{"dimension": "lead.source", "value": "web"}])
    assert [s[2] for s in web] == [5, 4, 3]


def test_the_saved_funnel_query_and_its_columns(layer: SemanticLayer) -> None:
    saved = layer.saved_query("lead_funnel_this_year")  # this year = 2024 (today 2024-06-15): leads 1..10 but 5, 8
    result = layer.funnel(FunnelQuestion.from_saved(saved))
    assert [r["count"] for r in result.rows] == [8, 4, 3]
    assert [(c.name, c.type, c.format) for c in result.columns] == [
        ("step", "integer", None), ("label", "string", None), ("count", "integer", "integer"),
        ("rate_from_previous", "number", "percent"), ("rate_from_first", "number", "percent")]


def test_unknown_funnel_and_a_filter_that_fans_out(layer: SemanticLayer) -> None:
    with pytest.raises(SemanticError) as err:
        layer.funnel(FunnelQuestion(funnel="lead_funel"))
    assert err.value.code == "E_UNKNOWN_FUNNEL" and "did you mean 'lead_funnel'" in err.value.message
    with pytest.raises(SemanticError) as err:
        layer.funnel(FunnelQuestion(funnel="lead_funnel", filters=[{"dimension": "opportunity.product",
                                                                   "value": "Core"}]))
    assert err.value.code == "E_FANOUT"

"""Aggregating before the join (semantic/sql/eager.py) gives the numbers of hand-written join-then-aggregate
SQL, on the small demo ledger, DuckDB (pre-aggregated) and PostgreSQL (not) alike."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask


def _hand(layer: SemanticLayer, sql: str) -> dict:
    with engine_for(layer.database_url).connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(sa.text(sql))}


def _number(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def test_two_entities_by_a_parent_column(demo_layer: SemanticLayer) -> None:
    rows = ask(demo_layer, "bookings", "activities", dimensions=["account.segment"])
    hand = _hand(demo_layer, """
        select a.segment,
               (select coalesce(sum(o.amount), 0) from opportunities o join accounts oa on oa.account_id = o.account_id
                where o.is_won and oa.segment is not distinct from a.segment),
               (select count(*) from activities x left join accounts xa on xa.account_id = x.account_id
                where xa.segment is not distinct from a.segment)
        from (select segment from accounts union select null) a""")
    got = {r["account.segment"]: (_number(r["bookings"]), r["activities"]) for r in rows}
    assert got == {k: (pytest.approx(float(b)), n) for k, (b, n) in hand.items() if n or b}
    assert all(type(r["activities"]) is int for r in rows)  # a count stays a count (not a sum's type)
    assert sum(n for _, n in got.values()) == _hand(demo_layer, "select 1, count(*) from activities")[1][0]


def test_conditional_counts_and_sums_by_rep_team_in_a_range(demo_layer: SemanticLayer) -> None:
    rows = ask(demo_layer, "won_deals", "lost_deals", "win_rate", "activities", dimensions=["rep.team"],
               time_range={"from": "2024-07-01", "to": "2025-06-30"})
    hand = _hand(demo_layer, """
        with deals as (select r.team, count(*) filter (where o.is_won) as won,
                              count(*) filter (where o.is_closed and not o.is_won) as lost, count(*) filter (where o.is_closed) as closed
                       from opportunities o left join reps r on r.rep_id = o.owner_rep_id
                       where o.closed_at >= date '2024-07-01' and o.closed_at < date '2025-07-01' group by 1),
             acts as (select r.team, count(*) as n from activities x left join reps r on r.rep_id = x.rep_id
                      where x.occurred_at >= date '2024-07-01' and x.occurred_at < date '2025-07-01' group by 1)
        select coalesce(d.team, a.team), coalesce(d.won, 0), coalesce(d.lost, 0), coalesce(a.n, 0), d.closed
        from deals d full join acts a on coalesce(d.team, '') = coalesce(a.team, '')""")
    got = {r["rep.team"]: (r["won_deals"], r["lost_deals"], r["activities"]) for r in rows}
    assert got == {team: values[:3] for team, values in hand.items()} and len(got) > 1
    for r in rows:
        won, closed = hand[r["rep.team"]][0], hand[r["rep.team"]][3]
        assert r["win_rate"] == (pytest.approx(won / closed) if closed else None)


def test_only_exact_cases_are_pre_aggregated() -> None:
    layer = SemanticLayer.open(REPO_ROOT)  # compile only

    def sql(dialect: str = "duckdb", **question: object) -> str:
        return layer.compile(Question(**question), dialect).sql

    assert "partials" in sql(metrics=["activities"], dimensions=["account.segment"])
    assert "partials" not in sql("postgresql", metrics=["activities"], dimensions=["account.segment"])
    assert "partials" not in sql(metrics=["activities"], dimensions=["account.segment"], grain="quarter")
    assert "partials" not in sql(metrics=["activities"], dimensions=["activity.activity_type"])  # no parent key
    assert "partials" not in sql(metrics=["avg_deal_size"], dimensions=["account.segment"])  # an average
    assert "partials" not in sql(metrics=["bookings"], dimensions=["account.segment"],  # a filter on the parent
                                 filters=[{"dimension": "account.region", "op": "eq", "value": "EMEA"}])

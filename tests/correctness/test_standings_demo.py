"""Shares, ranks and date parts on the small demo ledger (tests/correctness/conftest.py `demo_layer`), against
hand-written SQL on the same database, DuckDB and PostgreSQL alike."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from tests.correctness.helpers import ask, by


def _rows(layer: SemanticLayer, sql: str) -> dict:
    with engine_for(layer.database_url).connect() as conn:
        return {row[0]: float(row[1]) for row in conn.execute(sa.text(sql))}


def test_share_of_pipeline_created_by_deal_type_per_quarter(demo_layer: SemanticLayer) -> None:
    """What part of each quarter's new pipeline is new business, expansion or renewal (2024)."""
    rows = ask(demo_layer, "pipeline_created", dimensions=["opportunity.type"], grain="quarter", share_of=[],
               time_range={"from": "2024-01-01", "to": "2024-12-31"})
    hand = _rows(demo_layer, """
        select cast(date_trunc('quarter', created_at) as date) || '/' || type,
               sum(amount) / sum(sum(amount)) over (partition by date_trunc('quarter', created_at))
        from opportunities
        where created_at >= date '2024-01-01' and created_at < date '2025-01-01'
        group by date_trunc('quarter', created_at), type""")
    assert hand, "the demo ledger has deals created in 2024"
    shares = {f"{r['period']}/{r['opportunity.type']}": r["pipeline_created_share"] for r in rows
              if r["pipeline_created"]}
    assert shares == pytest.approx(hand)
    for period in {r["period"] for r in rows}:
        assert sum(r["pipeline_created_share"] or 0 for r in rows if r["period"] == period) == pytest.approx(1)


def test_rank_of_reps_by_bookings_within_region(demo_layer: SemanticLayer) -> None:
    rows = ask(demo_layer, "bookings", dimensions=["rep.region", "rep.name"], rank_by="bookings",
               rank_within=["rep.region"])
    hand = _rows(demo_layer, """
        select r.name, rank() over (partition by r.region order by sum(o.amount) desc)
        from opportunities o join reps r on r.rep_id = o.owner_rep_id
        where o.is_won group by r.region, r.name""")
    assert by(rows, "rep.name", "bookings_rank") == hand


def test_opportunities_created_by_day_of_week(demo_layer: SemanticLayer) -> None:
    rows = ask(demo_layer, "opportunities_created", dimensions=["opportunity.created_at.day_of_week"])
    weekday = "extract(isodow from created_at)" if demo_layer.database_url.startswith("postgresql") \
        else "isodow(created_at)"
    hand = _rows(demo_layer, f"select cast({weekday} as integer), count(*) from opportunities group by 1")
    assert by(rows, "opportunity.created_at.day_of_week", "opportunities_created") == hand
    assert set(hand) <= set(range(1, 8))

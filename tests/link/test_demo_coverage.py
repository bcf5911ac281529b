"""Coverage metrics and days since the last activity on a small demo ledger, against hand-written SQL."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import generate, write_ledger
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by
from tests.support.postgres import fresh_database

TODAY = date(2025, 6, 30)
RANGE = {"from": "2025-01-01", "to": "2025-06-30"}


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('link_demo') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "link_demo")
    write_ledger(url, generate(scale=0.05, seed=7, as_of=TODAY))
    return SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=TODAY))


def _rows(layer: SemanticLayer, sql: str) -> list[tuple]:
    """Rows of hand-written SQL on the layer's own pool (a DuckDB file takes one configuration at a time)."""
    with engine_for(layer.database_url).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_coverage_by_source_system_matches_hand_sql(demo: SemanticLayer) -> None:
    hand = _rows(demo, """
        select source_system, count(*), count(contact_id), count(account_id), count(opportunity_id)
        from activities
        where occurred_at >= timestamp '2025-01-01' and occurred_at < timestamp '2025-07-01'
        group by source_system""")
    rows = ask(demo, "activities", "activity_contact_coverage", "activity_account_coverage",
               "activity_opportunity_coverage", dimensions=("activity.source_system",), time_range=RANGE)
    assert len(hand) >= 3
    for metric, column in (("activity_contact_coverage", 2), ("activity_account_coverage", 3),
                           ("activity_opportunity_coverage", 4)):
        assert by(rows, "activity.source_system", metric) == pytest.approx(
            {r[0]: r[column] / r[1] for r in hand}), metric


def test_days_since_activity_of_open_deals_matches_hand_sql(demo: SemanticLayer) -> None:
    """Per open deal: whole days from its latest linked activity on or before today to today."""
    hand = _rows(demo, """
        select o.opportunity_id, max(cast(a.occurred_at as date))
        from opportunities o
        left join activities a
          on a.opportunity_id = o.opportunity_id and cast(a.occurred_at as date) <= date '2025-06-30'
        where not o.is_closed
        group by o.opportunity_id""")
    expected: dict[object, int] = {}
    for _, last in hand:
        days = (TODAY - last).days if last is not None else None
        expected[days] = expected.get(days, 0) + 1
    rows = ask(demo, "open_deals_by_last_activity", dimensions=("deal_hygiene.days_since_activity",),
               time_range={"from": "2000-01-01", "to": "2099-12-31"})
    assert by(rows, "deal_hygiene.days_since_activity", "open_deals_by_last_activity") == expected
    assert sum(expected.values()) == len(hand) > 5

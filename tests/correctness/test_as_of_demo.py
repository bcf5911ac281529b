"""As of on the generated demo ledger: today equals the current pipeline, and past instants (one, or the end
of each month) equal a reconstruction written here in plain SQL from opportunity_stage_history.

The reconstruction is sound on this ledger because every deal's first change is its creation and no deal has
two changes at one instant (both asserted below): the latest change before the instant is the state.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import generate, write_ledger
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by, total
from tests.support.postgres import fresh_database

TODAY = date(2025, 6, 30)
PROBABILITY = ("case l.to_stage when 'prospecting' then 0.05 when 'qualification' then 0.10 when 'discovery' "
               "then 0.25 when 'proposal' then 0.5 when 'negotiation' then 0.8 end")  # glossary.yaml
OPEN = "l.to_stage not in ('closed_won', 'closed_lost')"
STATE = """
with latest as (
  select h.*, row_number() over (partition by opportunity_id order by changed_at desc) as rn
  from opportunity_stage_history h where h.changed_at < :bound
)
select {select} from opportunities o join latest l on l.opportunity_id = o.opportunity_id and l.rn = 1
where o.created_at < :bound and {where} {group}
"""


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def demo_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('as_of_demo') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_as_of_demo")
    write_ledger(url, generate(scale=0.25, seed=11, as_of=TODAY))
    return url


@pytest.fixture(scope="module")
def demo(demo_url: str) -> SemanticLayer:
    return SemanticLayer.open(REPO_ROOT, demo_url, ExecutionSettings(today=TODAY))


def _hand(url: str, sql: str, bound: datetime) -> list[tuple]:
    """Hand-written SQL on the layer's own connection pool (DuckDB allows one configuration per file)."""
    with engine_for(url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), {"bound": bound})]


def _pipeline(url: str, bound: datetime) -> tuple[float, float, int]:
    sql = STATE.format(select=f"sum(l.amount), sum(l.amount * {PROBABILITY}), count(*)", where=OPEN, group="")
    amount, weighted, deals = _hand(url, sql, bound)[0]
    return float(amount or 0), float(weighted or 0), int(deals)


def test_the_reconstruction_holds_on_this_ledger(demo_url: str) -> None:
    before_first = """select count(*) from opportunities o where o.created_at <> (select min(changed_at)
                      from opportunity_stage_history h where h.opportunity_id = o.opportunity_id)"""
    ties = """select count(*) from (select opportunity_id, changed_at from opportunity_stage_history
              group by 1, 2 having count(*) > 1) t"""
    assert _hand(demo_url, before_first, datetime.now()) == [(0,)]
    assert _hand(demo_url, ties, datetime.now()) == [(0,)]


def test_as_of_today_is_the_current_pipeline(demo: SemanticLayer) -> None:
    for metric in ("open_pipeline", "weighted_pipeline", "open_deals"):
        assert total(demo, metric, as_of=TODAY.isoformat()) == pytest.approx(total(demo, metric))


@pytest.mark.parametrize("day", ["2024-12-31", "2025-03-15", "2025-06-01"])
def test_as_of_a_past_day(demo: SemanticLayer, demo_url: str, day: str) -> None:
    amount, weighted, deals = _pipeline(demo_url, datetime.fromisoformat(day) + timedelta(days=1))
    assert total(demo, "open_pipeline", as_of=day) == pytest.approx(amount)
    assert total(demo, "weighted_pipeline", as_of=day) == pytest.approx(weighted)
    assert total(demo, "open_deals", as_of=day) == deals


def test_forecast_categories_as_of_a_timestamp(demo: SemanticLayer, demo_url: str) -> None:
    instant = datetime(2025, 2, 14, 12, 30)
    sql = STATE.format(select="l.to_stage, sum(l.amount)", where=OPEN, group="group by 1")
    category = {"prospecting": "pipeline", "qualification": "pipeline", "discovery": "pipeline",
                "proposal": "best_case", "negotiation": "commit"}
    expected: dict[str, float] = {}
    for stage, amount in _hand(demo_url, sql, instant + timedelta(microseconds=1)):
        expected[category[stage]] = expected.get(category[stage], 0) + float(amount)
    rows = ask(demo, "open_pipeline", dimensions=["opportunity.forecast_category"], as_of=instant.isoformat())
    assert by(rows, "opportunity.forecast_category", "open_pipeline") == pytest.approx(expected)


def test_end_of_each_month(demo: SemanticLayer, demo_url: str) -> None:
    rows = ask(demo, "open_pipeline", "open_deals", grain="month", as_of_each="end",
               time_range={"from": "2024-10-01", "to": "2025-03-31"})
    expected = {}
    for month in (date(2024, 10, 1), date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1),
                  date(2025, 3, 1)):
        next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        expected[month.isoformat()] = _pipeline(demo_url, datetime.combine(next_month, datetime.min.time()))
    assert by(rows, "period", "open_pipeline") == pytest.approx({k: v[0] for k, v in expected.items()})
    assert by(rows, "period", "open_deals") == {k: v[2] for k, v in expected.items()}

"""The waterfall on a generated demo ledger, on DuckDB and PostgreSQL: start + ins - outs = end exactly, in
amount and in count, for every quarter of the data; and the end of a waterfall read today equals the open
pipeline the plain metric reads from the current rows (an independent path: no history involved).
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import generate, write_ledger
from semantic.question import Question
from semantic.waterfall import WaterfallQuestion
from tests.correctness.helpers import hand_sql
from tests.support.postgres import fresh_database

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 30)


def quarters(first: date, last: date) -> list[tuple[date, date]]:
    out, start = [], first
    while start <= last:
        nxt = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        out.append((start, nxt - timedelta(days=1)))
        start = nxt
    return out


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def demo_layer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('waterfall_demo') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_waterfall_demo")
    write_ledger(url, generate(scale=0.3, seed=11, as_of=TODAY))
    return SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=TODAY))


def run(layer: SemanticLayer, **question: Any) -> list[dict[str, Any]]:
    return layer.waterfall(WaterfallQuestion.model_validate(question)).rows


@pytest.mark.parametrize("by", [[], ["opportunity.product"]])
def test_identity_for_every_quarter(demo_layer: SemanticLayer, by: list[str]) -> None:
    moved = 0
    for first, last in quarters(date(2022, 7, 1), TODAY):
        rows = run(demo_layer, close_range={"from": first.isoformat(), "to": last.isoformat()}, dimensions=by)
        slices: dict[Any, list[dict[str, Any]]] = {}
        for r in rows:
            slices.setdefault(tuple(r[d] for d in by), []).append(r)
        for key, part in slices.items():
            end = next(r for r in part if r["bucket"] == "end")
            flows = [r for r in part if r["bucket"] != "end"]
            assert sum(r["count"] for r in flows) == end["count"], (first, key)
            assert sum(r["amount"] for r in flows) == pytest.approx(end["amount"], abs=0.005), (first, key)
            moved += sum(r["deals"] for r in flows if r["bucket"] != "start")
    assert moved > 100  # the quarters are not empty: the identity was tested on real movement


def test_end_today_is_the_open_pipeline_of_the_current_rows(demo_layer: SemanticLayer) -> None:
    window = {"from": "2025-07-01", "to": "2025-09-30"}
    rows = {r["bucket"]: r for r in run(demo_layer, close_range=window, start="2025-04-01")}
    metric = demo_layer.query(Question(metrics=("open_pipeline",), time_range=window)).rows[0]["open_pipeline"]
    count = hand_sql(demo_layer, "select count(*) from opportunities where not is_closed "
                              "and close_date between '2025-07-01' and '2025-09-30'")
    assert rows["end"]["amount"] == pytest.approx(metric, abs=0.005)
    assert rows["end"]["deals"] == count > 0

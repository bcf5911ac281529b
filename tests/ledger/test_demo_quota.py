"""Starter metrics on the demo ledger (quota attainment per rep, stage changes) against hand-written SQL over
the very same tables."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import write_ledger
from semantic.question import Question
from tests.ledger.conftest import AS_OF

HAND = """
    with won as (select owner_rep_id as rep_id, sum(amount) as booked from opportunities
                 where is_won and closed_at >= date '2025-01-01' and closed_at < date '2025-04-01' group by 1),
         quota as (select rep_id, sum(amount) as quota from quotas
                   where period_start >= date '2025-01-01' and period_start < date '2025-04-01' group by 1)
    select r.name, sum(q.quota), sum(w.booked), coalesce(sum(w.booked), 0) / sum(q.quota)
    from reps r left join quota q using (rep_id) left join won w using (rep_id)
    where q.quota is not null or w.booked is not null
    group by r.name
"""


HISTORY_METRICS = """
version: 1
metrics:
  stage_changes: {type: simple, measure: stage_changes}
  history_changes: {type: simple, measure: history_changes}
"""


@pytest.fixture(scope="module")
def demo_url(small_tables: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small demo in its own file: the shared one is open read-only elsewhere in the session."""
    url = f"duckdb:///{tmp_path_factory.mktemp('demo') / 'demo.duckdb'}"
    write_ledger(url, small_tables)
    return url


def _hand(url: str, sql: str) -> list[tuple]:
    with engine_for(url).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql)).fetchall()]


def test_attainment_per_rep_for_one_quarter(demo_url: str, repo_root: Path) -> None:
    layer = SemanticLayer.open(repo_root, demo_url, ExecutionSettings(today=AS_OF))
    hand = _hand(demo_url, HAND)
    expected = {name: (float(quota or 0), float(booked or 0), None if ratio is None else float(ratio))
                for name, quota, booked, ratio in hand}
    rows = layer.query(Question(metrics=("quota", "bookings", "quota_attainment"), dimensions=("rep.name",),
                                time_range={"from": "2025-01-01", "to": "2025-03-31"})).rows
    got = {r["rep.name"]: (float(r["quota"]), float(r["bookings"]),
                           None if r["quota_attainment"] is None else float(r["quota_attainment"])) for r in rows}
    assert got.keys() == expected.keys() and len(got) > 5
    for name, (quota, booked, attainment) in expected.items():
        assert got[name][:2] == (quota, booked), name
        assert (got[name][2] is None) == (attainment is None) and abs((got[name][2] or 0) - (attainment or 0)) < 1e-9
    assert any(a is not None and a > 1 for _, _, a in got.values())  # someone beat the quota


def test_stage_changes_count_stage_moves_only(demo_url: str, repo_root: Path, tmp_path: Path) -> None:
    """stage_changes leaves out the rows that only change the amount or the close date; history_changes
    counts every row. Both for the second quarter of 2025, by changed_at."""
    for name in ("glossary.yaml", "metrics.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "history.yaml").write_text(HISTORY_METRICS, encoding="utf-8")
    layer = SemanticLayer.open(tmp_path, demo_url, ExecutionSettings(today=AS_OF))
    row = layer.query(Question(metrics=("stage_changes", "history_changes"),
                               time_range={"from": "2025-04-01", "to": "2025-06-30"})).rows[0]
    where = "changed_at >= date '2025-04-01' and changed_at < date '2025-07-01'"
    moves, every = _hand(demo_url, f"""select count(*) filter (where from_stage is distinct from to_stage), count(*)
                                      from opportunity_stage_history where {where}""")[0]
    assert (row["stage_changes"], row["history_changes"]) == (moves, every)
    assert 0 < moves < every

"""Quota attainment per rep on the demo ledger, against hand-written SQL over the very same tables."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
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


def test_attainment_per_rep_for_one_quarter(small_tables: dict[str, pa.Table], tmp_path: Path,
                                            repo_root: Path) -> None:
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"  # its own file: the shared one is open read-only elsewhere
    write_ledger(url, small_tables)
    layer = SemanticLayer.open(repo_root, url, ExecutionSettings(today=AS_OF))
    with engine_for(url).connect() as conn:
        hand = conn.execute(sa.text(HAND)).fetchall()
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

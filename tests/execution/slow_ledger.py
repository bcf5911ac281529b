"""A project whose one metric makes the database work for minutes, for cancellation and limit tests.

The work hides behind a view (a 10-billion-row cross product), so the definitions name a plain table and
the layer cannot tell it apart from a real ledger table.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import sqlalchemy as sa

PROJECT = """\
entities:
  pair:
    table: pair
    primary_key: left_id
    columns: [right_id]
    measures:
      pairs: {agg: count}
      distinct_pairs: {agg: count_distinct, expr: left_id * 100000 + right_id}
metrics:
  pair_count:
    type: simple
    measure: pairs
  distinct_pair_count:
    type: simple
    measure: distinct_pairs
"""

DUCKDB_VIEW = ("create view pair as select a.range as left_id, b.range as right_id "
               "from range({n}) as a, range({n}) as b")
POSTGRES_VIEW = ("create view pair as select a as left_id, b as right_id "
                 "from generate_series(1, {n}) as a, generate_series(1, {n}) as b")


def write_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.yaml").write_text(PROJECT, encoding="utf-8")
    return folder


def write_duckdb(path: Path, n: int = 100_000) -> str:
    with duckdb.connect(str(path)) as conn:
        conn.execute(DUCKDB_VIEW.format(n=int(n)))
    return f"duckdb:///{path}"


def create_postgres_view(admin_url: str, n: int = 100_000) -> None:
    engine = sa.create_engine(admin_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("drop view if exists pair")
        conn.exec_driver_sql(POSTGRES_VIEW.format(n=int(n)))
    engine.dispose()

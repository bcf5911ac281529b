"""A tiny project over tables whose keys are broken in every way a key check reports, with hand counts.

deals (deal_id, name, amount):       touches (touch_id, deal_id):
  1 a 100   <- key 1 twice              10 -> 1
  1 a 100                               11 -> 2
  2 b 50    <- key 2 three times        12 -> 9   no deal 9
  2 b 50                                13 -> 9   no deal 9
  2 b 50                                14 -> 8   no deal 8
  3 c 10                                15 -> null (not an orphan: no key to miss)
  null d 5  <- two rows without a key   16 -> 3
  null e 7

Hand counts: deals has 8 rows, 6 with a key, 3 distinct keys: 2 keys repeat (2 occurs 3 times, 1 twice),
making 3 extra rows; 2 rows have a null key. touches: 6 rows have a deal_id, 3 of them (50%) find no deal,
over 2 distinct keys (8 and 9). Counted through deal.name, touch 10 meets both rows of deal 1: `a` = 2 of
the 7 touches, though only 1 touch points at deal 1.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

DEALS = [(1, "a", 100), (1, "a", 100), (2, "b", 50), (2, "b", 50), (2, "b", 50), (3, "c", 10), (None, "d", 5),
         (None, "e", 7)]
TOUCHES = [(10, 1), (11, 2), (12, 9), (13, 9), (14, 8), (15, None), (16, 3)]

METRICS = """\
entities:
  deal:
    table: deals
    primary_key: deal_id
    dimensions:
      name: {}
      amount: {type: number}
    measures:
      deal_amount: {agg: sum, expr: amount}
  touch:
    table: touches
    primary_key: touch_id
    joins:
      deal: {foreign_key: deal_id, max_orphan_share: %s}
    measures:
      touch_count: {agg: count}
  clean_deal:
    sql: select distinct deal_id, name from deals where deal_id is not null
    primary_key: deal_id
    dimensions:
      name: {}
metrics:
  touches: {type: simple, measure: touch_count}
  deal_amount: {type: simple, measure: deal_amount}
"""
KEY_LINE = 4  # metrics.yaml line of `primary_key: deal_id` (deal)
JOIN_LINE = 14  # metrics.yaml line of the touch -> deal join


UNCOMPARABLE = """\
entities:
  deal:
    table: deals
    primary_key: deal_id
  note:
    table: notes
    primary_key: note_id
    joins:
      deal: {foreign_key: deal_ref}
    measures:
      note_count: {agg: count}
metrics:
  notes: {type: simple, measure: note_count}
"""


def write_project(folder: Path, max_orphan_share: float = 0.25) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.yaml").write_text(METRICS % max_orphan_share)
    return folder


def load(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("create table deals (deal_id integer, name varchar(10), amount integer)")
            conn.exec_driver_sql("create table touches (touch_id integer, deal_id integer)")
            deals = sa.table("deals", sa.column("deal_id"), sa.column("name"), sa.column("amount"))
            touches = sa.table("touches", sa.column("touch_id"), sa.column("deal_id"))
            conn.execute(deals.insert(), [dict(zip(("deal_id", "name", "amount"), r)) for r in DEALS])
            conn.execute(touches.insert(), [dict(zip(("touch_id", "deal_id"), r)) for r in TOUCHES])
            conn.exec_driver_sql("create table notes (note_id integer, deal_ref varchar(10))")
            conn.exec_driver_sql("insert into notes values (1, 'x1')")  # a key no integer key can equal
    finally:
        engine.dispose()

"""The generated rows of a `from_history:` entity outside the starter: a history field read through a computed
dimension, a stage name with a quote in it, a tie-break column, and `current_date` as the layer's today."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question

PROJECT = """
stages:
  - {name: open, definition: Open., probability: 0.5, forecast_category: pipeline, stale_after_days: 3}
  - {name: "won't say", definition: Stalled., probability: 0.2, forecast_category: pipeline}
  - {name: won, definition: Won., probability: 1, forecast_category: closed, is_closed: true, is_won: true}
  - {name: lost, definition: Lost., probability: 0, forecast_category: omitted, is_closed: true}
entities:
  deal:
    table: deals
    primary_key: deal_id
    stage_dimension: stage
    columns: [created_on]
    dimensions:
      stage: {}
  deal_log:
    table: deal_log
    columns: [deal_id, changed, seq]
    dimensions:
      raw_stage: {}
      clean_stage: {expr: "trim(raw_stage)"}
    history: {of: deal, key: deal_id, changed_at: changed, created_at: created_on, fields: {stage: clean_stage},
              tie_break: [seq]}
  spell:
    from_history: {history: deal_log, rows: stage_spells}
    primary_key: spell_id
    default_time_dimension: entered_at
    dimensions:
      stage: {}
      entered_at: {type: time}
      days_so_far: {type: number, expr: "date_diff('day', cast(entered_at as date), current_date)"}
    measures:
      entries: {agg: count}
      oldest_days: {agg: max, expr: days_so_far}
metrics:
  entries: {type: simple, measure: entries}
  oldest_days: {type: simple, measure: oldest_days}
"""


def test_generated_spells_on_a_project_of_its_own(tmp_path: Path) -> None:
    """Deal 1: ' open ' (padded: the computed dimension trims it) on Jan 1, then two changes at the same
    time on Jan 5 ordered by seq: won (seq 2) before "won't say" (seq 3), so it ends in "won't say" and
    entered won for no time. Deal 2: open on Jan 3, an edit to open again on Jan 4 (no entry)."""
    (tmp_path / "metrics.yaml").write_text(PROJECT, encoding="utf-8")
    url = f"duckdb:///{tmp_path / 'tiny.duckdb'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("create table deals (deal_id int, stage text, created_on timestamp)")
        conn.exec_driver_sql("insert into deals values (1, 'won''t say', '2025-01-01'), (2, 'open', '2025-01-03')")
        conn.exec_driver_sql("create table deal_log (deal_id int, raw_stage text, changed timestamp, seq int)")
        conn.exec_driver_sql("insert into deal_log values (1, ' open ', '2025-01-01', 1), "
                             "(1, 'won''t say', '2025-01-05', 3), (1, 'won', '2025-01-05', 2), "
                             "(2, 'open', '2025-01-03', 4), (2, 'open', '2025-01-04', 5)")
    engine.dispose()
    layer = SemanticLayer.open(tmp_path, url, ExecutionSettings(today=date(2025, 1, 10)))
    rows = layer.query(Question(metrics=("entries",), dimensions=("spell.stage",))).rows
    assert {r["spell.stage"]: r["entries"] for r in rows} == {"open": 2, "won": 1, "won't say": 1}
    # the oldest spell (deal 1's open, from Jan 1) is 9 days old on the layer's today
    assert layer.query(Question(metrics=("oldest_days",))).rows == [{"oldest_days": 9}]

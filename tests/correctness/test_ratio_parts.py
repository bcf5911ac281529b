"""Ratios whose two parts count different rows: each part keeps its own time column and its own terms.

The starter's ratios no longer mix time columns, so a copy of the project adds one that does; and the MQL to
SQL conversion is checked on a ledger holding a lead that sales accepted without it ever becoming an MQL.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from semantic.layer import ExecutionSettings, SemanticLayer
from tests.correctness.conftest import REPO_ROOT, TODAY
from tests.correctness.helpers import ask, by, total
from tests.fixtures.ledger_small import load_ledger

ACTIVITIES_PER_OPEN_DEAL_CLOSING = """
  activities_in_period_per_open_opportunity:
    type: ratio
    numerator: activity_count
    denominator: open_opportunities
    description: Activities in the period (occurred_at) per open deal expected to close in it (close_date).
"""


@pytest.fixture(scope="module")
def mixed_time_layer(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    project = tmp_path_factory.mktemp("mixed_time_ratio")
    (project / "glossary.yaml").write_text((REPO_ROOT / "glossary.yaml").read_text())
    text = (REPO_ROOT / "metrics.yaml").read_text()
    assert "\nmetrics:\n" in text
    with_ratio = text.replace("\nmetrics:\n", "\nmetrics:" + ACTIVITIES_PER_OPEN_DEAL_CLOSING, 1)
    (project / "metrics.yaml").write_text(with_ratio)
    return SemanticLayer.open(project, ledger_url, ExecutionSettings(today=TODAY))


def test_ratio_parts_on_different_time_columns(mixed_time_layer: SemanticLayer) -> None:
    """Activities (occurred_at) per open opportunity (close_date) by quarter:
    2025Q2 activities 9, 10, 11 / no open deal closing -> None; Q3 12, 13, 14, 15, 16, 27, 28 / 115 -> 7;
    Q4 17..24, 29 / 111, 112 -> 4.5; 2026Q1 no activity / 113, 114 -> 0."""
    metric = "activities_in_period_per_open_opportunity"
    rows = ask(mixed_time_layer, metric, grain="quarter", time_range={"from": "2025-04-01", "to": "2026-03-31"})
    assert by(rows, "period", metric) == {"2025-04-01": None, "2025-07-01": 7.0, "2025-10-01": 4.5,
                                          "2026-01-01": 0.0}


def test_mql_to_sql_rate_counts_only_mqls_that_became_sqls(tmp_path: Path) -> None:
    """Lead 16 was accepted by sales (sql_at) without ever being an MQL: it is in neither part of the rate.
    Leads that became MQLs: 2, 3, 6, 8, 10, 12, 14; of them SQLs: 3, 6, 10, 14 -> 4 / 7 (not 5 / 7)."""
    url = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    load_ledger(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("insert into leads (lead_id, email, company, source, status, score, created_at, "
                             "sql_at) values (16, 'lead16@example.test', 'Company 16', 'outbound', 'working', 160, "
                             "timestamp '2025-03-01 09:00', timestamp '2025-03-05 09:00')"))
    engine.dispose()
    layer = SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=TODAY))
    assert total(layer, "sqls") == 5  # lead 16 is an SQL ...
    assert total(layer, "mql_to_sql_rate") == pytest.approx(4 / 7)  # ... but never was an MQL

"""Compile-only proof: every starter metric, asked per quarter of a year, compiles for each warehouse the
layer cannot run here (Snowflake, BigQuery, Trino), and sqlglot reads back in that dialect both the text
as the driver takes it (its markers swapped for their values) and the console form `semantic compile`
prints there, as is: one SELECT statement with no parameter marker left."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from semantic.definitions.metric_models import RankMetric, ShareMetric
from semantic.dialects import facts
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.sql.cases import open_layer
from tests.sql.placeholders import inline, literal

COMPILE_ONLY = ("snowflake", "bigquery", "trino")
REPO = Path(__file__).resolve().parents[2]
METRICS = sorted(SemanticLayer.open(REPO, None).definitions.metrics)
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(scope="module")
def layer() -> SemanticLayer:
    return open_layer(REPO)


def _question(layer: SemanticLayer, name: str) -> Question:
    metric = layer.metric(name)
    within = metric.within if isinstance(metric, (ShareMetric, RankMetric)) else ()
    return Question(metrics=(name,), dimensions=within, grain="quarter", time_range=YEAR)


def _one_select(sql: str, dialect: str) -> exp.Expression:
    trees = [t for t in sqlglot.parse(sql, read=facts(dialect).sqlglot_name) if t is not None]
    assert len(trees) == 1, f"{len(trees)} statements"
    assert isinstance(trees[0], exp.Select) or trees[0].find(exp.Select) is not None
    return trees[0]


@pytest.mark.slow
@pytest.mark.parametrize("dialect", COMPILE_ONLY)
def test_every_starter_metric_parses_back_in_every_compile_only_dialect(layer: SemanticLayer, dialect: str) -> None:
    assert len(METRICS) > 40  # the starter's metrics, not an empty list passing vacuously
    for name in METRICS:
        compiled = layer.compile(_question(layer, name), dialect)
        driver = _one_select(inline(compiled.sql, {k: literal(v) for k, v in compiled.params.items()}), dialect)
        console = _one_select(compiled.literal_sql, dialect)
        assert not list(console.find_all(exp.Placeholder, exp.Parameter)), f"{name}: a marker left on {dialect}"
        # the console form is the same query: same CTEs, in the same order
        assert [c.alias for c in console.find_all(exp.CTE)] == [c.alias for c in driver.find_all(exp.CTE)], name

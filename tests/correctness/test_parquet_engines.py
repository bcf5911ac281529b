"""One ledger written once to Parquet, read by DuckDB and by Spark (through Spark Connect): every starter
metric answers the same on both, and the benchmark's questions equal their hand-written SQL on both.

Ledgers: the hand-made small ledger (tests/fixtures/ledger_small.py, whose totals are counted by reading
that file) and the scale-1 demo ledger (2,000 deals, 50,000 activities) the benchmark's hand-written SQL
(bench/bench_queries.py) was written for.
"""
from __future__ import annotations

from datetime import date
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.bench_queries import AS_OF, CASES, SEED, _normal, compiled_case, same_numbers
from semantic.errors import SemanticError
from semantic.execute import run_compiled
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger import generate
from semantic.ledger.parquet import register_in_spark, write_parquet
from semantic.question import Question
from tests.correctness.helpers import total
from tests.fixtures.ledger_small import load_ledger
from tests.support.parquet_ledgers import (duckdb_file_from_parquet, duckdb_file_to_parquet,
                                           parquet_connection)

pytestmark = [pytest.mark.spark, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
SMALL_TODAY = date(2025, 11, 15)
STARTER_METRICS = sorted(yaml.safe_load((REPO / "metrics.yaml").read_text())["metrics"])
RANGE = {"from": "2024-01-01", "to": "2025-12-31"}
EMPTY_AT_SCALE_1 = {"bookings_over_threshold_by_product_quarter"}  # no product books 40M in a quarter here


def _layers(directory: Path, spark_url: str, database: str, today: date, tmp: Path) -> dict[str, SemanticLayer]:
    settings = ExecutionSettings(today=today)
    duck = duckdb_file_from_parquet(directory, tmp / f"{database}.duckdb")
    spark = register_in_spark(spark_url, directory, database)
    return {"duckdb": SemanticLayer.open(REPO, duck, settings), "spark": SemanticLayer.open(REPO, spark, settings)}


@pytest.fixture(scope="module")
def demo_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo_parquet")
    write_parquet(folder, generate(scale=1, seed=SEED, as_of=AS_OF))
    return folder


@pytest.fixture(scope="module")
def demo_layers(demo_parquet: Path, spark_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _layers(demo_parquet, spark_url, "demo_scale1", AS_OF, tmp_path_factory.mktemp("demo_duckdb"))


@pytest.fixture(scope="module")
def small_layers(spark_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("small_parquet")
    load_ledger(f"duckdb:///{tmp / 'source.duckdb'}")
    directory = duckdb_file_to_parquet(tmp / "source.duckdb", tmp / "parquet")
    return _layers(directory, spark_url, "ledger_small", SMALL_TODAY, tmp)


def _tuples(result: Any) -> list[tuple]:
    names = [c.name for c in result.columns]
    return sorted((tuple(_normal(row[n]) for n in names) for row in result.rows), key=repr)


def _answer(layer: SemanticLayer, spec: dict[str, Any]) -> tuple[list[tuple], int]:
    """The rows of a benchmark question, and how many of their leading columns are keys (period, dimensions)."""
    compiled, _ = compiled_case(layer, spec)
    result = run_compiled(layer.database_url, compiled, "test", layer.settings)
    return _tuples(result), len(list(takewhile(lambda c: c.format is None, result.columns)))  # values have formats


def _with_values(rows: list[tuple], keys: int) -> list[tuple]:
    """Rows with at least one value: the layer also shows a dimension value's empty cohort (every rate null)
    in a period where it has no rows, where the hand-written SQL has no row at all."""
    return [row for row in rows if any(v is not None for v in row[keys:])]


def _starter_answer(layer: SemanticLayer, metric: str) -> tuple[str, Any]:
    """The metric by quarter over 2024-2025, or its total where it takes no grain; a refusal is an answer too."""
    for question in (Question(metrics=(metric,), grain="quarter", time_range=RANGE), Question(metrics=(metric,))):
        try:
            return "rows", _tuples(layer.query(question))
        except SemanticError as exc:
            refusal = exc.code
    return "refused", refusal


def _differences(layers: dict[str, SemanticLayer]) -> dict[str, Any]:
    out = {}
    for metric in STARTER_METRICS:
        (kind_d, duck), (kind_s, spark) = (_starter_answer(layers[e], metric) for e in ("duckdb", "spark"))
        same = kind_d == kind_s and (duck == spark if kind_d == "refused" else same_numbers(duck, spark))
        if not same or (kind_d == "rows" and not duck):
            out[metric] = {"duckdb": (kind_d, duck[:4]), "spark": (kind_s, spark[:4])}
    return out


def test_every_starter_metric_is_equal_on_duckdb_and_spark_over_the_small_ledger(small_layers: dict) -> None:
    assert _differences(small_layers) == {}


def test_small_ledger_totals_on_spark_are_the_hand_counted_ones(small_layers: dict) -> None:
    spark = small_layers["spark"]  # counted from tests/fixtures/ledger_small.py's docstring
    assert total(spark, "bookings") == 70_000
    assert total(spark, "won_deals") == 7
    assert total(spark, "lost_deals") == 3
    assert total(spark, "win_rate") == pytest.approx(0.7)


def test_every_starter_metric_is_equal_on_duckdb_and_spark_over_the_demo_ledger(demo_layers: dict) -> None:
    assert _differences(demo_layers) == {}


@pytest.mark.parametrize("name,spec,hand_sql", CASES, ids=[n for n, _, _ in CASES])
def test_bench_question_equals_its_hand_written_sql_on_both_engines(demo_layers: dict, demo_parquet: Path, name: str,
                                                                    spec: dict, hand_sql: str) -> None:
    with parquet_connection(demo_parquet) as conn:  # the hand-written SQL reads the Parquet files themselves
        hand = sorted((tuple(_normal(v) for v in row) for row in conn.execute(hand_sql).fetchall()), key=repr)
    assert bool(hand) != (name in EMPTY_AT_SCALE_1)
    answers = {engine: _answer(layer, spec) for engine, layer in demo_layers.items()}
    assert same_numbers(answers["spark"][0], answers["duckdb"][0])
    for engine, (rows, keys) in answers.items():
        assert same_numbers(_with_values(rows, keys), _with_values(hand, keys)), f"{engine}: {rows[:5]} != {hand[:5]}"

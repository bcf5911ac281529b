"""bench_scale on Spark: the bench questions over the Parquet ledger, through a Spark Connect server.

Each ledger table is a temporary view over its Parquet file, so the layer's SQL (compiled for Spark) and
the hand-written SQL (DuckDB's, transpiled by sqlglot) read the very files DuckDB's run was built from.
Refuses with a message, before connecting, when the layer cannot compile for Spark.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import sqlglot

from bench.bench_queries import AS_OF, CASES, REPO, _normal, same_numbers
from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger.parquet import parquet_path
from semantic.ledger.schema import metadata
from semantic.question import FunnelQuestion, Question
from semantic.waterfall import WaterfallQuestion


def _spark_layer() -> SemanticLayer:
    layer = SemanticLayer.open(REPO, None, ExecutionSettings(today=AS_OF))
    try:
        layer.compile(Question.model_validate({"metrics": ["bookings"]}), dialect="spark")
    except (SemanticError, KeyError, ValueError) as exc:
        raise SystemExit(f"this layer cannot compile SQL for Spark yet ({exc}); "
                         "it needs the Spark dialect and engine (a layer that lists spark among its dialects)") from None
    return layer


def run_on_spark(folder: Path, url: str, repeat: int, only: str | None) -> list[tuple[str, float, float, float]]:
    """(question, layer s, hand s, nan): the work runs in the server, so this process's CPU time says nothing."""
    layer = _spark_layer()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SystemExit("--engine spark needs pyspark (with its Spark Connect client) in this environment") from None
    spark = SparkSession.builder.remote(url).getOrCreate()
    for name in metadata.tables:
        spark.read.parquet(str(parquet_path(folder, name).resolve())).createOrReplaceTempView(name)
    table = []
    for name, spec, hand_sql in CASES:
        if only and only not in name:
            continue
        compiled = _for_spark(layer, spec)
        hand = sqlglot.transpile(hand_sql, read="duckdb", write="spark")[0]

        def run_layer() -> list[tuple]:
            return _collected(spark.sql(compiled.sql, args=compiled.params))

        def run_hand() -> list[tuple]:
            return _collected(spark.sql(hand))

        layer_rows, hand_rows = run_layer(), run_hand()
        if not layer_rows or not same_numbers(layer_rows, hand_rows):
            raise SystemExit(f"{name}: on Spark the layer and the hand-written SQL disagree\n"
                             f"layer: {layer_rows[:5]}\nhand:  {hand_rows[:5]}")
        layer_s, hand_s = [], []
        for _ in range(repeat):
            layer_s.append(_timed(run_layer))
            hand_s.append(_timed(run_hand))
        table.append((name, statistics.median(layer_s), statistics.median(hand_s), float("nan")))
        print(f"  {name}: {table[-1][1]:.3f} s", flush=True)
    spark.stop()
    return table


def _for_spark(layer: SemanticLayer, spec: dict):
    """The case compiled for Spark (metric questions; funnels and waterfalls through the layer's compile)."""
    if "waterfall" in spec:
        return layer.compile_waterfall(WaterfallQuestion.model_validate(spec["waterfall"]), dialect="spark")
    if "funnel" in spec:
        return layer.compile_funnel(FunnelQuestion.model_validate(spec), dialect="spark")
    return layer.compile(Question.model_validate(spec), dialect="spark")


def _collected(frame) -> list[tuple]:
    return sorted((tuple(_normal(v) for v in row) for row in frame.collect()), key=repr)


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started

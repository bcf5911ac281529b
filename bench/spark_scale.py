"""bench_scale on Spark: the bench questions over the Parquet ledger, through a Spark Connect server.

Each ledger table is a temporary view over its Parquet file. The layer's SQL (compiled for Spark, sent with
its bound values as the Spark Connect path sends it) must give the numbers the hand-written SQL gives on DuckDB
over the very same files; the hand-written SQL is also timed on Spark where sqlglot's transpilation of it runs
there (else its time is nan).
Refuses with a message, before connecting, when the layer cannot compile for Spark.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb
import sqlglot

from bench.bench_queries import AS_OF, CASES, REPO, _normal, same_numbers
from semantic.dialects import dialect_for
from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger.parquet import duckdb_views, parquet_path
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
    checker = duckdb.connect()  # the same Parquet files read by DuckDB: the hand-written SQL's own answer
    duckdb_views(checker, folder)
    table = []
    for name, spec, hand_sql in CASES:
        if only and only not in name:
            continue
        compiled = _for_spark(layer, spec)
        text, args = compiled.driver_sql(dialect_for("spark"))  # what the layer's Spark Connect path sends

        def run_layer() -> list[tuple]:
            return _collected(spark.sql(text, args=dict(args or {})))

        layer_rows = run_layer()  # also the warm-up
        expected = sorted((tuple(_normal(v) for v in row) for row in checker.execute(hand_sql).fetchall()), key=repr)
        if not layer_rows or not same_numbers(layer_rows, expected):
            raise SystemExit(f"{name}: on Spark the layer disagrees with the hand-written SQL on DuckDB\n"
                             f"layer: {layer_rows[:5]}\nhand:  {expected[:5]}")
        hand = _hand_on_spark(spark, hand_sql)
        layer_s = [_timed(run_layer) for _ in range(repeat)]
        hand_s = [_timed(hand) for _ in range(repeat)] if hand is not None else [float("nan")]
        table.append((name, statistics.median(layer_s), statistics.median(hand_s), float("nan")))
        print(f"  {name}: {table[-1][1]:.3f} s", flush=True)
    spark.stop()
    return table


def _hand_on_spark(spark, hand_sql: str):
    """The hand-written DuckDB SQL transpiled to Spark by sqlglot, as a runnable, or None where Spark refuses
    the transpiled text (e.g. a generator inside a CAST): its time is then reported as nan."""
    text = sqlglot.transpile(hand_sql, read="duckdb", write="spark")[0]
    try:
        _collected(spark.sql(text))
    except Exception:  # noqa: BLE001 - any refusal of the transpiled text: no hand-written time on Spark
        return None
    return lambda: _collected(spark.sql(text))


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

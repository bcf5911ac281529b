"""Scale benchmark: every bench question on the scale-100 ledger (200k deals, 5M activities), against 1 s.

Reuses bench_queries' questions and their hand-written SQL. The ledger is built once under bench/.data/
(a DuckDB file, and the same rows as Parquet files for engines that read files); each question is checked
to give the hand-written SQL's rows, then both are timed interleaved and the median kept. DuckDB runs
with the layer's own limits (threads and memory_limit from semantic/settings.py), as `semantic serve`
would. `--engine spark` runs the same questions on a Spark Connect server reading the Parquet files.

    .venv/bin/python -m bench.bench_scale [--scale 100] [--repeat 3] [--only NAME]
    .venv/bin/python -m bench.bench_scale --engine spark --spark-url sc://localhost:15002
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from bench.bench_queries import AS_OF, CASES, DATA, REPO, SEED, _rows, compiled_case, ledger, same_numbers
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger.parquet import parquet_path, write_demo_parquet
from semantic.ledger.schema import metadata

BAR_S = 1.0
Row = tuple[str, float, float, float]  # question, layer s, hand s, layer CPU s


def parquet_ledger(scale: float) -> Path:
    """The same ledger as Parquet files (one per table), written once; a complete set is reused."""
    folder = DATA / f"parquet-scale{scale:g}-seed{SEED}"
    if all(parquet_path(folder, name).exists() for name in metadata.tables):
        return folder
    started = time.perf_counter()
    print(f"writing the scale-{scale:g} ledger as Parquet in {folder} (one-off) ...", flush=True)
    write_demo_parquet(folder, scale=scale, seed=SEED, as_of=AS_OF)
    print(f"  {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def _timed(run) -> tuple[float, float]:
    """Wall time, and the process's CPU time (DuckDB's threads included: what a busy machine does not inflate)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _interleaved(run_layer, run_hand, repeat: int) -> tuple[float, float, float]:
    layer, hand = [], []
    for _ in range(repeat):
        layer.append(_timed(run_layer))
        hand.append(_timed(run_hand))
    return (statistics.median(w for w, _ in layer), statistics.median(w for w, _ in hand),
            statistics.median(c for _, c in layer))


def bench_duckdb(scale: float, repeat: int, only: str | None) -> tuple[list[Row], str]:
    path = ledger(scale)
    settings = ExecutionSettings(today=AS_OF)
    layer = SemanticLayer.open(REPO, f"duckdb:///{path}", settings)
    engine = sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
    limits = f"threads={settings.db_threads}, memory_limit={settings.db_memory_limit_mb}MB"
    table: list[Row] = []
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SET threads = {int(settings.db_threads)}")
        conn.exec_driver_sql(f"SET memory_limit = '{int(settings.db_memory_limit_mb)}MB'")
        for name, spec, hand_sql in CASES:
            if only and only not in name:
                continue
            compiled, _ = compiled_case(layer, spec)
            text, args = compiled.driver_sql(conn.dialect)

            def run_layer() -> list[tuple]:
                return _rows(conn.exec_driver_sql(text, args))

            def run_hand() -> list[tuple]:
                return _rows(conn.exec_driver_sql(hand_sql))

            layer_rows, hand_rows = run_layer(), run_hand()  # also the warm-up
            if not layer_rows or not same_numbers(layer_rows, hand_rows):
                raise SystemExit(f"{name}: the layer and the hand-written SQL disagree (or return nothing)\n"
                                 f"layer: {layer_rows[:5]}\nhand:  {hand_rows[:5]}")
            table.append((name, *_interleaved(run_layer, run_hand, repeat)))
            print(f"  {name}: {table[-1][1]:.3f} s", flush=True)
    engine.dispose()
    return table, f"DuckDB, {limits}"


def bench_spark(scale: float, repeat: int, only: str | None, url: str) -> tuple[list[Row], str]:
    from bench.spark_scale import run_on_spark  # pyspark is only needed for this engine

    return run_on_spark(parquet_ledger(scale), url, repeat, only), f"Spark Connect at {url}"


def report(table: list[Row], scale: float, repeat: int, engine: str, load: tuple[float, float]) -> None:
    print(f"\nscale {scale:g}, {engine}; median of {repeat} runs after a warm-up; load average "
          f"{load[0]:.1f} at the start, {load[1]:.1f} at the end, on {os.cpu_count()} CPUs")
    print(f"{'question':<44} {'layer s':>8} {'hand s':>8} {'ratio':>6} {'layer cpu s':>12}  < 1 s")
    for name, layer_s, hand_s, cpu_s in table:
        print(f"{name:<44} {layer_s:>8.3f} {hand_s:>8.3f} {layer_s / hand_s:>6.2f} {cpu_s:>12.3f}  "
              f"{'yes' if layer_s < BAR_S else 'NO'}")
    over = [name for name, layer_s, _, _ in table if layer_s >= BAR_S]
    print(f"\n{len(table) - len(over)} of {len(table)} questions under {BAR_S:g} s"
          + (f"; over: {', '.join(over)}" if over else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100.0, help="demo ledger scale (100: 5M activities)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query after the warm-up")
    parser.add_argument("--only", help="run only the questions whose name contains this text")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--spark-url", default="sc://localhost:15002", help="Spark Connect URL (--engine spark)")
    parser.add_argument("--parquet", action="store_true", help="only write the Parquet ledger and stop")
    args = parser.parse_args()
    if args.parquet:
        print(parquet_ledger(args.scale))
        return
    load_start = os.getloadavg()[0]
    if args.engine == "spark":
        table, engine = bench_spark(args.scale, args.repeat, args.only, args.spark_url)
    else:
        table, engine = bench_duckdb(args.scale, args.repeat, args.only)
    report(table, args.scale, args.repeat, engine, (load_start, os.getloadavg()[0]))


if __name__ == "__main__":
    main()

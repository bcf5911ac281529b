"""Ingest speed and memory: a Salesforce Task export of 1,000,000 records into an empty DuckDB ledger.

Reports records per second for `semantic ingest` (parse, key, hash, classify against ingest_keys, upsert in
batches of 5,000, each in its own transaction) and the process's resident memory growth over its start,
sampled when 100,000 and when all records are stored: streaming means the two are about equal. The
baseline, in the same run on the same file, is the least any loader can do: the csv module reads every
record into columns and one Arrow load inserts them, with no parsing of values, no keys and no dedup.

    .venv/bin/python -m bench.bench_ingest [--records 1000000]

The export is generated once into bench/.data/ (git-ignored) and reused; the databases are rebuilt.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from semantic.ingest.exports.salesforce_ids import salesforce_id
from semantic.ingest.run import ingest
from semantic.ingest.store import Counts

DATA = Path(__file__).parent / ".data"
COLUMNS = ("Id", "WhoId", "WhatId", "AccountId", "OwnerId", "Subject", "ActivityDate", "CompletedDateTime",
           "TaskSubtype", "CallDurationInSeconds", "CallType", "Status", "IsDeleted", "Description")
SAMPLE_AT = 100_000


def task_export(records: int) -> Path:
    """A deterministic Task.csv of `records` calls and emails (written under a temporary name, then renamed)."""
    path = DATA / f"salesforce-{records}" / "Task.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng, start = random.Random(7), datetime(2023, 1, 1, 8)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(1, records + 1):
            when = start + timedelta(seconds=n * 60 + rng.randrange(60))
            call = rng.random() < 0.4
            account = rng.randrange(1, 20_000)
            who = salesforce_id("contact", rng.randrange(1, 80_000)) if rng.random() < 0.8 else \
                salesforce_id("lead", rng.randrange(1, 50_000))
            what = salesforce_id("opportunity", rng.randrange(1, 40_000)) if rng.random() < 0.5 else \
                salesforce_id("account", account)
            writer.writerow([salesforce_id("task", n), who, what, salesforce_id("account", account),
                             salesforce_id("user", rng.randrange(1, 200)), "Call" if call else "Follow-up email",
                             when.date().isoformat(), when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                             "Call" if call else "Email", rng.randrange(20, 1800) if call else "",
                             rng.choice(("Inbound", "Outbound")) if call else "", "Completed", "false",
                             "Notes:\nasked about pricing" if rng.random() < 0.1 else ""])
    partial.rename(path)
    return path


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def fresh(path: Path) -> Path:
    """`path` with any database a previous run left there removed."""
    for leftover in (path, path.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    return path


def run_ingest(export: Path) -> tuple[float, Counts, dict[str, float]]:
    url = f"duckdb:///{fresh(DATA / 'ingest-bench.duckdb')}"
    base, done, growth = rss_mb(), Counts(), {}

    def sample(batch: Counts) -> None:
        before = done.read
        done.add(batch)
        if before < SAMPLE_AT <= done.read:
            growth["at 100k"] = rss_mb() - base

    started = time.perf_counter()
    results = list(ingest(url, "salesforce", [export], on_batch=sample))
    seconds = time.perf_counter() - started
    growth[f"at {done.read // 1000:,}k"] = rss_mb() - base
    return seconds, results[0].counts, growth


def run_baseline(export: Path) -> float:
    """csv module into columns, then one Arrow insert: no value parsing, no keys, no dedup."""
    con = duckdb.connect(str(fresh(DATA / "baseline-bench.duckdb")))
    started = time.perf_counter()
    with export.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns: list[list[str]] = [[] for _ in header]
        for row in reader:
            for column, value in zip(columns, row):
                column.append(value)
    table = pa.table({name: pa.array(values, pa.string()) for name, values in zip(header, columns)})
    con.register("batch", table)
    con.execute("create table tasks as select * from batch")
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    made = time.perf_counter()
    export = task_export(args.records)
    print(f"export: {export} ({export.stat().st_size / 1e6:,.0f} MB, ready in {time.perf_counter() - made:.1f} s)")
    seconds, counts, growth = run_ingest(export)
    baseline = run_baseline(export)
    print(f"semantic ingest   {counts.read:>10,} records  {seconds:7.1f} s  {counts.read / seconds:>9,.0f} records/s"
          f"  (new {counts.new:,}, rejected {counts.rejected:,})")
    print(f"baseline (csv + one Arrow load)         {baseline:7.1f} s  {counts.read / baseline:>9,.0f} records/s")
    print(f"ratio ingest / baseline: {seconds / baseline:.2f}")
    print("RSS growth over the start of the ingest: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in growth.items()))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""How long `semantic link` takes on a large DuckDB ledger, first run and rerun, and its peak memory.

Linking is re-run after every ingest and every rules change, so it must stay set-based: the time should grow
about linearly with the activities, never with their square. The ledger is synthetic (built by SQL inside
DuckDB in seconds): 200 reps, 20,000 accounts with 100,000 contacts and 40,000 open deals, and per activity
one rep sending to an external address (two thirds known contacts, one third unknown people at a known
domain), so every linking rule has work to do.

    .venv/bin/python -m bench.bench_link [--activities 200000]
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import sqlalchemy as sa

from semantic.definitions.linking_models import Linking
from semantic.ledger.schema import metadata
from semantic.link import link

RULES = Linking(internal_domains=("northpeak.example",))
_FILL = (
    "insert into reps select i, 'rep ' || i, 'rep' || i || '@northpeak.example', null, null, 'ae', null, null, null "
    "from range(1, 201) t(i)",
    "insert into accounts select i, 'account ' || i, 'acct' || i || '.com', null, null, null, 1 + i % 200, null "
    "from range(1, 20001) t(i)",
    "insert into contacts select i, 1 + i % 20000, null, 'p' || i || '@acct' || (1 + i % 20000) || '.com', null, "
    "timestamp '2023-01-01' from range(1, 100001) t(i)",
    "insert into opportunities select i, 1 + i % 20000, 1 + i % 200, null, null, null, 100, 'discovery', null, "
    "timestamp '2023-01-01' + to_days(cast(i % 700 as integer)), date '2025-06-30', null, false, false, null, null, "
    "null from range(1, 40001) t(i)",
    "insert into opportunity_contact_roles select 1 + i % 40000, i, 'Champion', true from range(1, 50001) t(i)",
    "insert into activities (activity_id, source_system, activity_type, occurred_at, source_id) select i, 'gmail', "
    "'email', timestamp '2023-06-01' + to_days(cast(i % 600 as integer)), 'm' || i from range(1, $n + 1) t(i)",
    "insert into activity_participants (activity_id, position, role, email) select i, 0, 'from', "
    "'rep' || (1 + i % 200) || '@northpeak.example' from range(1, $n + 1) t(i)",
    "insert into activity_participants (activity_id, position, role, email) select i, 1, 'to', case when i % 3 = 0 "
    "then 'x' || i || '@acct' || (1 + i % 20000) || '.com' else 'p' || (1 + i % 100000) || '@acct' || "
    "(1 + (1 + i % 100000) % 20000) || '.com' end from range(1, $n + 1) t(i)",
)


def build(path: Path, activities: int) -> None:
    engine = sa.create_engine(f"duckdb:///{path}")
    with engine.begin() as conn:
        metadata.create_all(conn)
    engine.dispose()
    with duckdb.connect(str(path)) as conn:
        for statement in _FILL:
            conn.execute(statement, {"n": activities} if "$n" in statement else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.duckdb"
        started = time.perf_counter()
        build(path, args.activities)
        print(f"built {args.activities:,} activities in {time.perf_counter() - started:.1f} s")
        engine = sa.create_engine(f"duckdb:///{path}")
        with engine.connect() as conn:
            for run in ("first run", "rerun"):
                started = time.perf_counter()
                relinked = link(conn, RULES)
                seconds = time.perf_counter() - started
                print(f"{run:>9}: {relinked:,} activities in {seconds:.1f} s ({relinked / seconds:,.0f} per second)")
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()

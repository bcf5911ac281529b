"""The store: records from any adapter into the ledger, each exactly once, in batches of one transaction each.

Every record is keyed by (source_system, kind, source_id) in `ingest_keys` with a hash of its content, so a
batch is split into new (key unseen), updated (hash differs: the row is replaced in place, an activity's
participants with it) and unchanged (nothing written). Re-running a file or ingesting overlapping exports
therefore changes no ledger row, and a run that dies mid-file keeps its committed batches and finishes on
re-run. Memory holds one batch, whatever the file size.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from semantic.ingest.bulk import drop_missing_participants, staged, upsert
from semantic.ingest import linking
from semantic.ingest.records import Record, Reject
from semantic.ingest.rows import Prepared, prepare
from semantic.ledger.schema import (activities, activity_participants, ingest_keys, ingest_rejects, metadata,
                                    opportunity_stage_history)

BATCH_RECORDS = 5_000
RAW_LIMIT = 10_000  # characters of a rejected record's text kept in ingest_rejects


@dataclass
class Counts:
    """What a file (or a run) did: read = new + updated + unchanged + rejected."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


Scope = Callable[[], AbstractContextManager[Connection]]
"""Opens the transaction of one batch (committed at its end, or part of a dry run's transaction)."""


def ingest_records(begin: Scope, source: str, file: str, records: Iterable[Record], *,
                   batch_records: int = BATCH_RECORDS, on_batch: Callable[[Counts], None] | None = None,
                   on_reject: Callable[[Reject], None] | None = None) -> Counts:
    """Store one file's records; `file` must be the name its rejects carry (earlier rejects of it are replaced).

    After each committed batch, `on_batch` gets its counts and `on_reject` each of its rejects.
    """
    total = Counts()
    with begin() as conn:
        conn.execute(delete(ingest_rejects).where(ingest_rejects.c.source == source, ingest_rejects.c.file == file))
    for batch in _batches(records, batch_records):
        with begin() as conn:
            counts = _store_batch(conn, source, batch)
        total.add(counts)
        if on_batch:
            on_batch(counts)
        if on_reject:
            for record in batch:
                if isinstance(record, Reject):
                    on_reject(record)
    return total


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def _store_batch(conn: Connection, source: str, batch: list[Record]) -> Counts:
    counts = Counts(read=len(batch))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    latest: dict[tuple[str, str, str], Prepared] = {}
    rejects: dict[tuple[str, int], Reject] = {}
    for record in batch:
        if isinstance(record, Reject):
            rejects[(record.file, record.record)] = record
            counts.rejected += 1
            continue
        prepared = prepare(record)
        earlier = latest.get(prepared.key)
        if earlier:  # the same record twice in one batch: the later one stands
            counts.unchanged += earlier.digest == prepared.digest
            counts.updated += earlier.digest != prepared.digest
        latest[prepared.key] = prepared
    changed = _classify(conn, latest, now, counts)
    _write(conn, changed)
    if rejects:
        with staged(conn, ingest_rejects, [_reject_row(source, r, now) for r in rejects.values()]) as rows:
            upsert(conn, ingest_rejects, rows)
    return counts


def _classify(conn: Connection, latest: dict[tuple[str, str, str], Prepared], now: datetime,
              counts: Counts) -> list[Prepared]:
    """Compare each record's hash with the stored one, record the new hashes, return the records to write."""
    if not latest:
        return []
    keys = [{"source_system": s, "kind": k, "source_id": i, "row_id": p.row_id, "record_hash": p.digest,
             "first_seen_at": now, "last_seen_at": now} for (s, k, i), p in latest.items()]
    with staged(conn, ingest_keys, keys) as batch_keys:
        k = ingest_keys
        known = dict(((s, kd, i), h) for s, kd, i, h in conn.execute(
            select(k.c.source_system, k.c.kind, k.c.source_id, k.c.record_hash).join(
                batch_keys, (k.c.source_system == batch_keys.c.source_system) & (k.c.kind == batch_keys.c.kind)
                & (k.c.source_id == batch_keys.c.source_id))))
        upsert(conn, ingest_keys, batch_keys, keep=("first_seen_at",))
    changed = []
    for key, prepared in latest.items():
        previous = known.get(key)
        counts.new += previous is None
        counts.updated += previous is not None and previous != prepared.digest
        counts.unchanged += previous == prepared.digest
        if previous != prepared.digest:
            changed.append(prepared)
    return changed


def _write(conn: Connection, changed: list[Prepared]) -> None:
    """Upsert the new and updated records into their tables (participants follow their activity)."""
    by_table: dict[str, list[Prepared]] = {}
    for prepared in changed:
        by_table.setdefault(prepared.table, []).append(prepared)
    for table in metadata.sorted_tables:  # parents first (reps, accounts, ... activities)
        if table.name not in by_table:
            continue
        with staged(conn, table, [p.row for p in by_table[table.name]]) as rows:
            upsert(conn, table, rows)
            if table is opportunity_stage_history:
                _restate_from_stage(conn, rows)
            linking.note(conn, table, rows)
            if table is activities:
                people = [person for p in by_table[table.name] for person in p.participants]
                with staged(conn, activity_participants, people) as people_rows:
                    upsert(conn, activity_participants, people_rows)
                    drop_missing_participants(conn, activity_participants, rows, people_rows)


def _restate_from_stage(conn: Connection, rows: Any) -> None:
    """A source's history rows name only the stage entered; from_stage is the one before, per opportunity."""
    h = opportunity_stage_history
    previous = select(h.c.source_id, func.lag(h.c.to_stage).over(
        partition_by=h.c.opportunity_id, order_by=(h.c.changed_at, h.c.source_id)).label("stage")).where(
        h.c.source_id.is_not(None), h.c.opportunity_id.in_(select(rows.c.opportunity_id))).subquery()
    conn.execute(update(h).where(h.c.source_id == previous.c.source_id).values(from_stage=previous.c.stage))


def _reject_row(source: str, reject: Reject, now: datetime) -> dict[str, Any]:
    return {"source": source, "file": reject.file, "record": reject.record, "reason": reject.reason,
            "raw": reject.raw[:RAW_LIMIT].replace("\x00", "\\x00"), "rejected_at": now}  # PostgreSQL text holds no NUL

"""The store: records from any adapter into the ledger, each exactly once, in batches of one transaction each.

Every record is keyed by (source_system, kind, source_id) in `ingest_keys` with a hash of its content, so a
batch is split into new (key unseen), updated (hash differs: the row is replaced in place, an activity's
participants with it) and unchanged (nothing written). Re-running a file or ingesting overlapping exports
therefore changes no ledger row, and a run that dies mid-file keeps its committed batches and finishes on
re-run. Memory holds one batch, whatever the file size.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update

from semantic.ingest.bulk import drop_missing_participants, staged, upsert
from semantic.ingest.linking import link_ingested
from semantic.ingest.records import ActivityRecord, CrmRecord, Record, Reject
from semantic.ingest.rows import activity_row, crm_row, kind, participant_rows, record_hash, row_id
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
    unlinked: int = 0  # new or updated activities stored without linking (no linker wired in)

    def add(self, other: Counts) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


Stored = ActivityRecord | CrmRecord


def ingest_records(engine: Engine, source: str, file: str, records: Iterable[Record], *,
                   batch_records: int = BATCH_RECORDS, on_batch: Callable[[Counts], None] | None = None) -> Counts:
    """Store one file's records; `file` must be the name its rejects carry (earlier rejects of it are replaced)."""
    total = Counts()
    with engine.begin() as conn:
        conn.execute(delete(ingest_rejects).where(ingest_rejects.c.source == source, ingest_rejects.c.file == file))
    for batch in _batches(records, batch_records):
        with engine.begin() as conn:
            counts = _store_batch(conn, source, batch)
        total.add(counts)
        if on_batch:
            on_batch(counts)
    return total


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def _store_batch(conn: Connection, source: str, batch: list[Record]) -> Counts:
    counts = Counts(read=len(batch))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    latest: dict[tuple[str, str, str], tuple[Stored, str]] = {}
    rejects: dict[tuple[str, int], Reject] = {}
    for record in batch:
        if isinstance(record, Reject):
            rejects[(record.file, record.record)] = record
            counts.rejected += 1
            continue
        key, digest = (record.source_system, kind(record), record.source_id), record_hash(record)
        if key in latest:  # the same record twice in one batch: the later one stands
            counts.unchanged += latest[key][1] == digest
            counts.updated += latest[key][1] != digest
        latest[key] = (record, digest)
    changed = _classify(conn, latest, now, counts)
    _write(conn, changed)
    if rejects:
        with staged(conn, ingest_rejects, [_reject_row(source, r, now) for r in rejects.values()]) as rows:
            upsert(conn, ingest_rejects, rows)
    changed_activities = [r.activity_id for r in changed if isinstance(r, ActivityRecord)]
    if changed_activities and not link_ingested(conn, changed_activities):
        counts.unlinked = len(changed_activities)
    return counts


def _classify(conn: Connection, latest: dict[tuple[str, str, str], tuple[Stored, str]], now: datetime,
              counts: Counts) -> list[Stored]:
    """Compare each record's hash with the stored one, record the new hashes, return the records to write."""
    if not latest:
        return []
    keys = [{"source_system": s, "kind": k, "source_id": i, "row_id": row_id(record), "record_hash": digest,
             "first_seen_at": now, "last_seen_at": now} for (s, k, i), (record, digest) in latest.items()]
    with staged(conn, ingest_keys, keys) as batch_keys:
        k = ingest_keys
        known = dict(((s, kd, i), h) for s, kd, i, h in conn.execute(
            select(k.c.source_system, k.c.kind, k.c.source_id, k.c.record_hash).join(
                batch_keys, (k.c.source_system == batch_keys.c.source_system) & (k.c.kind == batch_keys.c.kind)
                & (k.c.source_id == batch_keys.c.source_id))))
        upsert(conn, ingest_keys, batch_keys, keep=("first_seen_at",))
    changed = []
    for key, (record, digest) in latest.items():
        previous = known.get(key)
        counts.new += previous is None
        counts.updated += previous is not None and previous != digest
        counts.unchanged += previous == digest
        if previous != digest:
            changed.append(record)
    return changed


def _write(conn: Connection, changed: list[Stored]) -> None:
    """Upsert the new and updated records into their tables (participants follow their activity)."""
    crm: dict[str, list[dict[str, Any]]] = {}
    for record in changed:
        if isinstance(record, CrmRecord):
            crm.setdefault(record.table, []).append(crm_row(record))
    for table in metadata.sorted_tables:  # parents first, for databases that enforce foreign keys
        if table.name in crm:
            with staged(conn, table, crm[table.name]) as rows:
                upsert(conn, table, rows)
                if table is opportunity_stage_history:
                    _restate_from_stage(conn, rows)
    moved = [r for r in changed if isinstance(r, ActivityRecord)]
    if moved:
        with staged(conn, activities, [activity_row(r) for r in moved]) as rows:
            upsert(conn, activities, rows)
            people = [p for r in moved for p in participant_rows(r)]
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
            "raw": reject.raw[:RAW_LIMIT], "rejected_at": now}

"""Records -> rows of the canonical tables, with the content hash that tells new, updated and unchanged apart.

The hash covers the rows a record becomes (everything the source says, nothing linking adds), so an export
re-read with the same content is unchanged whatever order or file it comes in, and any changed field makes
the record updated. Each record is turned into rows once; the store keys, hashes and writes those.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from semantic.ingest.records import ActivityRecord, CrmRecord, CrmRef
from semantic.ledger.schema import activities, activity_participants, metadata

ACTIVITY_KIND = "activity"
_ACTIVITY_COLUMNS = tuple(str(c.name) for c in activities.columns)  # plain str: quoted_name keys are slow
_PARTICIPANT_COLUMNS = tuple(str(c.name) for c in activity_participants.columns)


@dataclass(slots=True)
class Prepared:
    """One record as the store handles it: its key, its rows and their hash."""

    key: tuple[str, str, str]   # (source_system, kind, source_id); kind is 'activity' or the CRM table
    table: str
    row: dict[str, Any]
    row_id: int | None          # the ledger id it is stored under (None for rows keyed otherwise)
    participants: list[dict[str, Any]] = field(default_factory=list)
    digest: str = ""


def prepare(record: ActivityRecord | CrmRecord) -> Prepared:
    if isinstance(record, ActivityRecord):
        row = activity_row(record)
        prepared = Prepared((record.source_system, ACTIVITY_KIND, record.source_id), activities.name, row,
                            row["activity_id"], participant_rows(record, row["activity_id"]))
    else:
        table = metadata.tables[record.table]
        row = {c.name: record.values.get(c.name) for c in table.columns}
        keys = [c.name for c in table.primary_key.columns]
        prepared = Prepared((record.source_system, record.table, record.source_id), record.table, row,
                            row[keys[0]] if len(keys) == 1 else None)
    content = (prepared.table, tuple(row.values()), tuple(tuple(p.values()) for p in prepared.participants))
    prepared.digest = hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest()
    return prepared


@lru_cache(maxsize=1 << 16)
def _ref_id(ref: CrmRef) -> int:
    """CrmRef.row_id, remembered: the same owners and accounts come back on thousands of records."""
    return ref.row_id


def activity_row(record: ActivityRecord) -> dict[str, Any]:
    """The activities row: declared links from the source, link columns empty until linking sets them."""
    row = dict.fromkeys(_ACTIVITY_COLUMNS)
    row.update(
        activity_id=record.activity_id, source_system=record.source_system, activity_type=record.activity_type,
        direction=record.direction, occurred_at=record.occurred_at, duration_seconds=record.duration_seconds,
        subject=record.subject, source_id=record.source_id, status=record.status, thread_id=record.thread_id,
        rep_id=_ref_id(record.owner) if record.owner else None,
        declared_rep_id=_ref_id(record.owner) if record.owner else None,
        declared_account_id=_ref_id(record.declared_account) if record.declared_account else None,
        declared_opportunity_id=_ref_id(record.declared_opportunity) if record.declared_opportunity else None,
    )
    return row


def participant_rows(record: ActivityRecord, activity_id: int) -> list[dict[str, Any]]:
    rows = []
    for position, person in enumerate(record.participants):
        row = dict.fromkeys(_PARTICIPANT_COLUMNS)
        declared = person.declared
        row.update(activity_id=activity_id, position=position, role=person.role, email=person.email,
                   name=person.name, response_status=person.response_status,
                   declared_contact_id=_ref_id(declared) if declared and declared.kind == "contact" else None,
                   declared_lead_id=_ref_id(declared) if declared and declared.kind == "lead" else None)
        rows.append(row)
    return rows

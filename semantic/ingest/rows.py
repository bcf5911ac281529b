"""Records -> rows of the canonical tables, and the content hash that tells new, updated and unchanged apart.

The hash covers the parsed record (what the source says), so an export re-read with the same content is
unchanged whatever order or file it comes in, and any changed field makes the record updated.
"""
from __future__ import annotations

import hashlib
from typing import Any

from semantic.ingest.records import ActivityRecord, CrmRecord
from semantic.ledger.schema import activities, activity_participants, metadata

ACTIVITY_KIND = "activity"


def record_hash(record: ActivityRecord | CrmRecord) -> str:
    return hashlib.blake2b(repr(record).encode(), digest_size=16).hexdigest()


def kind(record: ActivityRecord | CrmRecord) -> str:
    """The bookkeeping kind: 'activity', or the canonical table a CRM record lands in."""
    return ACTIVITY_KIND if isinstance(record, ActivityRecord) else record.table


def row_id(record: ActivityRecord | CrmRecord) -> int | None:
    """The ledger id the record is stored under (None for rows keyed otherwise, e.g. contact roles)."""
    if isinstance(record, ActivityRecord):
        return record.activity_id
    keys = [c.name for c in metadata.tables[record.table].primary_key.columns]
    return record.values.get(keys[0]) if len(keys) == 1 else None


def crm_row(record: CrmRecord) -> dict[str, Any]:
    """Every column of the record's table; columns the source does not fill are null."""
    return {c.name: record.values.get(c.name) for c in metadata.tables[record.table].columns}


def activity_row(record: ActivityRecord) -> dict[str, Any]:
    """The activities row: declared links from the source, link columns empty until linking sets them."""
    row = dict.fromkeys((c.name for c in activities.columns))
    row.update(
        activity_id=record.activity_id, source_system=record.source_system, activity_type=record.activity_type,
        direction=record.direction, occurred_at=record.occurred_at, duration_seconds=record.duration_seconds,
        subject=record.subject, source_id=record.source_id, status=record.status, thread_id=record.thread_id,
        rep_id=record.owner.row_id if record.owner else None,
        declared_account_id=record.declared_account.row_id if record.declared_account else None,
        declared_opportunity_id=record.declared_opportunity.row_id if record.declared_opportunity else None,
    )
    return row


def participant_rows(record: ActivityRecord) -> list[dict[str, Any]]:
    rows = []
    for position, person in enumerate(record.participants):
        row = dict.fromkeys((c.name for c in activity_participants.columns))
        declared = person.declared
        row.update(activity_id=record.activity_id, position=position, role=person.role, email=person.email,
                   name=person.name, response_status=person.response_status,
                   declared_contact_id=declared.row_id if declared and declared.kind == "contact" else None,
                   declared_lead_id=declared.row_id if declared and declared.kind == "lead" else None)
        rows.append(row)
    return rows


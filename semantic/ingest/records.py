"""What every source adapter yields: canonical records, or a reject saying where and why.

An adapter only parses (one export format -> these values); storing, deduplicating and linking happen
later, the same way for every source. Ids in the ledger are BIGINTs while sources use strings
(Salesforce `0065e00000AbCdE`, a Gmail Message-ID, a HubSpot number), so a ledger id is derived from
(system, object, source id) by a stable hash: the same record always gets the same id, whichever file
or run brings it, and a reference (a Salesforce Contact's AccountId) resolves without a lookup table.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def ledger_id(system: str, kind: str, source_id: str) -> int:
    """The ledger's BIGINT id for a source record: 63 bits of BLAKE2b over (system, kind, id).

    `kind` is the object type ('activity', 'account', 'contact', 'lead', 'opportunity', ...) because some
    systems (HubSpot) number each object type on its own.
    """
    digest = hashlib.blake2b(f"{system}\x1f{kind}\x1f{source_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True, slots=True)
class CrmRef:
    """A CRM record a source names (Salesforce WhatId, a HubSpot association), in its own namespace."""
    system: str   # 'salesforce' | 'hubspot'
    kind: str     # 'account' | 'contact' | 'lead' | 'opportunity' | 'user' (an activity's owner)
    source_id: str

    @property
    def row_id(self) -> int:
        return ledger_id(self.system, self.kind, self.source_id)


@dataclass(frozen=True, slots=True)
class Participant:
    """One person on an activity as the source lists them; linking later decides who they are."""
    role: str                             # from|to|cc|bcc|organizer|attendee|host|participant|caller|callee
    email: str | None = None              # lower-cased and stripped; None for a guest without an email
    name: str | None = None
    response_status: str | None = None    # calendar: accepted|declined|tentative|needsAction
    declared: CrmRef | None = None        # a contact or lead the source itself names (Salesforce WhoId)


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """One email, call or meeting, keyed by (source_system, source_id) for idempotent ingest."""
    source_system: str                    # gmail|google_calendar|zoom|salesforce|hubspot|<call log name>
    source_id: str                        # unique within source_system (an email's Message-ID, an event id)
    activity_type: str                    # email|call|meeting
    occurred_at: datetime                 # naive UTC
    direction: str | None = None          # inbound|outbound|internal, when the source says
    duration_seconds: int | None = None
    subject: str | None = None
    status: str | None = None             # e.g. 'cancelled' (a calendar event), 'completed'
    thread_id: str | None = None
    participants: tuple[Participant, ...] = ()
    declared_account: CrmRef | None = None
    declared_opportunity: CrmRef | None = None
    owner: CrmRef | None = None           # the rep the source says the activity belongs to (a Salesforce OwnerId)

    @property
    def activity_id(self) -> int:
        return ledger_id(self.source_system, "activity", self.source_id)


@dataclass(frozen=True, slots=True)
class CrmRecord:
    """One row of a canonical CRM table (accounts, contacts, leads, opportunities, history...).

    `values` holds canonical column names; references are already ledger ids (CrmRef.row_id).
    """
    table: str
    source_system: str
    source_id: str
    values: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be read: kept in `ingest_rejects`, never dropped silently."""
    file: str
    record: int        # 1-based line number for line formats (CSV, mbox), record index for JSON
    reason: str        # what is wrong and how to fix it, in one line
    raw: str           # the record's text as read (truncated by the store if huge)


Record = ActivityRecord | CrmRecord | Reject

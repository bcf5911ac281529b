"""Salesforce Task and Event exports -> activity records with the CRM records they name.

WhoId names a person: key prefix 003 is a Contact, 00Q a Lead. WhatId names the related record: 006 an
Opportunity, 001 an Account (other objects, such as a Case, are not ledger facts and are left out).
AccountId, which Salesforce derives from WhoId/WhatId, is the declared account when present. These are
*declared* links: the store keeps them in declared_* columns and linking decides what the activity is about.
"""
from __future__ import annotations

from datetime import date, datetime, time

from semantic.ingest.adapters.salesforce_csv import (BadValue, CsvRow, parse_bool, parse_date, parse_datetime,
                                                     parse_id, parse_int)
from semantic.ingest.records import ActivityRecord, CrmRef, Participant

SYSTEM = "salesforce"
WHO_PREFIXES = {"003": "contact", "00Q": "lead"}
WHAT_PREFIXES = {"006": "opportunity", "001": "account"}
TASK_TYPES = {"call": "call", "email": "email", "listemail": "email"}  # TaskSubtype -> activity_type
DIRECTIONS = {"inbound": "inbound", "outbound": "outbound", "internal": "internal"}  # CallType

TASK_COLUMNS = ("Id",)
EVENT_COLUMNS = ("Id",)


def task(row: CsvRow) -> ActivityRecord:
    """A logged call, email or to-do. It happened at CompletedDateTime when the export has it, else on
    ActivityDate (its due date; midnight), else at CreatedDate."""
    subtype = (row.text("TaskSubtype") or "Task").lower()
    occurred = (parse_datetime(row, "CompletedDateTime") or _midnight(parse_date(row, "ActivityDate"))
                or parse_datetime(row, "CreatedDate"))
    if occurred is None:
        raise BadValue("the Task has no CompletedDateTime, ActivityDate or CreatedDate; one is needed to place it")
    kind = TASK_TYPES.get(subtype, "task")
    direction = DIRECTIONS.get((row.text("CallType") or "").lower())
    who_role = {"call": "caller" if direction == "inbound" else "callee", "email": "to"}.get(kind, "participant")
    return _activity(row, kind, occurred, who_role, direction=direction,
                     duration_seconds=parse_int(row, "CallDurationInSeconds"),
                     status=_status(row, (row.text("Status") or "").lower() or None))


def event(row: CsvRow) -> ActivityRecord:
    """A meeting from StartDateTime to EndDateTime (DurationInMinutes when the end is missing)."""
    start = parse_datetime(row, "StartDateTime") or parse_datetime(row, "ActivityDateTime")
    if start is None:
        raise BadValue("StartDateTime is empty; an Event needs its start")
    end = parse_datetime(row, "EndDateTime")
    minutes = parse_int(row, "DurationInMinutes")
    seconds = int((end - start).total_seconds()) if end else (minutes * 60 if minutes is not None else None)
    if seconds is not None and seconds < 0:
        raise BadValue(f"EndDateTime {end} is before StartDateTime {start}")
    return _activity(row, "meeting", start, "attendee", duration_seconds=seconds, status=_status(row, None))


def _activity(row: CsvRow, kind: str, occurred: datetime, who_role: str, *, direction: str | None = None,
              duration_seconds: int | None, status: str | None) -> ActivityRecord:
    source_id = parse_id(row, "Id", required=True)
    assert source_id is not None
    who = _ref(row, "WhoId", WHO_PREFIXES)
    what = _ref(row, "WhatId", WHAT_PREFIXES)
    account_id = parse_id(row, "AccountId")
    account = CrmRef(SYSTEM, "account", account_id) if account_id else (what if what and what.kind == "account"
                                                                         else None)
    owner_id = parse_id(row, "OwnerId")
    return ActivityRecord(
        source_system=SYSTEM, source_id=source_id, activity_type=kind, occurred_at=occurred, direction=direction,
        duration_seconds=duration_seconds, subject=row.text("Subject"), status=status,
        participants=(Participant(role=who_role, declared=who),) if who else (),
        declared_account=account, declared_opportunity=what if what and what.kind == "opportunity" else None,
        owner=CrmRef(SYSTEM, "user", owner_id) if owner_id else None,
    )


def _ref(row: CsvRow, name: str, prefixes: dict[str, str]) -> CrmRef | None:
    source_id = parse_id(row, name)
    if source_id is None or source_id[:3] not in prefixes:
        return None
    return CrmRef(SYSTEM, prefixes[source_id[:3]], source_id)


def _status(row: CsvRow, status: str | None) -> str | None:
    """'deleted' for a record from the recycle bin (IsDeleted, exported with queryAll), else the given status."""
    return "deleted" if parse_bool(row, "IsDeleted") else status


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time()) if day is not None else None

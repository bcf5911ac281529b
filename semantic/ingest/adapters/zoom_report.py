"""What both Zoom report formats (JSON and CSV) come down to: a meeting instance and its attendances.

Someone who leaves and re-joins is one participant: attendances are merged per email, or per display name for a
guest without an email (kept with email null). The participant whose Zoom user id is the host's (or whose
email is the host's) has role 'host', everyone else 'participant'. The activity starts at the meeting's
start time (else the first join) and lasts until its end time (else the last leave). Its status is 'completed':
Zoom reports only meetings that took place.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from semantic.ingest.adapters.fields import BadField, seconds_between
from semantic.ingest.records import ActivityRecord, Participant

SOURCE_SYSTEM = "zoom"


@dataclass(frozen=True, slots=True)
class Attendance:
    """One join..leave span of one person, as a report row lists it."""
    name: str | None
    email: str | None
    user_id: str | None  # the Zoom account id of a signed-in user (empty for guests)
    join: datetime
    leave: datetime | None


@dataclass(frozen=True, slots=True)
class Meeting:
    source_id: str
    topic: str | None
    start: datetime | None
    end: datetime | None
    host_id: str | None
    host_email: str | None


def meeting_record(meeting: Meeting, attendances: Iterable[Attendance]) -> ActivityRecord:
    spans = sorted(attendances, key=lambda a: a.join)
    start = meeting.start or (spans[0].join if spans else None)
    if start is None:
        raise BadField("the meeting has no start_time and no participant with a join_time")
    leaves = [a.leave for a in spans if a.leave is not None]
    end = meeting.end or (max(leaves) if leaves else None)
    return ActivityRecord(
        source_system=SOURCE_SYSTEM,
        source_id=meeting.source_id,
        activity_type="meeting",
        occurred_at=start,
        duration_seconds=seconds_between(start, end) if end else None,
        subject=meeting.topic,
        status="completed",
        participants=tuple(_merged(meeting, spans)),
    )


def _merged(meeting: Meeting, spans: list[Attendance]) -> list[Participant]:
    """One participant per person, in order of first join."""
    people: dict[str, Participant] = {}
    for span in spans:
        key = span.email or f"name:{(span.name or '').casefold()}"
        if key in people:
            continue
        is_host = (span.user_id is not None and span.user_id == meeting.host_id) or \
                  (span.email is not None and span.email == meeting.host_email)
        people[key] = Participant("host" if is_host else "participant", span.email, span.name)
    return list(people.values())

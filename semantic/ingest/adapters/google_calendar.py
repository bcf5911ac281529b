"""Google Calendar events, as the Calendar API's `events.list` returns them (a response page with `items`).

Reads per event: `id`, `status` (confirmed|tentative|cancelled), `summary`, `start`/`end` (`dateTime` with an
offset, or `date` for an all-day event, taken as midnight UTC), `organizer.email`, `creator.email`,
`attendees[]` (`email`, `displayName`, `responseStatus`, `resource`), `recurringEventId` and
`originalStartTime`. Files: a response page (streamed through its `items`), a JSON array of events or JSON
Lines. Every event is one meeting keyed by its own id, so each instance of a recurring series is its own
activity; its `recurringEventId` becomes the thread id that groups the series. A cancelled event is kept with
status 'cancelled' (the API returns a cancelled instance with little more than its `originalStartTime`, which
then dates it): linking and metrics decide whether it counts. Rooms and equipment (`resource: true`) are not
people and are left out. The organizer comes first (with the response of its own attendee entry); an organizer
that is a shared calendar (`...@group.calendar.google.com`) is replaced by the event's creator, who made it.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.fields import BadField, email_address, iso_time, seconds_between, text
from semantic.ingest.adapters.json_stream import json_records
from semantic.ingest.records import ActivityRecord, Participant, Record, Reject

SOURCE = "google_calendar"
STATUSES = ("confirmed", "tentative", "cancelled")


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    for raw in json_records(path, array_key="items", options=options):
        if raw.error is not None:
            yield Reject(str(path), raw.number, raw.error, raw.text)
            continue
        try:
            yield event_record(raw.value)
        except BadField as exc:
            yield Reject(str(path), raw.number, str(exc), raw.text)


def event_record(event: object) -> ActivityRecord:
    if not isinstance(event, dict):
        raise BadField("an event must be a JSON object (an element of events.list 'items')")
    event_id = text(event.get("id"))
    if event_id is None:
        raise BadField("the event has no 'id'")
    status = text(event.get("status")) or "confirmed"
    if status not in STATUSES:
        raise BadField(f"status {status!r} is not one of {', '.join(STATUSES)}")
    when = event.get("start") or event.get("originalStartTime")
    if when is None:
        raise BadField("the event has neither 'start' nor 'originalStartTime'")
    start = _event_time(when, "start")
    end = _event_time(event["end"], "end") if event.get("end") else None
    return ActivityRecord(
        source_system=SOURCE,
        source_id=event_id,
        activity_type="meeting",
        occurred_at=start,
        duration_seconds=seconds_between(start, end) if end else None,
        subject=text(event.get("summary")),
        status=status,
        thread_id=text(event.get("recurringEventId")),
        participants=tuple(_participants(event)),
    )


def _event_time(value: object, field: str) -> datetime:
    if not isinstance(value, dict):
        raise BadField(f"{field} must be an object with dateTime or date")
    if "dateTime" in value:
        return iso_time(value["dateTime"], f"{field}.dateTime")
    return iso_time(value.get("date"), f"{field}.date")


def _organizer_email(event: dict) -> str | None:
    organizer = event.get("organizer") if isinstance(event.get("organizer"), dict) else {}
    email = email_address(organizer.get("email"))
    if email is None or email.endswith("calendar.google.com"):
        creator = event.get("creator") if isinstance(event.get("creator"), dict) else {}
        return email_address(creator.get("email")) or email
    return email


def _participants(event: dict) -> list[Participant]:
    attendees = event.get("attendees") if isinstance(event.get("attendees"), list) else []
    organizer = _organizer_email(event)
    people: dict[str | None, Participant] = {}
    if organizer is not None:
        listed = next((a for a in attendees if isinstance(a, dict) and email_address(a.get("email")) == organizer), {})
        people[organizer] = Participant("organizer", organizer, text(listed.get("displayName")),
                                        text(listed.get("responseStatus")))
    guests: list[Participant] = []
    for attendee in attendees:
        if not isinstance(attendee, dict) or attendee.get("resource") is True:
            continue
        email = email_address(attendee.get("email"))
        if email is not None and email in people:
            continue
        person = Participant("attendee", email, text(attendee.get("displayName")), text(attendee.get("responseStatus")))
        if email is not None:
            people[email] = person
        else:
            guests.append(person)
    return [*people.values(), *guests]

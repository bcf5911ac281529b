"""Google Calendar sample: a share of the demo's meetings as an `events.list` response page (see meetings.py).

Times carry the organizer's region offset (NA -05:00, EMEA +01:00, APAC +09:00) as calendar clients write them.
Oddities: every fifth event books a room (a resource attendee, not a person); every sixth meeting was first
planned two days earlier and that event was cancelled, so the sample holds cancelled events beside the held
ones; a meeting the demo cannot place is among colleagues only.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa

from semantic.ingest.exports.cast import Activity
from semantic.ingest.exports.meetings import meetings, on_calendar

FILE_NAME = "calendar_events.json"
REGION_OFFSETS = {"NA": timedelta(hours=-5), "EMEA": timedelta(hours=1), "APAC": timedelta(hours=9)}
RESPONSES = ("accepted", "accepted", "tentative", "needsAction")


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    path = out_dir / FILE_NAME
    with path.open("w", encoding="utf-8") as out:
        out.write('{"kind": "calendar#events", "summary": "Demo team calendars", "timeZone": "UTC", "items": [')
        first = True
        for activity in meetings(tables):
            if not on_calendar(activity.activity_id):
                continue
            events = [_event(activity)]
            if activity.activity_id % 6 == 0:
                events.insert(0, _event(activity, cancelled=True))
            for event in events:
                out.write(("\n" if first else ",\n") + json.dumps(event))
                first = False
        out.write("\n]}\n")
    return [path]


def _local(moment: datetime, offset: timedelta) -> str:
    return (moment.replace(tzinfo=timezone.utc).astimezone(timezone(offset))).isoformat()


def _event(activity: Activity, cancelled: bool = False) -> dict:
    offset = REGION_OFFSETS.get(activity.rep_region, timedelta(0))
    start = activity.occurred_at - (timedelta(days=2) if cancelled else timedelta(0))
    end = start + timedelta(seconds=activity.duration_seconds)
    organizer = {"email": activity.rep.email, "displayName": activity.rep.name}
    attendees = [
        {**organizer, "organizer": True, "responseStatus": "accepted"},
        {"email": activity.other.email, "displayName": activity.other.name,
         "responseStatus": RESPONSES[activity.activity_id % len(RESPONSES)]},
    ]
    if activity.activity_id % 5 == 0:
        attendees.append({"email": f"c_room{activity.activity_id % 7}@resource.calendar.google.com",
                          "displayName": f"Room {activity.activity_id % 7}", "resource": True,
                          "responseStatus": "accepted"})
    return {
        "kind": "calendar#event",
        "id": f"demo{activity.activity_id}" + ("c" if cancelled else ""),
        "status": "cancelled" if cancelled else "confirmed",
        "summary": activity.subject,
        "creator": {"email": activity.rep.email},
        "organizer": organizer,
        "start": {"dateTime": _local(start, offset)},
        "end": {"dateTime": _local(end, offset)},
        "attendees": [{k: v for k, v in a.items() if v is not None} for a in attendees],
    }

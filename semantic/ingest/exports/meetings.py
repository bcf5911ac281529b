"""The demo's Zoom meetings, split between the Calendar and Zoom samples, with who joined when.

Each demo meeting is written to exactly one file (a third as Calendar events, a quarter of the rest as the Zoom
CSV report, the others as Zoom JSON), so ingesting every sample gives each meeting once. Joins are drawn from
the activity id: the host joins a minute early; the other side a minute late and, in one meeting in four,
drops out and re-joins; one meeting in five has a guest who joined without an email.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa

from semantic.ingest.exports.cast import Activity, Cast, Person


def on_calendar(activity_id: int) -> bool:
    return activity_id % 3 == 0


def in_zoom_csv(activity_id: int) -> bool:
    return not on_calendar(activity_id) and activity_id % 4 == 1


@dataclass(frozen=True, slots=True)
class Span:
    person: Person
    user_id: str          # the Zoom account id of a signed-in user, '' for a guest
    join: datetime
    leave: datetime


@dataclass(frozen=True, slots=True)
class ZoomMeeting:
    activity: Activity
    uuid: str
    meeting_id: int
    host_id: str
    spans: tuple[Span, ...]

    @property
    def start(self) -> datetime:
        return self.activity.occurred_at

    @property
    def end(self) -> datetime:
        return self.activity.occurred_at + timedelta(seconds=self.activity.duration_seconds)


def meetings(tables: dict[str, pa.Table]) -> Iterator[Activity]:
    """All demo meetings of source 'zoom', in time order."""
    yield from Cast(tables).activities(tables["activities"], "zoom")


def zoom_meeting(activity: Activity) -> ZoomMeeting:
    start = activity.occurred_at
    end = start + timedelta(seconds=activity.duration_seconds)
    host_id = "u-" + (activity.rep.email or "").split("@")[0].replace(".", "")
    minute = timedelta(minutes=1)
    spans = [Span(activity.rep, host_id, start - minute, end)]
    if activity.activity_id % 4 == 0:
        middle = start + (end - start) / 2
        spans += [Span(activity.other, "", start + minute, middle),
                  Span(activity.other, "", middle + 2 * minute, end)]
    else:
        spans.append(Span(activity.other, "", start + minute, end))
    if activity.activity_id % 5 == 0:
        spans.append(Span(Person(f"Guest {activity.activity_id % 90 + 10}", None), "", start + 5 * minute,
                          max(end - 5 * minute, start + 6 * minute)))
    digest = hashlib.blake2b(f"zoom-{activity.activity_id}".encode(), digest_size=16).digest()
    return ZoomMeeting(activity, base64.b64encode(digest).decode(), 80_000_000_000 + activity.activity_id, host_id,
                       tuple(spans))

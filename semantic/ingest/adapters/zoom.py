"""Zoom meeting participants reports, JSON (the API) or CSV (the web portal's download): one meeting per instance.

JSON: each record is one meeting instance as `GET /report/meetings/{meetingId}` describes it (`uuid`,
`topic`, `start_time`, `end_time`, `host_id`, `user_email` = the host's email) with the `participants[]` of
`GET /report/meetings/{meetingId}/participants` under it (`id` = the Zoom user id, `name`, `user_email`,
`join_time`, `leave_time`; the per-join `user_id` and `duration` are not needed). Files: one such object, a JSON
array of them, or JSON Lines; a meeting is held in memory whole (Zoom caps a meeting at a few thousand
participants). The source id is the instance `uuid` (a meeting `id` is reused by every instance of a recurring
meeting). CSV: see zoom_csv.
Each meeting instance is one activity, its participants merged per person (see zoom_report).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.fields import BadField, email_address, iso_time, text
from semantic.ingest.adapters.json_stream import json_records
from semantic.ingest.adapters.zoom_csv import read_csv
from semantic.ingest.adapters.zoom_report import Attendance, Meeting, meeting_record
from semantic.ingest.records import Record, Reject

SOURCE = "zoom"


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    if path.suffix.lower() == ".csv":
        yield from read_csv(path, options)
        return
    for raw in json_records(path, options=options):
        if raw.error is not None:
            yield Reject(str(path), raw.number, raw.error, raw.text)
            continue
        try:
            meeting, attendances = _json_meeting(raw.value)
            yield meeting_record(meeting, attendances)
        except BadField as exc:
            yield Reject(str(path), raw.number, str(exc), raw.text)


def _json_meeting(value: object) -> tuple[Meeting, list[Attendance]]:
    if not isinstance(value, dict):
        raise BadField("a meeting must be a JSON object (the meeting report with its participants[])")
    uuid = text(value.get("uuid"))
    if uuid is None:
        raise BadField("the meeting has no 'uuid' (the id of this meeting instance)")
    participants = value.get("participants")
    if not isinstance(participants, list):
        raise BadField("the meeting has no 'participants' array")
    meeting = Meeting(
        source_id=uuid,
        topic=text(value.get("topic")),
        start=iso_time(value["start_time"], "start_time") if value.get("start_time") else None,
        end=iso_time(value["end_time"], "end_time") if value.get("end_time") else None,
        host_id=text(value.get("host_id")),
        host_email=email_address(value.get("user_email")),
    )
    return meeting, [_json_attendance(p, i) for i, p in enumerate(participants, start=1)]


def _json_attendance(value: object, index: int) -> Attendance:
    if not isinstance(value, dict):
        raise BadField(f"participant {index} is not a JSON object")
    try:
        return Attendance(
            name=text(value.get("name")),
            email=email_address(value.get("user_email")),
            user_id=text(value.get("id")),
            join=iso_time(value.get("join_time"), "join_time"),
            leave=iso_time(value["leave_time"], "leave_time") if value.get("leave_time") else None,
        )
    except BadField as exc:
        raise BadField(f"participant {index}: {exc}") from None

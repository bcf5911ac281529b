"""Zoom sample: demo meetings as participants reports, JSON (meeting report + participants[]) and the portal CSV.

JSON follows `GET /report/meetings/{id}` with the `participants[]` of `GET /report/meetings/{id}/participants`
under it, one meeting per array element; the CSV follows the portal's "Export with meeting data" layout (a
meeting section, then its participant rows), times in UTC. Which meeting goes where: see meetings.py.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from semantic.ingest.exports.meetings import ZoomMeeting, in_zoom_csv, meetings, on_calendar, zoom_meeting

JSON_FILE = "zoom_meetings.json"
CSV_FILE = "zoom_participants.csv"
MEETING_HEADER = ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants"]
PARTICIPANT_HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"]


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    json_path, csv_path = out_dir / JSON_FILE, out_dir / CSV_FILE
    with json_path.open("w", encoding="utf-8") as json_out, csv_path.open("w", encoding="utf-8", newline="") as csv_out:
        rows = csv.writer(csv_out)
        json_out.write("[")
        first = True
        for activity in meetings(tables):
            if on_calendar(activity.activity_id):
                continue
            meeting = zoom_meeting(activity)
            if in_zoom_csv(activity.activity_id):
                _csv_section(rows, meeting)
            else:
                json_out.write(("\n" if first else ",\n") + json.dumps(_json_meeting(meeting)))
                first = False
        json_out.write("\n]\n")
    return [json_path, csv_path]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _portal(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")


def _json_meeting(meeting: ZoomMeeting) -> dict:
    activity = meeting.activity
    return {
        "uuid": meeting.uuid, "id": meeting.meeting_id, "type": 2, "topic": activity.subject,
        "host_id": meeting.host_id, "user_name": activity.rep.name, "user_email": activity.rep.email,
        "start_time": _iso(meeting.start), "end_time": _iso(meeting.end),
        "duration": round(activity.duration_seconds / 60), "participants_count": len(meeting.spans),
        "participants": [{
            "id": span.user_id, "user_id": str(16_778_240 + 1024 * n), "name": span.person.name or "",
            "user_email": span.person.email or "", "join_time": _iso(span.join), "leave_time": _iso(span.leave),
            "duration": int((span.leave - span.join).total_seconds()),
        } for n, span in enumerate(meeting.spans)],
    }


def _csv_section(rows: csv.writer, meeting: ZoomMeeting) -> None:
    activity = meeting.activity
    meeting_id = str(meeting.meeting_id)
    rows.writerow(MEETING_HEADER)
    rows.writerow([f"{meeting_id[:3]} {meeting_id[3:7]} {meeting_id[7:]}", activity.subject, _portal(meeting.start),
                   _portal(meeting.end), activity.rep.email, round(activity.duration_seconds / 60),
                   len(meeting.spans)])
    rows.writerow([])
    rows.writerow(PARTICIPANT_HEADER)
    for span in meeting.spans:
        rows.writerow([span.person.name or span.person.email, span.person.email or "", _portal(span.join),
                       _portal(span.leave), round((span.leave - span.join).total_seconds() / 60),
                       "Yes" if span.person.email is None else "No"])
    rows.writerow([])

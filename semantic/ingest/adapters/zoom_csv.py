"""The Zoom web portal's participants report CSV ("Export with meeting data"), one or more meetings per file.

A meeting section is a header row naming `Meeting ID` and `Start Time` (also read: `Meeting UUID`, `Topic`,
`End Time`, `User Email` = the host, `Host ID`) and the meeting's row under it; then a header row naming
`Join Time` and the participant rows (`Name (Original Name)`, `User Email`, `Join Time`, `Leave Time`; other
columns such as `Duration (Minutes)` or `Guest` are ignored: the span is join..leave). Header names are
matched without case and without their parenthesised part, so "Name (Original Name)", "name" and
"Participant" all name the person. Times are ISO 8601, or the portal's `MM/DD/YYYY hh:mm:ss AM` (also without
seconds, or 24-hour) taken as UTC: set the portal's time zone to UTC before exporting. The CSV has no instance
uuid unless a `Meeting UUID` column is there, so an instance is keyed `<meeting id>@<start time ISO>`.
Record numbers are physical line numbers; a rejected meeting row takes its participant rows with it (each
rejected with a reason naming that line).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.fields import BadField, email_address, naive_utc
from semantic.ingest.adapters.csv_stream import CsvRow, csv_rows
from semantic.ingest.adapters.zoom_report import Attendance, Meeting, meeting_record
from semantic.ingest.records import Record, Reject

MEETING_COLUMNS = {"meeting id": "id", "meeting uuid": "uuid", "uuid": "uuid", "topic": "topic",
                   "start time": "start", "end time": "end", "user email": "host_email", "host email": "host_email",
                   "host id": "host_id"}
PARTICIPANT_COLUMNS = {"name": "name", "participant": "name", "participant name": "name", "user name": "name",
                       "user email": "email", "email": "email", "join time": "join", "leave time": "leave",
                       "user id": "user_id", "participant id": "user_id"}
_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
_PARENTHESISED = re.compile(r"\([^)]*\)")


def read_csv(path: Path, options: AdapterOptions) -> Iterator[Record]:
    sections = _Sections(str(path))
    for row in csv_rows(path, options):
        if row.error is not None:
            yield Reject(str(path), row.line, row.error, row.text)
        else:
            yield from sections.take(row)
    yield from sections.finish()


class _Sections:
    """Walks the file's meeting and participant sections; yields a meeting's record once its section ends."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.columns: dict[str, int] = {}
        self.section = ""       # 'meeting' right after a meeting header, 'participants' after a participant header
        self.meeting: Meeting | None = None
        self.meeting_line = 0
        self.broken_line = 0    # the line of a rejected meeting row, whose participants are rejected too
        self.spans: list[Attendance] = []

    def take(self, csv_row: CsvRow) -> Iterator[Record]:
        line, row = csv_row.line, csv_row.cells
        names = [_name(cell) for cell in row]
        if not any(names):
            return
        if "meeting id" in names and "start time" in names:
            yield from self.finish()
            self.columns, self.section = _columns(names, MEETING_COLUMNS), "meeting"
        elif "join time" in names:
            self.columns, self.section = _columns(names, PARTICIPANT_COLUMNS), "participants"
        elif self.section == "meeting":
            self.section = ""
            try:
                self.meeting, self.meeting_line, self.broken_line = _meeting(row, self.columns), line, 0
            except BadField as exc:
                self.broken_line = line
                yield Reject(self.file, line, str(exc), csv_row.text)
        elif self.section == "participants" and self.meeting is not None:
            try:
                self.spans.append(_attendance(row, self.columns))
            except BadField as exc:
                yield Reject(self.file, line, str(exc), csv_row.text)
        else:
            reason = (f"belongs to the meeting on line {self.broken_line}, which was rejected" if self.broken_line
                      else "a row outside a meeting section: export the report with meeting data")
            yield Reject(self.file, line, reason, csv_row.text)

    def finish(self) -> Iterator[Record]:
        meeting, spans = self.meeting, self.spans
        self.meeting, self.spans = None, []
        if meeting is None:
            return
        try:
            yield meeting_record(meeting, spans)
        except BadField as exc:
            yield Reject(self.file, self.meeting_line, str(exc), meeting.source_id)


def _name(cell: str) -> str:
    return " ".join(_PARENTHESISED.sub("", cell).lower().split())


def _columns(header: list[str], known: dict[str, str]) -> dict[str, int]:
    """Field -> column index for the columns of `header` that `known` names (the first of duplicates wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell in known:
            found.setdefault(known[cell], index)
    return found


def _cell(row: list[str], columns: dict[str, int], field: str) -> str | None:
    index = columns.get(field)
    value = row[index].strip() if index is not None and index < len(row) else ""
    return value or None


def _time(value: str | None, field: str) -> datetime:
    if value is None:
        raise BadField(f"{field} is empty")
    try:
        return naive_utc(datetime.fromisoformat(value))
    except ValueError:
        pass
    for pattern in _FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise BadField(f"{field} {value!r} is neither ISO 8601 nor MM/DD/YYYY hh:mm:ss AM")


def _meeting(row: list[str], columns: dict[str, int]) -> Meeting:
    meeting_id = _cell(row, columns, "id")
    if meeting_id is None:
        raise BadField("the meeting row has no Meeting ID")
    start = _time(_cell(row, columns, "start"), "Start Time")
    end = _cell(row, columns, "end")
    uuid = _cell(row, columns, "uuid")
    return Meeting(
        source_id=uuid or f"{meeting_id.replace(' ', '')}@{start.isoformat()}",
        topic=_cell(row, columns, "topic"),
        start=start,
        end=_time(end, "End Time") if end else None,
        host_id=_cell(row, columns, "host_id"),
        host_email=email_address(_cell(row, columns, "host_email")),
    )


def _attendance(row: list[str], columns: dict[str, int]) -> Attendance:
    leave = _cell(row, columns, "leave")
    return Attendance(
        name=_cell(row, columns, "name"),
        email=email_address(_cell(row, columns, "email")),
        user_id=_cell(row, columns, "user_id"),
        join=_time(_cell(row, columns, "join"), "Join Time"),
        leave=_time(leave, "Leave Time") if leave else None,
    )

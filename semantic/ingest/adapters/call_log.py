"""A dialer's call-log CSV (the shape dialers such as Truly export), read through a YAML column mapping.

Reads per row the columns the mapping (`--mapping FILE`, see call_log_mapping) names: id, started_at,
direction, rep_email, from, to, and optionally duration, subject, status. The source system is the mapping's
`source_system` (e.g. 'truly'); the source id is the id column. started_at is parsed with the mapping's
format ('iso' or a strptime pattern) and, when it carries no offset, read in the mapping's time zone, then
converted to UTC; duration is converted from the mapping's unit to whole seconds. Phone numbers are not
emails: the rep is the participant identified by the rep email column (role caller on an outbound call,
callee on an inbound one); the other party is a participant with no email whose name field holds their phone
number as written (the `to` number of an outbound call, the `from` number of an inbound one). Record numbers
are physical CSV lines (the header is line 1).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.call_log_mapping import CallLogMapping, check_header, load_mapping
from semantic.ingest.adapters.csv_stream import csv_rows
from semantic.ingest.adapters.fields import BadField, email_address, naive_utc
from semantic.ingest.errors import IngestError
from semantic.ingest.records import ActivityRecord, Participant, Record, Reject

SOURCE = "call_log"


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    if options.mapping is None:
        raise IngestError("E_CALL_LOG_MAPPING", "the call-log adapter needs a column mapping",
                          "pass --mapping FILE (a YAML file; see docs/ingest.md, 'Call log')")
    mapping = load_mapping(options.mapping)
    rows = csv_rows(path, options)
    header = next(rows, None)
    if header is None or header.error is not None:
        raise IngestError("E_CALL_LOG_COLUMN", f"{path} has no readable header row",
                          "export the call log as CSV with its column names on the first line")
    check_header(mapping, path, header.cells)
    index = {name.strip(): i for i, name in reversed(list(enumerate(header.cells)))}
    columns = {field: index[column] for field, column in mapping.columns.items()}
    for row in rows:
        if row.error is not None:
            yield Reject(str(path), row.line, row.error, row.text)
        elif any(cell.strip() for cell in row.cells):
            try:
                yield call_record(mapping, {f: row.cells[i] if i < len(row.cells) else "" for f, i in columns.items()})
            except BadField as exc:
                yield Reject(str(path), row.line, str(exc), row.text)


def call_record(mapping: CallLogMapping, values: dict[str, str]) -> ActivityRecord:
    def value(field: str) -> str | None:
        return values.get(field, "").strip() or None

    call_id = value("id")
    if call_id is None:
        raise BadField(f"the id column {mapping.columns['id']!r} is empty")
    word = (value("direction") or "").lower()
    direction = mapping.directions.get(word)
    if direction is None:
        raise BadField(f"direction {word!r} is not one of {', '.join(sorted(mapping.directions))} "
                       "(add it under direction_values in the mapping)")
    rep = email_address(value("rep_email"))
    if rep is None:
        raise BadField(f"the rep email column {mapping.columns['rep_email']!r} holds "
                       f"{repr(value('rep_email')) if value('rep_email') else 'nothing'}, not an email address")
    outbound = direction == "outbound"
    other_phone = value("to") if outbound else value("from")
    status = value("status")
    return ActivityRecord(
        source_system=mapping.source_system,
        source_id=call_id,
        activity_type="call",
        occurred_at=_started_at(mapping, value("started_at")),
        direction=direction,
        duration_seconds=_seconds(mapping, value("duration")),
        subject=value("subject"),
        status=status.lower() if status else None,
        participants=(Participant("caller" if outbound else "callee", rep),
                      Participant("callee" if outbound else "caller", None, other_phone)),
    )


def _started_at(mapping: CallLogMapping, text: str | None) -> datetime:
    if text is None:
        raise BadField("started_at is empty")
    try:
        if mapping.timestamp_format == "iso":
            moment = datetime.fromisoformat(text)
        else:
            moment = datetime.strptime(text, mapping.timestamp_format)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=mapping.time_zone)
        return naive_utc(moment)
    except (ValueError, OverflowError):
        raise BadField(f"started_at {text!r} does not match the format {mapping.timestamp_format!r}") from None


def _seconds(mapping: CallLogMapping, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        amount = float(text)
    except ValueError:
        raise BadField(f"duration {text!r} is not a number") from None
    seconds = amount * mapping.seconds_per_unit
    if not 0 <= seconds < 2**31:  # also false for NaN
        raise BadField(f"duration {text!r} must be a non-negative number of a sensible size")
    return round(seconds)

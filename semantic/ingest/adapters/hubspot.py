"""HubSpot CRM v3 engagement objects (emails, meetings, calls) with their associations.

Reads a list or search response page (`results[]`, streamed; a JSON array or JSON Lines of objects also
works; paged exports are simply several files). Per object: `id`, `properties.hs_timestamp` (ISO 8601 or
milliseconds), and by type -- emails: `hs_email_subject`, `hs_email_direction` (EMAIL and FORWARDED_EMAIL are
outbound, INCOMING_EMAIL inbound), `hs_email_headers` (a JSON string with from/to/cc/bcc `email` and
`firstName`/`lastName`); meetings: `hs_meeting_title`, `hs_meeting_start_time`, `hs_meeting_end_time`,
`hs_meeting_outcome` (the status, lower-cased; CANCELED becomes 'cancelled' as calendars spell it); calls:
`hs_call_title`, `hs_call_duration` (milliseconds), `hs_call_direction`, `hs_call_status`. The type is told by
which `hs_email_` / `hs_meeting_` / `hs_call_` properties the object has. `associations.contacts` become
participants with no email that declare a HubSpot contact; the first of `associations.companies` is the declared
account and the first of `associations.deals` the declared opportunity (CrmRef system 'hubspot'). The source
id is the object id: HubSpot numbers all engagements in one sequence, whatever their type.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.fields import BadField, email_address, epoch_ms, iso_time, seconds_between, text
from semantic.ingest.adapters.json_stream import json_records
from semantic.ingest.records import ActivityRecord, CrmRef, Participant, Record, Reject

SOURCE = "hubspot"
EMAIL_DIRECTIONS = {"EMAIL": "outbound", "FORWARDED_EMAIL": "outbound", "INCOMING_EMAIL": "inbound"}
_TYPES = (("hs_email_", "email"), ("hs_meeting_", "meeting"), ("hs_call_", "call"))
_HEADER_ROLES = (("from", "from"), ("to", "to"), ("cc", "cc"), ("bcc", "bcc"))


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    for raw in json_records(path, array_key="results", options=options):
        if raw.error is not None:
            yield Reject(str(path), raw.number, raw.error, raw.text)
            continue
        try:
            yield engagement_record(raw.value)
        except BadField as exc:
            yield Reject(str(path), raw.number, str(exc), raw.text)


def engagement_record(value: object) -> ActivityRecord:
    if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
        raise BadField("an engagement must be a JSON object with 'properties' (CRM v3 objects API)")
    raw_id = value.get("id")
    object_id = text(str(raw_id)) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None
    if object_id is None:
        raise BadField("the object has no 'id'")
    props: dict = value["properties"]
    kind = next((kind for prefix, kind in _TYPES if any(str(key).startswith(prefix) for key in props)), None)
    if kind is None:
        raise BadField("no hs_email_, hs_meeting_ or hs_call_ property: cannot tell whether this is an email, "
                       "meeting or call (request those properties in the export)")
    start = _time(props.get("hs_meeting_start_time"), "hs_meeting_start_time") if kind == "meeting" else None
    occurred_at = start or _time(props.get("hs_timestamp"), "hs_timestamp")
    if occurred_at is None:
        raise BadField("hs_timestamp is missing")
    associations = value.get("associations") if isinstance(value.get("associations"), dict) else {}
    people = _email_people(props.get("hs_email_headers")) if kind == "email" else []
    people += [Participant("participant", declared=CrmRef(SOURCE, "contact", contact))
               for contact in _associated(associations, "contacts")]
    companies, deals = _associated(associations, "companies"), _associated(associations, "deals")
    return ActivityRecord(
        source_system=SOURCE,
        source_id=object_id,
        activity_type=kind,
        occurred_at=occurred_at,
        direction=_direction(kind, props),
        duration_seconds=_duration(kind, props, occurred_at),
        subject=text(props.get(f"hs_{kind}_subject" if kind == "email" else f"hs_{kind}_title")),
        status=_status(kind, props),
        participants=tuple(people),
        declared_account=CrmRef(SOURCE, "account", companies[0]) if companies else None,
        declared_opportunity=CrmRef(SOURCE, "opportunity", deals[0]) if deals else None,
    )


def _time(value: object, field: str) -> datetime | None:
    """HubSpot writes times as ISO 8601 in API responses and as milliseconds in some exports; None if absent."""
    if value is None or value == "":
        return None
    text_value = str(value).strip()
    return epoch_ms(text_value, field) if text_value.isdigit() else iso_time(text_value, field)


def _direction(kind: str, props: dict) -> str | None:
    if kind == "email":
        return EMAIL_DIRECTIONS.get(str(props.get("hs_email_direction") or "").upper())
    if kind == "call":
        direction = str(props.get("hs_call_direction") or "").lower()
        return direction if direction in ("inbound", "outbound") else None
    return None


def _duration(kind: str, props: dict, start: datetime) -> int | None:
    if kind == "call" and props.get("hs_call_duration") not in (None, ""):
        try:
            return round(float(props["hs_call_duration"]) / 1000)
        except (TypeError, ValueError):
            raise BadField(f"hs_call_duration {props['hs_call_duration']!r} is not a number of milliseconds") from None
    if kind == "meeting":
        end = _time(props.get("hs_meeting_end_time"), "hs_meeting_end_time")
        return seconds_between(start, end) if end else None
    return None


def _status(kind: str, props: dict) -> str | None:
    status = text(props.get("hs_meeting_outcome" if kind == "meeting" else f"hs_{kind}_status"))
    if status is None:
        return None
    return "cancelled" if status.upper() == "CANCELED" else status.lower()


def _email_people(headers: object) -> list[Participant]:
    """hs_email_headers: a JSON string {"from": {...}, "to": [{...}], "cc": [...], "bcc": [...]}."""
    if not headers:
        return []
    try:
        parsed = json.loads(headers) if isinstance(headers, str) else headers
    except ValueError:
        raise BadField("hs_email_headers is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadField("hs_email_headers must be a JSON object with from/to/cc/bcc")
    people: list[Participant] = []
    seen: set[str] = set()
    for key, role in _HEADER_ROLES:
        entries = parsed.get(key)
        for entry in entries if isinstance(entries, list) else [entries]:
            email = email_address(entry.get("email")) if isinstance(entry, dict) else None
            if email is None or email in seen:
                continue
            seen.add(email)
            name = " ".join(part for part in (text(entry.get("firstName")), text(entry.get("lastName"))) if part)
            people.append(Participant(role, email, name or None))
    return people


def _associated(associations: dict, kind: str) -> list[str]:
    """Distinct ids of one association type in listed order (HubSpot repeats an id once per label)."""
    block = associations.get(kind)
    results = block.get("results") if isinstance(block, dict) else None
    ids: dict[str, None] = {}
    for item in results if isinstance(results, list) else []:
        if isinstance(item, dict) and item.get("id") not in (None, ""):
            ids.setdefault(str(item["id"]), None)
    return list(ids)

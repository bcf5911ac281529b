"""Gmail API messages, as `users.messages.get` returns them with `format=metadata`.

Reads per message: `id`, `threadId`, `internalDate` (milliseconds since 1970, the time Gmail received or sent
it), `labelIds` and `payload.headers[]` (`name`/`value`: From, To, Cc, Bcc, Date, Subject, Message-ID,
In-Reply-To, References). Files: JSON Lines (one message per line) or a JSON array of messages, streamed
(see json_stream). The source id is the Message-ID header without its angle brackets, so the same mail in
two mailboxes, or in an mbox and an API export, is one activity; a message without one falls back to its Gmail
id. Direction: `SENT` among the labels is outbound, other labels inbound; without labels linking decides
(by internal domains). Gmail already gives a reply its thread's `threadId`, which becomes the thread id; a
message saved without one gets its thread's root from References / In-Reply-To, as in the mbox adapter.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.fields import (BadField, address_participants, epoch_ms, mail_date, message_ids, text,
                                             thread_root)
from semantic.ingest.adapters.json_stream import json_records
from semantic.ingest.records import ActivityRecord, Record, Reject

SOURCE = "gmail_api"
SOURCE_SYSTEM = "gmail"
ADDRESS_ROLES = (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"))


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    for raw in json_records(path, array_key="messages", options=options):
        if raw.error is not None:
            yield Reject(str(path), raw.number, raw.error, raw.text)
            continue
        try:
            yield message_record(raw.value)
        except BadField as exc:
            yield Reject(str(path), raw.number, str(exc), raw.text)


def direction_from_labels(labels: object) -> str | None:
    if not isinstance(labels, list) or not labels:
        return None
    return "outbound" if "SENT" in labels else "inbound"


def message_record(message: object) -> ActivityRecord:
    if not isinstance(message, dict):
        raise BadField("a message must be a JSON object (users.messages.get with format=metadata)")
    gmail_id = text(message.get("id"))
    if gmail_id is None:
        raise BadField("the message has no 'id'")
    headers = _headers(message.get("payload"))
    if "internalDate" in message:
        occurred_at = epoch_ms(message["internalDate"], "internalDate")
    else:
        occurred_at = mail_date(headers.get("date"))
    own_id = message_ids(headers.get("message-id"))
    source_id = own_id[0] if own_id else gmail_id
    return ActivityRecord(
        source_system=SOURCE_SYSTEM,
        source_id=source_id,
        activity_type="email",
        occurred_at=occurred_at,
        direction=direction_from_labels(message.get("labelIds")),
        subject=headers.get("subject"),
        thread_id=text(message.get("threadId")) or thread_root(headers.get("references"), headers.get("in-reply-to"),
                                                               source_id),
        participants=tuple(address_participants((role, headers.get(name.lower())) for name, role in ADDRESS_ROLES)),
    )


def _headers(payload: object) -> dict[str, str]:
    """Header values by lower-case name (the API keeps the sender's spelling); the first of repeats wins."""
    if not isinstance(payload, dict) or not isinstance(payload.get("headers"), list):
        raise BadField("the message has no payload.headers (fetch it with format=metadata or full)")
    found: dict[str, str] = {}
    for header in payload["headers"]:
        if isinstance(header, dict) and isinstance(header.get("name"), str) and isinstance(header.get("value"), str):
            found.setdefault(header["name"].lower(), header["value"])
    return found

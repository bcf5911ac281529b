"""Field conversions every adapter shares: times to naive UTC, addresses to lower-case emails, Message-IDs.

A conversion that cannot make sense of its input raises `BadField` with a one-line reason; the adapter turns it
into a `Reject` for that record, so one odd value never stops a file.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import getaddresses, parsedate_to_datetime

from semantic.ingest.records import Participant

MAX_SECONDS = 2**31  # durations are stored as 32-bit integers
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


class BadField(ValueError):
    """A value an adapter cannot use; its text is the reject reason."""


def naive_utc(moment: datetime) -> datetime:
    """The ledger's time convention: UTC without tzinfo (a time without an offset is taken as UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def iso_time(value: object, field: str) -> datetime:
    """An ISO 8601 time ('2024-03-06T10:00:00Z', with an offset, or a bare date) as naive UTC."""
    if not isinstance(value, str) or not value.strip():
        raise BadField(f"{field} is missing or not a string")
    try:
        return naive_utc(datetime.fromisoformat(value.strip()))
    except (ValueError, OverflowError):
        raise BadField(f"{field} {value!r} is not an ISO 8601 time such as 2024-03-06T10:00:00Z") from None


def epoch_ms(value: object, field: str) -> datetime:
    """Milliseconds since the Unix epoch (a number or its decimal string, as Gmail and HubSpot write them)."""
    try:
        millis = int(str(value).strip())
        return datetime.fromtimestamp(millis / 1000, timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise BadField(f"{field} {value!r} is not a time in milliseconds since 1970") from None


def mail_date(value: str | None) -> datetime:
    """An RFC 5322 Date header as naive UTC."""
    if not value:
        raise BadField("the message has no Date header")
    try:
        return naive_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        raise BadField(f"Date header {value!r} is not an RFC 5322 date") from None


def seconds_between(start: datetime, end: datetime) -> int:
    """A duration in whole seconds (negative spans count as 0); absurd spans are refused, not overflowed."""
    seconds = max(int((end - start).total_seconds()), 0)
    if seconds >= MAX_SECONDS:
        raise BadField(f"the span from {start} to {end} is longer than a duration can be ({MAX_SECONDS - 1} s)")
    return seconds


def email_address(value: object) -> str | None:
    """Lower-cased and stripped; None for an empty value or one without an @ (not an email)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return text if "@" in text else None


def address_participants(headers: Iterable[tuple[str, str | None]]) -> list[Participant]:
    """Participants of the From/To/Cc/Bcc headers, in order, each address once (its first role wins)."""
    seen: set[str] = set()
    people: list[Participant] = []
    for role, header in headers:
        if not header:
            continue
        for name, address in getaddresses([header]):
            email = email_address(address)
            if email is None or email in seen:
                continue
            seen.add(email)
            people.append(Participant(role=role, email=email, name=name.strip() or None))
    return people


def message_ids(value: str | None) -> list[str]:
    """The ids of a Message-ID / In-Reply-To / References header, without angle brackets, in order."""
    if not value:
        return []
    found = _MESSAGE_ID.findall(value)
    if found:
        return found
    bare = value.strip()
    return [bare] if bare and " " not in bare else []


def thread_root(references: str | None, in_reply_to: str | None, own_id: str) -> str:
    """A mail thread's id when the source gives none: its first message (References lists the root first)."""
    return (message_ids(references) or message_ids(in_reply_to) or [own_id])[0]


def text(value: object) -> str | None:
    """A string field as the source wrote it, or None when empty or not a string."""
    return value.strip() or None if isinstance(value, str) else None

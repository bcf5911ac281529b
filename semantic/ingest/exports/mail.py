"""The demo's Gmail activities as mail messages, shared by the Gmail API and mbox writers.

Both renderings carry the same Message-ID, Gmail message id and thread id (Takeout writes Gmail's ids in
decimal, the API in hexadecimal), so ingesting both lands each mail once. A 'Re: ...' message replies to the
previous mail between the same rep and person and joins that thread, which gives the samples replies in a thread.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, formataddr

import pyarrow as pa

from semantic.ingest.exports.cast import Cast, Person

GMAIL_ID_BASE = 0x18E0_0000_0000_0000  # Gmail ids are 64-bit numbers of about this size


@dataclass(frozen=True, slots=True)
class Mail:
    gmail_id: int
    thread_id: int
    message_id: str           # without angle brackets
    in_reply_to: str | None
    references: tuple[str, ...]
    sent: bool                # sent by the rep (outbound)
    occurred_at: datetime     # naive UTC
    sender: Person
    recipient: Person
    subject: str

    @property
    def epoch_ms(self) -> int:
        return int(self.occurred_at.replace(tzinfo=timezone.utc).timestamp() * 1000)

    def headers(self) -> list[tuple[str, str]]:
        """RFC 5322 headers in the order a mail client writes them."""
        headers = [("From", _address(self.sender)), ("To", _address(self.recipient)), ("Subject", self.subject),
                   ("Date", format_datetime(self.occurred_at.replace(tzinfo=timezone.utc))),
                   ("Message-ID", f"<{self.message_id}>")]
        if self.in_reply_to:
            headers += [("In-Reply-To", f"<{self.in_reply_to}>"),
                        ("References", " ".join(f"<{ref}>" for ref in self.references))]
        return headers


def mails(tables: dict[str, pa.Table]) -> Iterator[Mail]:
    cast = Cast(tables)
    threads: dict[tuple, tuple[int, tuple[str, ...]]] = {}  # (rep, other side) -> (thread, its message ids)
    for activity in cast.activities(tables["activities"], "gmail"):
        sent = not activity.inbound
        sender, recipient = (activity.rep, activity.other) if sent else (activity.other, activity.rep)
        gmail_id = GMAIL_ID_BASE + activity.activity_id
        message_id = f"demo-{activity.activity_id}@{(sender.email or 'mail.example').split('@')[1]}"
        key = (activity.rep.email, activity.other.email)
        thread, earlier = gmail_id, ()
        if activity.subject.startswith("Re: ") and key in threads:
            thread, earlier = threads[key]
        threads[key] = (thread, (*earlier, message_id)[-10:])
        yield Mail(gmail_id, thread, message_id, earlier[-1] if earlier else None, earlier, sent,
                   activity.occurred_at, sender, recipient, activity.subject)


def _address(person: Person) -> str:
    return formataddr((person.name or "", person.email or ""))

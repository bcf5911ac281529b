"""Mail in mbox files (a Google Takeout export of Gmail, or any mail client's mbox), as source system 'gmail'.

Reads per message only its header block: From, To, Cc, Bcc, Date, Subject, Message-ID, In-Reply-To,
References, and the headers Takeout adds, X-GM-THRID (the thread), X-GM-MSGID (the message) and X-Gmail-Labels.
Keys match the Gmail API adapter, so one mail exported both ways lands once: the source id is the Message-ID
without angle brackets, else X-GM-MSGID in hexadecimal (which is the Gmail API's message id); the thread id is
X-GM-THRID in hexadecimal (the API's threadId), else the thread's root from References (its first id), else
In-Reply-To, else the message's own id. Direction: a 'Sent' label is outbound, other labels inbound, no labels
leaves it to linking. A message starts at a line beginning with "From " at the top of the file or after a
blank line (as Python's `mailbox` writes them); its record number is that line's number. The file is read line
by line and bodies are skipped, so memory holds one header block (a larger one than MAX_HEADER_BYTES is
rejected).
"""
from __future__ import annotations

from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions, open_binary
from semantic.ingest.adapters.fields import BadField, address_participants, mail_date, message_ids, thread_root
from semantic.ingest.adapters.gmail_api import ADDRESS_ROLES, SOURCE_SYSTEM
from semantic.ingest.records import ActivityRecord, Record, Reject

SOURCE = "mbox"
MAX_HEADER_BYTES = 1 << 20
# compat32 keeps header values as text (the default policy parses each into objects, ten times slower). Headers
# are decoded as UTF-8 first: mail clients write raw UTF-8 in headers (RFC 6532), which the bytes parser mangles.
_PARSER = HeaderParser(policy=compat32)
_NOT_MBOX = "text before the first 'From ' line: this is not an mbox file, or its start is cut off"


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    for number, header_block, reason in _header_blocks(path, options):
        raw = header_block.decode("utf-8", "replace")
        if reason is not None:
            yield Reject(str(path), number, reason, raw)
            continue
        try:
            yield message_record(_PARSER.parsestr(raw))
        except BadField as exc:
            yield Reject(str(path), number, str(exc), raw)


def message_record(message: Message) -> ActivityRecord:
    def header(name: str) -> str | None:
        value = message.get(name)
        return _header_text(str(value)) if value is not None else None

    own_id = message_ids(header("Message-ID"))
    source_id = own_id[0] if own_id else _hex(header("X-GM-MSGID"))
    if source_id is None:
        raise BadField("the message has neither a Message-ID nor an X-GM-MSGID header")
    thread = _hex(header("X-GM-THRID"))
    if thread is None:
        thread = thread_root(header("References"), header("In-Reply-To"), source_id)
    labels = [label.strip() for label in (header("X-Gmail-Labels") or "").split(",") if label.strip()]
    return ActivityRecord(
        source_system=SOURCE_SYSTEM,
        source_id=source_id,
        activity_type="email",
        occurred_at=mail_date(header("Date")),
        direction=("outbound" if "Sent" in labels else "inbound") if labels else None,
        subject=header("Subject"),
        thread_id=thread,
        participants=tuple(address_participants((role, header(name)) for name, role in ADDRESS_ROLES)),
    )


def _header_text(value: str) -> str:
    """A header value unfolded, with RFC 2047 encoded words (`=?utf-8?q?Jos=C3=A9?=`) decoded; a value whose
    encoded words are not valid stays as written."""
    value = value.replace("\r\n", "").replace("\n", "")
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return value


def _hex(decimal: str | None) -> str | None:
    """Takeout writes Gmail's 64-bit ids in decimal; the API writes the same number in hexadecimal."""
    try:
        return format(int(decimal), "x") if decimal else None
    except ValueError:
        return None


def _header_blocks(path: Path, options: AdapterOptions) -> Iterator[tuple[int, bytes, str | None]]:
    """(From-line number, header bytes, reason it is unusable or None) for each message of the file."""
    with open_binary(path, options) as stream:
        start, block, in_headers, too_big, previous_blank = 0, bytearray(), False, False, True
        stray: tuple[int, bytes] | None = None  # the first line of text before any message, if there is one
        saw_stray = False
        for number, line in enumerate(stream, start=1):
            if line.startswith(b"From ") and previous_blank:
                if stray is not None:
                    yield stray[0], stray[1], _NOT_MBOX
                    stray = None
                if start:
                    yield start, bytes(block), _too_big(too_big)
                start, block, in_headers, too_big = number, bytearray(), True, False
            elif start == 0:
                if line.strip() and stray is None and not saw_stray:
                    saw_stray = True
                    stray = (number, line)
            elif in_headers:
                if line in (b"\n", b"\r\n"):
                    in_headers = False
                elif len(block) + len(line) <= MAX_HEADER_BYTES:
                    block += line
                else:
                    too_big = True
            previous_blank = line in (b"\n", b"\r\n")
        if stray is not None:
            yield stray[0], stray[1], _NOT_MBOX
        if start:
            yield start, bytes(block), _too_big(too_big)


def _too_big(flag: bool) -> str | None:
    return f"the header block is larger than {MAX_HEADER_BYTES} bytes" if flag else None

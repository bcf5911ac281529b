"""mbox files: the same keys as the Gmail API, Takeout's thread and label headers, From-line record numbers."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from semantic.ingest.records import Participant
from tests.ingest.adapters.conftest import read_all


def test_takeout_mbox(exports: Path) -> None:
    records, rejects = read_all("mbox", exports / "takeout.mbox")
    assert [r.source_id for r in records] == ["proposal-1@northpeak.example", "reply-1@blueriver.example", "ff"]
    proposal, reply, internal = records
    assert {r.source_system for r in records} == {"gmail"}
    # Date: 11:00 +0100 and 10:00 -0500 in UTC
    assert proposal.occurred_at == datetime(2024, 3, 6, 10, 0)
    assert reply.occurred_at == datetime(2024, 3, 6, 15, 0)
    # X-GM-THRID 1792717062846461142 is 0x18e102aba1beb4d6, the Gmail API's threadId of the same thread
    assert proposal.thread_id == "18e102aba1beb4d6"
    # without X-GM-THRID the thread is the root of References
    assert reply.thread_id == "root-0@northpeak.example"
    assert internal.thread_id == "ff"  # no Message-ID: X-GM-MSGID 255 in hexadecimal, and its own thread
    assert (proposal.direction, reply.direction, internal.direction) == ("outbound", None, None)
    assert reply.participants == (
        Participant("from", "ben.baker@blueriver.example", "Ben Baker"),
        Participant("to", "ada.adams@northpeak.example", None),
        Participant("cc", "jose.silva@blueriver.example", "José Silva"),
    )
    assert proposal.participants[1] == Participant("to", "ben.baker@blueriver.example", "Ben Baker")
    assert proposal.subject == "Proposal attached"
    assert reply.subject == "Re: Proposal attached"  # folded over two lines in the file
    # the body line "From the pricing page..." does not follow a blank line, so it starts no message
    assert [(r.record, r.reason) for r in rejects] == [
        (27, "the message has neither a Message-ID nor an X-GM-MSGID header")]


def test_same_mail_in_mbox_and_api_has_one_key(exports: Path) -> None:
    from_mbox, _ = read_all("mbox", exports / "takeout.mbox")
    from_api, _ = read_all("gmail_api", exports / "gmail_messages.jsonl")
    assert from_mbox[0].activity_id == from_api[0].activity_id


def test_text_before_the_first_message_is_rejected(exports: Path) -> None:
    records, rejects = read_all("mbox", exports / "cut.mbox")
    assert [(r.source_id, r.occurred_at) for r in records] == [("only@x.example", datetime(2024, 3, 7, 9, 0))]
    assert [(r.record, r.raw) for r in rejects] == [(1, "this is not a mailbox\n")]


def test_raw_utf8_headers_are_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "8bit.mbox"
    path.write_bytes(b"From x Wed Mar 06 10:00:00 2024\nMessage-ID: <a@x.example>\nDate: Wed, 6 Mar 2024 10:00:00 +0000\n"
                     b"Subject: caf\xe9 \xc3\xa9t\xc3\xa9\nFrom: Jos\xc3\xa9 <J@X.example>\n\nbody\n")
    records, rejects = read_all("mbox", path)
    assert rejects == []
    # UTF-8 (RFC 6532) is kept; a byte that is not UTF-8 becomes U+FFFD
    assert records[0].subject == "caf\ufffd été"
    assert records[0].participants == (Participant("from", "j@x.example", "José"),)

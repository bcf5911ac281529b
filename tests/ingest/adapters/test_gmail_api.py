"""Gmail API messages (format=metadata): keys, times, direction, threads, participants and rejects."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from semantic.ingest.records import Participant
from tests.ingest.adapters.conftest import read_all


def test_messages_from_json_lines(exports: Path) -> None:
    records, rejects = read_all("gmail_api", exports / "gmail_messages.jsonl")
    assert [r.source_id for r in records] == [
        "proposal-1@northpeak.example", "reply-1@blueriver.example", "18e0b00000000002",
        "internal-1@northpeak.example"]
    sent, reply, personal, internal = records
    assert {r.source_system for r in records} == {"gmail"}
    assert {r.activity_type for r in records} == {"email"}
    # internalDate 1709719200000 ms is 2024-03-06 10:00:00 UTC; the reply came five hours later.
    assert sent.occurred_at == datetime(2024, 3, 6, 10, 0)
    assert reply.occurred_at == datetime(2024, 3, 6, 15, 0)
    assert personal.occurred_at == datetime(2024, 3, 7, 9, 0)
    assert (sent.direction, reply.direction, personal.direction, internal.direction) == (
        "outbound", "inbound", "inbound", None)
    assert reply.thread_id == sent.thread_id == "18e0a1b2c3d4e5f6"
    assert reply.subject == "Re: Proposal attached"
    assert sent.participants == (
        Participant("from", "ada.adams@northpeak.example", "Ada Adams"),
        Participant("to", "ben.baker@blueriver.example", "Ben Baker"),
        Participant("to", "carla@blueriver.example", None),
    )  # the sender copied on Cc is listed once, as the sender
    assert personal.participants == (
        Participant("from", "dan.evans1987@gmail.com", "Dan"),
        Participant("to", "ada.adams@northpeak.example", "Ada Adams"),
        Participant("bcc", "archive@northpeak.example", None),
    )
    assert [(r.record, r.reason.split(" (")[0]) for r in rejects] == [
        (4, "the message has no Date header"),
        (5, "not valid JSON"),
        (6, "a message must be a JSON object"),
    ]
    assert rejects[2].raw == '["not", "a", "message"]'


def test_a_json_array_is_streamed_with_record_indexes(tmp_path: Path, exports: Path) -> None:
    lines = (exports / "gmail_messages.jsonl").read_text().splitlines()
    broken = '{"id": "x", "payload": {"headers": [}}'
    path = tmp_path / "messages.json"
    path.write_text("[\n" + ",\n".join([lines[0], broken, lines[1]]) + "\n]\n")
    records, rejects = read_all("gmail_api", path)
    assert [r.source_id for r in records] == ["proposal-1@northpeak.example", "reply-1@blueriver.example"]
    assert [(r.record, r.raw) for r in rejects] == [(2, broken)]


def test_a_response_page_with_messages(tmp_path: Path, exports: Path) -> None:
    first = json.loads((exports / "gmail_messages.jsonl").read_text().splitlines()[0])
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"resultSizeEstimate": 1, "messages": [first]}))
    records, rejects = read_all("gmail_api", path)
    assert [r.source_id for r in records] == ["proposal-1@northpeak.example"] and rejects == []


def test_without_thread_id_the_thread_is_the_root_of_references(tmp_path: Path) -> None:
    headers = [{"name": "Message-ID", "value": "<c@x.example>"}, {"name": "In-Reply-To", "value": "<b@x.example>"},
               {"name": "References", "value": "<a@x.example> <b@x.example>"}]
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({"id": "1", "internalDate": "0", "payload": {"headers": headers}}) + "\n")
    records, _ = read_all("gmail_api", path)
    assert (records[0].thread_id, records[0].occurred_at) == ("a@x.example", datetime(1970, 1, 1))

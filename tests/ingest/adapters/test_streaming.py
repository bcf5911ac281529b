"""Adapters stream: reading ten times the records does not take more memory (tracemalloc peak)."""
from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from semantic.ingest.adapters import AdapterOptions, adapter, json_stream

SMALL, LARGE = 300, 3_000


def _gmail_line(i: int) -> str:
    headers = [{"name": "From", "value": f"Rep {i} <rep{i}@northpeak.example>"},
               {"name": "To", "value": f"buyer{i}@customer.example"},
               {"name": "Subject", "value": f"Proposal {i}"}, {"name": "Message-ID", "value": f"<m{i}@x.example>"}]
    return json.dumps({"id": format(i, "x"), "threadId": format(i, "x"), "internalDate": str(1_700_000_000_000 + i),
                       "labelIds": ["SENT"], "payload": {"headers": headers}})


def _event(i: int) -> str:
    return json.dumps({"id": f"e{i}", "status": "confirmed", "summary": f"Demo {i}",
                       "start": {"dateTime": "2024-03-06T10:00:00Z"}, "end": {"dateTime": "2024-03-06T11:00:00Z"},
                       "organizer": {"email": "rep@northpeak.example"},
                       "attendees": [{"email": f"buyer{i}@customer.example", "responseStatus": "accepted"}]})


def _write_gmail(path: Path, n: int) -> Path:
    path = path / "messages.jsonl"
    with path.open("w") as out:
        out.writelines(_gmail_line(i) + "\n" for i in range(n))
    return path


def _write_calendar(path: Path, n: int) -> Path:
    path = path / "events.json"
    with path.open("w") as out:
        out.write('{"kind": "calendar#events", "items": [')
        out.writelines(("," if i else "") + _event(i) + "\n" for i in range(n))
        out.write("]}")
    return path


def _write_mbox(path: Path, n: int) -> Path:
    path = path / "mail.mbox"
    with path.open("w") as out:
        for i in range(n):
            out.write(f"From x Wed Mar 06 10:00:00 2024\nMessage-ID: <m{i}@x.example>\nFrom: rep{i}@northpeak.example\n"
                      f"To: buyer{i}@customer.example\nDate: Wed, 6 Mar 2024 10:00:00 +0000\nSubject: Hi {i}\n\n"
                      + "body line\n" * 20 + "\n")
    return path


def _write_calls(path: Path, n: int) -> Path:
    (path / "m.yaml").write_text("source_system: dialer\ncolumns:\n  id: id\n  started_at: at\n  direction: dir\n"
                                 "  rep_email: rep\n  from: from\n  to: to\n")
    path = path / "calls.csv"
    with path.open("w") as out:
        out.write("id,at,dir,rep,from,to\n")
        out.writelines(f"c{i},2024-03-06T10:00:00,out,rep@northpeak.example,+1 415 555 0100,+1 212 555 0199\n"
                       for i in range(n))
    return path


def _peak(source: str, path: Path) -> tuple[int, int]:
    options = AdapterOptions(mapping=path.parent / "m.yaml")
    tracemalloc.start()
    try:
        count = sum(1 for _ in adapter(source).read(path, options))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("source", "make"), [
    ("gmail_api", _write_gmail), ("google_calendar", _write_calendar), ("mbox", _write_mbox),
    ("call_log", _write_calls),
])
def test_memory_does_not_grow_with_the_file(tmp_path: Path, source: str, make: Callable[[Path, int], Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "_CHUNK", 4096)  # both files span many read chunks, so only growth shows
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small_count, small_peak = _peak(source, make(tmp_path / "small", SMALL))
    large_count, large_peak = _peak(source, make(tmp_path / "large", LARGE))
    assert (small_count, large_count) == (SMALL, LARGE)
    assert large_peak < small_peak * 1.25 + 32_768, (small_peak, large_peak)

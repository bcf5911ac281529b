"""Call-log CSV through a YAML mapping: local times to UTC, phone-only other party, mapping errors with positions."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.call_log import read
from semantic.ingest.errors import IngestError
from semantic.ingest.records import Participant
from tests.ingest.adapters.conftest import read_all

MAPPING = """source_system: truly
columns:
  id: Call ID
  started_at: Start
  from: From Number
  to: To Number
  direction: Direction
  rep_email: Rep
"""


def test_calls(exports: Path) -> None:
    records, rejects = read_all("call_log", exports / "truly_calls.csv", exports / "truly_mapping.yaml")
    assert [r.source_id for r in records] == ["c-1", "c-2", "c-6"]
    outgoing, incoming, unanswered = records
    assert {(r.source_system, r.activity_type) for r in records} == {("truly", "call")}
    # New York is UTC-5 in early March; from 10 March (daylight saving) UTC-4
    assert outgoing.occurred_at == datetime(2024, 3, 6, 15, 0)
    assert incoming.occurred_at == datetime(2024, 3, 6, 16, 30)
    assert unanswered.occurred_at == datetime(2024, 3, 10, 13, 0)
    assert (outgoing.direction, outgoing.duration_seconds, outgoing.status) == ("outbound", 360, "connected")
    assert outgoing.participants == (Participant("caller", "ada.adams@northpeak.example"),
                                     Participant("callee", None, "+44 20 7946 0000"))
    assert incoming.participants == (Participant("callee", "ada.adams@northpeak.example"),
                                     Participant("caller", None, "+1 212 555 0199"))
    assert (unanswered.duration_seconds, unanswered.status) == (None, "no answer")
    assert unanswered.participants[1] == Participant("callee", None, None)
    assert [(r.record, r.reason) for r in rejects] == [
        (4, "direction 'sideways' is not one of incoming, outgoing (add it under direction_values in the mapping)"),
        (5, "started_at '06/03/2024' does not match the format '%Y-%m-%d %H:%M:%S'"),
        (6, "the rep email column 'Rep' holds nothing, not an email address"),
    ]


def test_minutes_and_iso_times(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING + "  duration: Minutes\nduration_unit: minutes\n")
    calls = tmp_path / "calls.csv"
    calls.write_text("Call ID,Start,From Number,To Number,Direction,Rep,Minutes\n"
                     "k1,2024-03-06T10:00:00+01:00,1,2,in,a@x.example,2.5\n")
    records, rejects = read_all("call_log", calls, mapping)
    assert rejects == []
    assert (records[0].occurred_at, records[0].duration_seconds, records[0].direction) == (
        datetime(2024, 3, 6, 9, 0), 150, "inbound")


def _error(tmp_path: Path, mapping_text: str, header: str = "Call ID,Start,From Number,To Number,Direction,Rep"
           ) -> IngestError:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(mapping_text)
    calls = tmp_path / "calls.csv"
    calls.write_text(header + "\n")
    with pytest.raises(IngestError) as caught:
        list(read(calls, AdapterOptions(mapping=mapping)))
    return caught.value


def test_unknown_key_has_a_position(tmp_path: Path) -> None:
    error = _error(tmp_path, MAPPING + "  duraton: Minutes\n")
    assert error.code == "E_CALL_LOG_MAPPING"
    assert error.message == f"{tmp_path / 'm.yaml'}:9:3: unknown key 'duraton' (did you mean 'duration'?)"
    assert "allowed here" in error.hint


def test_column_missing_from_the_header(tmp_path: Path) -> None:
    error = _error(tmp_path, MAPPING, header="Call ID,Start,From,To Number,Direction,Rep")
    assert error.code == "E_CALL_LOG_COLUMN"
    assert error.message.startswith(f"{tmp_path / 'm.yaml'}:5:9: column 'From Number' (columns.from) is not in")
    assert error.hint == "the header has: Call ID, Direction, From, Rep, Start, To Number"


@pytest.mark.parametrize(("extra", "where", "says"), [
    ("timestamp:\n  time_zone: Mars/Olympus\n", "10:14", "time zone 'Mars/Olympus' is not an IANA time zone name"),
    ("duration_unit: hours\n", "9:16", "duration_unit 'hours' is not one of seconds, minutes, milliseconds"),
    ("timestamp:\n  format: dd.mm.yyyy\n", "10:11", "timestamp.format 'dd.mm.yyyy' is neither 'iso' nor"),
])
def test_bad_settings(tmp_path: Path, extra: str, where: str, says: str) -> None:
    error = _error(tmp_path, MAPPING + extra)
    assert error.message.startswith(f"{tmp_path / 'm.yaml'}:{where}: {says}")


def test_missing_required_column_and_source_system(tmp_path: Path) -> None:
    error = _error(tmp_path, MAPPING.replace("source_system: truly\n", "").replace("  rep_email: Rep\n", ""))
    assert error.message == f"{tmp_path / 'm.yaml'}:1:1: columns.rep_email is required (and 1 more)"


def test_no_mapping_given(exports: Path) -> None:
    with pytest.raises(IngestError) as caught:
        list(read(exports / "truly_calls.csv", AdapterOptions()))
    assert caught.value.code == "E_CALL_LOG_MAPPING" and "--mapping" in caught.value.hint


def test_missing_files(tmp_path: Path, exports: Path) -> None:
    with pytest.raises(IngestError) as caught:
        list(read(tmp_path / "calls.csv", AdapterOptions(mapping=exports / "truly_mapping.yaml")))
    assert caught.value.code == "E_INGEST_UNREADABLE"
    with pytest.raises(IngestError) as caught:
        list(read(exports / "truly_calls.csv", AdapterOptions(mapping=tmp_path / "nope.yaml")))
    assert caught.value.code == "E_FILE" and "nope.yaml" in caught.value.message


def test_a_reject_keeps_the_row_as_written(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING)
    calls = tmp_path / "calls.csv"
    huge = "x" * 200_000  # past the csv module's field limit, which bounds memory on a runaway quote
    calls.write_text('Call ID,Start,From Number,To Number,Direction,Rep\n'
                     'k1,2024-03-06T10:00:00,"1, ext\n2",2,sideways,a@x.example\n'
                     'k2,2024-03-06T10:00:00,1,2,in,a@x.example\n'
                     f'k3,2024-03-06T10:00:00,1,2,in,a@x.example,"{huge}"\n'
                     'k4,2024-03-06T10:00:00,1,2,in,a@x.example\n')
    records, rejects = read_all("call_log", calls, mapping)
    assert [r.source_id for r in records] == ["k2", "k4"]
    assert [(r.record, r.raw) for r in rejects] == [
        (2, 'k1,2024-03-06T10:00:00,"1, ext\n2",2,sideways,a@x.example'),
        (5, f'k3,2024-03-06T10:00:00,1,2,in,a@x.example,"{huge}"'),
    ]
    assert rejects[1].reason == "not valid CSV (field larger than field limit (131072))"

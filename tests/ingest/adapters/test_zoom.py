"""Zoom participants reports: one activity per meeting instance, attendances merged per person, guests kept."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from semantic.ingest.records import Participant
from tests.ingest.adapters.conftest import read_all


def test_json_reports(exports: Path) -> None:
    records, rejects = read_all("zoom", exports / "zoom_meetings.json")
    assert [r.source_id for r in records] == ["aDYlohsHRtCd4ii1uC2+hA==", "second=="]
    kickoff, discovery = records
    assert {(r.source_system, r.activity_type, r.status) for r in records} == {("zoom", "meeting", "completed")}
    assert (kickoff.occurred_at, kickoff.duration_seconds, kickoff.subject) == (
        datetime(2024, 3, 6, 15, 0), 45 * 60, "Kickoff")
    # Ben joined twice and is one participant; the guest without an email stays, with email None
    assert kickoff.participants == (
        Participant("host", "ada.adams@northpeak.example", "Ada Adams"),
        Participant("participant", "ben.baker@blueriver.example", "Ben Baker"),
        Participant("participant", None, "iPhone"),
    )
    # no start/end time: from the first join (09:00) to the last leave (09:40); ordered by first join
    assert (discovery.occurred_at, discovery.duration_seconds) == (datetime(2024, 3, 7, 9, 0), 40 * 60)
    assert [p.email for p in discovery.participants] == ["ada.adams@northpeak.example", "dan.evans1987@gmail.com"]
    assert [(r.record, r.reason) for r in rejects] == [
        (3, "the meeting has no 'uuid' (the id of this meeting instance)"),
        (4, "participant 1: join_time 'soon' is not an ISO 8601 time such as 2024-03-06T10:00:00Z"),
    ]


def test_csv_report(exports: Path) -> None:
    records, rejects = read_all("zoom", exports / "zoom_participants.csv")
    assert len(records) == 1
    kickoff = records[0]
    assert kickoff.source_id == "81234567890@2024-03-06T15:00:00"
    assert (kickoff.occurred_at, kickoff.duration_seconds, kickoff.subject) == (
        datetime(2024, 3, 6, 15, 0), 45 * 60, "Kickoff")
    assert kickoff.participants == (
        Participant("host", "ada.adams@northpeak.example", "Ada Adams"),
        Participant("participant", "ben.baker@blueriver.example", "Ben (Ben Baker)"),
        Participant("participant", None, "iPhone"),
    )
    assert [(r.record, r.reason) for r in rejects] == [
        (9, "Join Time 'yesterday' is neither ISO 8601 nor MM/DD/YYYY hh:mm:ss AM"),
        (12, "Start Time 'not a time' is neither ISO 8601 nor MM/DD/YYYY hh:mm:ss AM"),
        (15, "belongs to the meeting on line 12, which was rejected"),
    ]


def test_csv_rows_without_a_meeting_section(tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_text("Name (Original Name),User Email,Join Time,Leave Time\n"
                    "Ada,ada@x.example,03/06/2024 03:00:00 PM,03/06/2024 03:10:00 PM\n")
    records, rejects = read_all("zoom", path)
    assert records == []
    assert [(r.record, r.reason) for r in rejects] == [
        (2, "a row outside a meeting section: export the report with meeting data")]

"""Google Calendar events.list pages: times in UTC, cancelled and recurring instances, organizer, rooms."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from semantic.ingest.records import Participant
from tests.ingest.adapters.conftest import read_all


def test_events_page(exports: Path) -> None:
    records, rejects = read_all("google_calendar", exports / "calendar_events.json")
    assert [r.source_id for r in records] == [
        "evt-demo", "series1_20240307T150000Z", "series1_20240314T150000Z", "offsite"]
    demo, cancelled, review, offsite = records
    assert {(r.source_system, r.activity_type) for r in records} == {("google_calendar", "meeting")}
    assert (demo.occurred_at, demo.duration_seconds, demo.status) == (datetime(2024, 3, 6, 15, 0), 3600, "confirmed")
    assert demo.subject == "Demo" and demo.thread_id is None
    # the organizer first (with its own attendee entry's response), the room left out
    assert demo.participants == (
        Participant("organizer", "ada.adams@northpeak.example", None, "accepted"),
        Participant("attendee", "ben.baker@blueriver.example", "Ben Baker", "accepted"),
        Participant("attendee", "carla@blueriver.example", None, "declined"),
    )
    # a cancelled instance is kept, dated by its originalStartTime, and grouped with its series
    assert (cancelled.status, cancelled.occurred_at, cancelled.thread_id) == (
        "cancelled", datetime(2024, 3, 7, 15, 0), "series1")
    assert cancelled.participants == () and cancelled.duration_seconds is None
    # a shared calendar organizes: the creator stands in for it
    assert review.participants == (
        Participant("organizer", "grace.hansen@northpeak.example", None, "accepted"),
        Participant("attendee", "ada.adams@northpeak.example", "Ada Adams", "tentative"),
    )
    assert (review.thread_id, review.duration_seconds) == ("series1", 1800)
    assert (offsite.occurred_at, offsite.duration_seconds, offsite.status) == (
        datetime(2024, 3, 20), 86_400, "tentative")
    assert [(r.record, r.reason) for r in rejects] == [
        (5, "start.dateTime 'next tuesday' is not an ISO 8601 time such as 2024-03-06T10:00:00Z"),
        (6, "the event has no 'id'"),
        (7, "status 'maybe' is not one of confirmed, tentative, cancelled"),
    ]

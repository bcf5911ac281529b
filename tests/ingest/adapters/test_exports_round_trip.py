"""Sample writers -> adapters: the demo's activities come back (counts by type, times, subjects), with oddities."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from semantic.ingest.exports import WRITERS
from semantic.ingest.records import ActivityRecord
from semantic.ledger.demo import generate
from tests.ingest.adapters.conftest import read_all

INTERNAL = "@northpeak.example"


@pytest.fixture(scope="module")
def demo() -> dict[str, pa.Table]:
    return generate(scale=0.02, as_of=date(2025, 6, 30))


@pytest.fixture(scope="module")
def samples(demo: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    for writer in WRITERS.values():
        writer.write(demo, out)
    return out


def _demo_rows(demo: dict[str, pa.Table], source: str, keep=lambda row: True) -> list[dict]:
    table = demo["activities"]
    return [row for row in table.filter(pc.equal(table["source_system"], source)).to_pylist() if keep(row)]


def _shape(rows: list[dict] | list[ActivityRecord]) -> Counter:
    """What must survive the trip: type, time, subject, duration (0 and None both mean 'none' for mail)."""
    def get(item, name):
        return item[name] if isinstance(item, dict) else getattr(item, name)
    return Counter((get(r, "activity_type"), get(r, "occurred_at"), get(r, "subject"),
                    get(r, "duration_seconds") or None) for r in rows)


def test_mail_comes_back_once_from_either_format(demo: dict[str, pa.Table], samples: Path) -> None:
    expected = _demo_rows(demo, "gmail")
    from_api, api_rejects = read_all("gmail_api", samples / "gmail_messages.jsonl")
    from_mbox, mbox_rejects = read_all("mbox", samples / "gmail_takeout.mbox")
    assert api_rejects == [] and mbox_rejects == []
    assert _shape(from_api) == _shape(expected)
    assert [r.direction for r in from_api] == [r["direction"] for r in expected]
    assert from_mbox == from_api  # same keys, threads and participants from both renderings


def test_mail_people_and_oddities(demo: dict[str, pa.Table], samples: Path) -> None:
    records, _ = read_all("gmail_api", samples / "gmail_messages.jsonl")
    by_demo_id = {int(r.source_id.split("@")[0].removeprefix("demo-")): r for r in records}
    reps = dict(zip(demo["reps"]["rep_id"].to_pylist(), demo["reps"]["email"].to_pylist()))
    contacts = dict(zip(demo["contacts"]["contact_id"].to_pylist(), demo["contacts"]["email"].to_pylist()))
    personal = replies = 0
    for row in _demo_rows(demo, "gmail"):
        record = by_demo_id[row["activity_id"]]
        emails = [p.email for p in record.participants]
        assert reps[row["rep_id"]] in emails
        sender = record.participants[0].email
        assert sender.endswith(INTERNAL) == (row["direction"] == "outbound")
        if row["contact_id"] is not None:
            other = next(e for e in emails if e != reps[row["rep_id"]])
            if other.endswith("@gmail.com"):
                personal += 1
            else:
                assert other == contacts[row["contact_id"]]
        root_id = int(record.thread_id, 16) - 0x18E0_0000_0000_0000  # the writer's Gmail ids: base + demo id
        if root_id != row["activity_id"]:  # a reply: its thread began with an earlier mail with the same person
            replies += 1
            assert row["subject"].startswith("Re: ")
            root = by_demo_id[root_id]
            assert root.occurred_at <= record.occurred_at and root.thread_id == record.thread_id
            assert {p.email for p in root.participants} == set(emails)
    # one contact in 25 (activity ids 7, 32, 57, ...) writes from a personal mailbox
    assert personal == sum(row["contact_id"] is not None and row["activity_id"] % 25 == 7
                           for row in _demo_rows(demo, "gmail")) > 0
    assert replies > 0


def test_meetings_come_back_once_across_calendar_and_zoom(demo: dict[str, pa.Table], samples: Path) -> None:
    expected = _demo_rows(demo, "zoom")
    calendar, calendar_rejects = read_all("google_calendar", samples / "calendar_events.json")
    zoom_json, json_rejects = read_all("zoom", samples / "zoom_meetings.json")
    zoom_csv, csv_rejects = read_all("zoom", samples / "zoom_participants.csv")
    assert calendar_rejects == json_rejects == csv_rejects == []
    held = [r for r in calendar if r.status == "confirmed"]
    assert _shape(held + zoom_json + zoom_csv) == _shape(expected)
    assert zoom_csv and zoom_json and held
    # every sixth demo meeting (ids divisible by 6 are on the calendar) was first planned and cancelled
    assert sum(r.status == "cancelled" for r in calendar) == sum(row["activity_id"] % 6 == 0 for row in expected)
    zoom = zoom_json + zoom_csv
    guests = [p for r in zoom for p in r.participants if p.email is None]
    assert len(guests) == sum(row["activity_id"] % 3 != 0 and row["activity_id"] % 5 == 0 for row in expected)
    # a meeting nobody outside can be found for (no contact, and no contact or lead at its account) is internal
    with_contacts = set(demo["contacts"]["account_id"].to_pylist())
    lead_domains = {email.split("@")[1] for email in demo["leads"]["email"].to_pylist()}
    domains = dict(zip(demo["accounts"]["account_id"].to_pylist(), demo["accounts"]["domain"].to_pylist()))
    nobody_outside = sum(row["contact_id"] is None and (row["account_id"] is None or (
        row["account_id"] not in with_contacts and domains[row["account_id"]] not in lead_domains)) for row in expected)
    internal = [r for r in held + zoom if all(p.email.endswith(INTERNAL) for p in r.participants if p.email)]
    assert len(internal) == nobody_outside > 0
    assert all(len(r.participants) >= 2 for r in held + zoom)


def test_calls_come_back_in_utc(demo: dict[str, pa.Table], samples: Path) -> None:
    expected = _demo_rows(demo, "truly")
    records, rejects = read_all("call_log", samples / "truly_calls.csv", samples / "truly_mapping.yaml")
    assert rejects == []
    assert _shape(records) == _shape(expected)
    assert [r.direction for r in records] == [row["direction"] for row in expected]
    assert {r.source_system for r in records} == {"truly"}


def test_hubspot_share_of_crm_activities(demo: dict[str, pa.Table], samples: Path) -> None:
    expected = _demo_rows(demo, "crm", lambda row: row["activity_id"] % 5 == 0)
    records, rejects = [], []
    for page in sorted(samples.glob("hubspot_engagements_*.json")):
        page_records, page_rejects = read_all("hubspot", page)
        records += page_records
        rejects += page_rejects
    assert rejects == []
    assert _shape(records) == _shape(expected)
    assert Counter(r.declared_opportunity.source_id for r in records if r.declared_opportunity) == Counter(
        str(row["opportunity_id"]) for row in expected if row["opportunity_id"] is not None)


def test_writers_are_deterministic(demo: dict[str, pa.Table], samples: Path, tmp_path: Path) -> None:
    for writer in WRITERS.values():
        for path in writer.write(demo, tmp_path):
            assert path.read_bytes() == (samples / path.name).read_bytes(), path.name

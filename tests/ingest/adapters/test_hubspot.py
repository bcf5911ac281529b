"""HubSpot CRM v3 emails, meetings and calls: type by properties, declared CRM records from associations."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from semantic.ingest.records import CrmRef, Participant
from tests.ingest.adapters.conftest import read_all


def test_engagements_page(exports: Path) -> None:
    records, rejects = read_all("hubspot", exports / "hubspot_engagements.json")
    assert [(r.source_id, r.activity_type) for r in records] == [("601", "email"), ("602", "meeting"), ("603", "call")]
    email, meeting, call = records
    assert {r.source_system for r in records} == {"hubspot"}
    assert (email.occurred_at, email.direction, email.subject) == (
        datetime(2024, 3, 6, 10, 0), "outbound", "Proposal attached")
    # contact 501 is associated twice (two association labels): one participant
    assert email.participants == (
        Participant("from", "ada.adams@northpeak.example", "Ada Adams"),
        Participant("to", "ben.baker@blueriver.example", "Ben Baker"),
        Participant("participant", declared=CrmRef("hubspot", "contact", "501")),
    )
    assert email.declared_account == CrmRef("hubspot", "account", "301")
    assert email.declared_opportunity == CrmRef("hubspot", "opportunity", "901")  # the first deal listed
    # a meeting is dated by its start time; CANCELED is spelled as calendars spell it
    assert (meeting.occurred_at, meeting.duration_seconds, meeting.status, meeting.subject) == (
        datetime(2024, 3, 6, 15, 0), 3600, "cancelled", "Demo")
    assert meeting.participants == (Participant("participant", declared=CrmRef("hubspot", "contact", "502")),)
    assert meeting.declared_account is None and meeting.declared_opportunity is None
    # hs_call_duration is in milliseconds: 95,400 ms is 95 s
    assert (call.occurred_at, call.duration_seconds, call.direction, call.status) == (
        datetime(2024, 3, 7, 9, 0), 95, "outbound", "completed")
    assert call.declared_opportunity == CrmRef("hubspot", "opportunity", "903")
    assert [r.record for r in rejects] == [4, 5, 6]
    assert rejects[0].reason.startswith("no hs_email_, hs_meeting_ or hs_call_ property")
    assert rejects[1].reason == "hs_timestamp is missing"
    assert rejects[2].reason == "hs_email_headers is not valid JSON"

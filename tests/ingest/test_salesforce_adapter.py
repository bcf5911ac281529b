"""The Salesforce adapter as a pure parser: what each export row becomes, what it rejects, which files it refuses."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from semantic.ingest.adapters import ADAPTERS, AdapterOptions, adapter, read
from semantic.ingest.errors import UNKNOWN_FILE, UNKNOWN_SOURCE, UNREADABLE, IngestError
from semantic.ingest.records import ActivityRecord, CrmRecord, CrmRef, Reject, ledger_id
from tests.ingest.conftest import OPPORTUNITIES, TASKS, export


def _records(path: Path) -> list:
    return list(read("salesforce", path, AdapterOptions()))


def test_every_registered_adapter_names_its_source() -> None:
    for source in ADAPTERS:
        assert adapter(source).SOURCE == source


def test_tasks_declare_who_and_what_by_key_prefix(tmp_path: Path) -> None:
    call, email_to_lead, email_on_account = _records(export(tmp_path, "Task.csv", TASKS))
    assert isinstance(call, ActivityRecord)
    assert (call.activity_type, call.direction, call.duration_seconds, call.occurred_at, call.status) == (
        "call", "outbound", 600, datetime(2024, 2, 5), "completed")
    assert call.participants[0].role == "callee"
    assert call.participants[0].declared == CrmRef("salesforce", "contact", "003000000000001")
    assert call.declared_opportunity == CrmRef("salesforce", "opportunity", "006000000000001")
    assert call.owner == CrmRef("salesforce", "user", "005000000000001")
    assert email_to_lead.participants[0].declared == CrmRef("salesforce", "lead", "00Q000000000001")
    assert (email_to_lead.activity_type, email_to_lead.declared_account, email_to_lead.declared_opportunity) == (
        "email", None, None)
    assert email_on_account.declared_account == CrmRef("salesforce", "account", "001000000000002")
    assert email_on_account.declared_opportunity is None


def test_events_and_deleted_records(tmp_path: Path) -> None:
    header = "Id,WhoId,Subject,StartDateTime,EndDateTime,DurationInMinutes,IsDeleted"
    meeting, deleted = _records(export(tmp_path, "Event.csv", [
        "00U000000000001,,Demo,2024-03-01T14:00:00.000Z,2024-03-01T14:45:00.000Z,45,false",
        "00U000000000002,,Old,2024-03-02T16:30:00+02:00,,30,true"], header))
    assert (meeting.activity_type, meeting.occurred_at, meeting.duration_seconds, meeting.status) == (
        "meeting", datetime(2024, 3, 1, 14), 45 * 60, None)
    assert (deleted.occurred_at, deleted.duration_seconds, deleted.status) == (datetime(2024, 3, 2, 14, 30), 1800,
                                                                               "deleted")


def test_opportunities_keep_the_stage_and_flags_of_the_export(tmp_path: Path) -> None:
    open_deal, won = _records(export(tmp_path, "Opportunity.csv", OPPORTUNITIES))
    assert isinstance(won, CrmRecord) and won.table == "opportunities"
    assert won.values["opportunity_id"] == ledger_id("salesforce", "opportunity", "006000000000002")
    assert won.values["account_id"] == ledger_id("salesforce", "account", "001000000000002")
    assert (won.values["stage"], won.values["is_closed"], won.values["is_won"], won.values["forecast_category"],
            won.values["amount"], won.values["close_date"], won.values["closed_at"]) == (
        "Closed Won", True, True, "Closed", Decimal("2500.50"), date(2024, 3, 31), datetime(2024, 3, 30, 15))
    assert open_deal.values["closed_at"] is None  # LastStageChangeDate is a close only for a closed deal


def test_an_18_character_id_is_the_same_record_as_its_15_character_form(tmp_path: Path) -> None:
    short, long = _records(export(tmp_path, "Account.csv", ["001000000000001,A,,,,", "001000000000001AAA,A,,,,"]))
    assert short.source_id == long.source_id == "001000000000001"


def test_bad_values_are_rejects_naming_field_and_line(tmp_path: Path) -> None:
    header = "Id,AccountId,Amount,StageName,IsClosed,IsWon,CreatedDate"
    records = _records(export(tmp_path, "Opportunity.csv", [
        "006000000000001,001000000000001,12.345,Prospecting,false,false,2024-01-01T00:00:00Z",  # line 2
        "006000000000002,001000000000001,$5,Prospecting,false,false,2024-01-01T00:00:00Z",      # line 3
        "006000000000003,001000000000001,5,Prospecting,maybe,false,2024-01-01T00:00:00Z",       # line 4
        "006000000000004,001-bad,5,Prospecting,false,false,2024-01-01T00:00:00Z",              # line 5
        "006000000000005,001000000000001,5,Prospecting,false,false,yesterday"], header))       # line 6
    assert all(isinstance(r, Reject) for r in records)
    assert [r.record for r in records] == [2, 3, 4, 5, 6]
    assert [r.reason.split(" ")[0] for r in records] == ["Amount", "Amount", "IsClosed", "AccountId", "CreatedDate"]


@pytest.mark.parametrize("name, content, code, words", [
    ("Case.csv", "Id\n", UNKNOWN_FILE, "cannot tell which Salesforce object"),
    ("Task.csv", "", UNREADABLE, "the file is empty"),
    ("Task.csv", "Name,Subject\nx,y\n", UNREADABLE, "the header lacks Id"),
    ("Task.csv", None, UNREADABLE, "not UTF-8"),
])
def test_files_it_cannot_read_are_coded_errors(tmp_path: Path, name: str, content: str | None, code: str,
                                               words: str) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(b"Id,Subject\n00T000000000001,caf\xe9\n")
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        _records(path)
    assert raised.value.code == code and words in raised.value.message and raised.value.hint


def test_an_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(IngestError) as raised:
        adapter("salesforc")
    assert raised.value.code == UNKNOWN_SOURCE and "did you mean 'salesforce'" in raised.value.message
    assert "salesforce" in raised.value.hint

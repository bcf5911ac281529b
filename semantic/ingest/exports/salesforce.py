"""The demo ledger as Salesforce CSV exports (what Data Loader writes): the CRM objects and the CRM-logged
activities (source_system 'crm': emails and calls as Tasks, meetings as Events).

Deterministic for a ledger; ingesting the files with `semantic ingest salesforce` rebuilds the same CRM facts
(amounts, stages, dates, flags) under ledger ids derived from the Salesforce ids.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from semantic.ingest.exports.salesforce_ids import salesforce_id as sf

Row = dict[str, Any]
Columns = dict[str, Callable[[Row], Any]]


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    """Write one CSV per Salesforce object into `out_dir`; returns the files in ingest order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    crm = tables["activities"].filter(pc.equal(tables["activities"]["source_system"], "crm"))
    meeting = pc.equal(crm["activity_type"], "meeting")
    last_change = _last_change(tables["opportunity_stage_history"])
    files = [
        ("User", tables["reps"], USER),
        ("Account", tables["accounts"], ACCOUNT),
        ("Contact", tables["contacts"], CONTACT),
        ("Lead", tables["leads"], LEAD),
        ("Opportunity", tables["opportunities"], _opportunity(last_change)),
        ("OpportunityHistory", _numbered(tables["opportunity_stage_history"]), HISTORY),
        ("OpportunityContactRole", _numbered(tables["opportunity_contact_roles"]), CONTACT_ROLE),
        ("Task", crm.filter(pc.invert(meeting)), TASK),
        ("Event", crm.filter(meeting), EVENT),
    ]
    return [_write_csv(out_dir / f"{name}.csv", table, columns) for name, table, columns in files]


def _write_csv(path: Path, table: pa.Table, columns: Columns) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(columns)
        for row in _rows(table):
            writer.writerow([_text(render(row)) for render in columns.values()])
    return path


def _rows(table: pa.Table) -> Iterator[Row]:
    for batch in table.to_batches(max_chunksize=10_000):
        yield from batch.to_pylist()


def _numbered(table: pa.Table) -> pa.Table:
    """Rows without an id of their own get their position (1-based) as the number of their Salesforce id."""
    return table.append_column("row_number", pa.array(range(1, table.num_rows + 1), pa.int64()))


def _last_change(history: pa.Table) -> dict[int, datetime]:
    grouped = history.group_by("opportunity_id").aggregate([("changed_at", "max")])
    return dict(zip(grouped["opportunity_id"].to_pylist(), grouped["changed_at_max"].to_pylist()))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return str(value)  # dates as YYYY-MM-DD, amounts as plain decimals


def _split(name: str | None, part: int) -> str | None:
    """First name (0) or the rest (1) of a full name."""
    if not name:
        return None
    first, _, last = name.partition(" ")
    return (first, last)[part] or None


USER: Columns = {
    "Id": lambda r: sf("user", r["rep_id"]), "FirstName": lambda r: _split(r["name"], 0),
    "LastName": lambda r: _split(r["name"], 1), "Email": lambda r: r["email"], "Title": lambda r: r["role"],
    "Department": lambda r: r["team"], "Division": lambda r: r["region"],
    "ManagerId": lambda r: sf("user", r["manager_id"]), "IsActive": lambda r: True,
}
ACCOUNT: Columns = {
    "Id": lambda r: sf("account", r["account_id"]), "Name": lambda r: r["name"],
    "Website": lambda r: f"https://www.{r['domain']}" if r["domain"] else None,
    "Industry": lambda r: r["industry"], "OwnerId": lambda r: sf("user", r["owner_rep_id"]),
    "CreatedDate": lambda r: r["created_at"],
}
CONTACT: Columns = {
    "Id": lambda r: sf("contact", r["contact_id"]), "AccountId": lambda r: sf("account", r["account_id"]),
    "FirstName": lambda r: _split(r["name"], 0), "LastName": lambda r: _split(r["name"], 1),
    "Email": lambda r: r["email"], "Title": lambda r: r["title"], "CreatedDate": lambda r: r["created_at"],
}
LEAD: Columns = {
    "Id": lambda r: sf("lead", r["lead_id"]), "Email": lambda r: r["email"], "Company": lambda r: r["company"],
    "LeadSource": lambda r: r["source"], "Status": lambda r: r["status"], "CreatedDate": lambda r: r["created_at"],
    "IsConverted": lambda r: r["converted_at"] is not None,
    "ConvertedDate": lambda r: r["converted_at"].date() if r["converted_at"] else None,
    "ConvertedContactId": lambda r: sf("contact", r["contact_id"]) if r["converted_at"] else None,
}


def _opportunity(last_change: dict[int, datetime]) -> Columns:
    return {
        "Id": lambda r: sf("opportunity", r["opportunity_id"]), "AccountId": lambda r: sf("account", r["account_id"]),
        "OwnerId": lambda r: sf("user", r["owner_rep_id"]), "Name": lambda r: r["name"], "Type": lambda r: r["type"],
        "Amount": lambda r: r["amount"], "StageName": lambda r: r["stage"],
        "ForecastCategoryName": lambda r: r["forecast_category"], "CreatedDate": lambda r: r["created_at"],
        "CloseDate": lambda r: r["close_date"], "IsClosed": lambda r: r["is_closed"], "IsWon": lambda r: r["is_won"],
        "LastStageChangeDate": lambda r: r["closed_at"] if r["is_closed"] else last_change.get(r["opportunity_id"]),
        "LeadSource": lambda r: r["lead_source"],
    }


HISTORY: Columns = {
    "Id": lambda r: sf("history", r["row_number"]), "OpportunityId": lambda r: sf("opportunity", r["opportunity_id"]),
    "StageName": lambda r: r["to_stage"], "Amount": lambda r: r["amount"], "CloseDate": lambda r: r["close_date"],
    "CreatedDate": lambda r: r["changed_at"], "CreatedById": lambda r: sf("user", r["changed_by"]),
}
CONTACT_ROLE: Columns = {
    "Id": lambda r: sf("contact_role", r["row_number"]),
    "OpportunityId": lambda r: sf("opportunity", r["opportunity_id"]),
    "ContactId": lambda r: sf("contact", r["contact_id"]), "Role": lambda r: r["role"],
    "IsPrimary": lambda r: r["is_primary"],
}


def _what(r: Row) -> str | None:
    return sf("opportunity", r["opportunity_id"]) if r["opportunity_id"] else sf("account", r["account_id"])


_ACTIVITY: Columns = {
    "WhoId": lambda r: sf("contact", r["contact_id"]), "WhatId": _what,
    "AccountId": lambda r: sf("account", r["account_id"]), "OwnerId": lambda r: sf("user", r["rep_id"]),
    "Subject": lambda r: r["subject"], "IsDeleted": lambda r: False,
}
TASK: Columns = {
    "Id": lambda r: sf("task", r["activity_id"]), **_ACTIVITY,
    "TaskSubtype": lambda r: "Call" if r["activity_type"] == "call" else "Email",
    "ActivityDate": lambda r: r["occurred_at"].date(), "CompletedDateTime": lambda r: r["occurred_at"],
    "Status": lambda r: "Completed",
    "CallType": lambda r: r["direction"].capitalize() if r["activity_type"] == "call" and r["direction"] else None,
    "CallDurationInSeconds": lambda r: r["duration_seconds"] if r["activity_type"] == "call" else None,
}
EVENT: Columns = {
    "Id": lambda r: sf("event", r["activity_id"]), **_ACTIVITY,
    "StartDateTime": lambda r: r["occurred_at"],
    "EndDateTime": lambda r: r["occurred_at"] + timedelta(seconds=r["duration_seconds"] or 0),
    "DurationInMinutes": lambda r: (r["duration_seconds"] or 0) // 60,
}

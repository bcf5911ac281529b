"""Salesforce CRM objects -> canonical CRM rows: User, Account, Contact, Lead, Opportunity, OpportunityHistory,
OpportunityContactRole.

Ids become ledger ids (`ledger_id('salesforce', kind, Id)`), and so do references (Contact.AccountId), which
therefore resolve whichever file or run brings the parent. Stage names are kept as Salesforce spells them;
IsClosed, IsWon and ForecastCategoryName come from the export itself, not from the glossary.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from semantic.ingest.adapters.salesforce_csv import (BadValue, CsvRow, parse_bool, parse_date, parse_datetime,
                                                     parse_id, parse_money)
from semantic.ingest.records import CrmRecord, ledger_id
from semantic.ledger.schema import metadata

SYSTEM = "salesforce"


def ref(row: CsvRow, name: str, kind: str) -> int | None:
    """The ledger id of the record a reference field names (None when empty)."""
    source_id = parse_id(row, name)
    return None if source_id is None else ledger_id(SYSTEM, kind, source_id)


def person_name(row: CsvRow) -> str | None:
    """Name when the export has it (a compound field), else FirstName and LastName joined."""
    if row.text("Name"):
        return row.text("Name")
    parts = [p for p in (row.text("FirstName"), row.text("LastName")) if p]
    return " ".join(parts) or None


def email(row: CsvRow, name: str = "Email") -> str | None:
    value = row.text(name)
    return value.strip().lower() if value else None


def domain(website: str | None) -> str | None:
    """'https://www.Acme.com/about' -> 'acme.com' (Website is free text; linking matches on the bare domain)."""
    if not website:
        return None
    text = website.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    return host.removeprefix("www.") or None


def _record(table: str, kind: str, row: CsvRow, values: dict[str, Any]) -> CrmRecord:
    """The record of `row`, its own id filling the table's key: a single-column primary key gets the ledger
    id, a table without one (the stage history) the Salesforce id; a two-column key comes from `values`."""
    source_id = parse_id(row, "Id", required=True)
    assert source_id is not None
    keys = [c.name for c in metadata.tables[table].primary_key.columns]
    own: dict[str, Any] = {}
    if len(keys) == 1:
        own[keys[0]] = ledger_id(SYSTEM, kind, source_id)
    elif not keys:
        own["source_id"] = source_id
    return CrmRecord(table, SYSTEM, source_id, {**own, **values})


def user(row: CsvRow) -> CrmRecord:
    name = person_name(row)
    address = email(row)
    if not name or not address:
        raise BadValue("a User needs a Name (or FirstName/LastName) and an Email")
    return _record("reps", "user", row, {
        "name": name, "email": address, "team": row.text("Department"), "region": row.text("Division"),
        "role": row.text("Title") or "user", "manager_id": ref(row, "ManagerId", "user"),
    })


def account(row: CsvRow) -> CrmRecord:
    return _record("accounts", "account", row, {
        "name": row.required("Name"), "domain": domain(row.text("Website")), "industry": row.text("Industry"),
        "owner_rep_id": ref(row, "OwnerId", "user"), "created_at": parse_datetime(row, "CreatedDate"),
    })


def contact(row: CsvRow) -> CrmRecord:
    return _record("contacts", "contact", row, {
        "account_id": ref(row, "AccountId", "account"), "name": person_name(row), "email": email(row),
        "title": row.text("Title"), "created_at": parse_datetime(row, "CreatedDate"),
    })


def lead(row: CsvRow) -> CrmRecord:
    converted = parse_date(row, "ConvertedDate")
    created = parse_datetime(row, "CreatedDate")
    if created is None:
        raise BadValue("CreatedDate is empty; every Lead must have one")
    return _record("leads", "lead", row, {
        "email": email(row), "company": row.text("Company"), "source": row.text("LeadSource"),
        "status": row.required("Status"), "created_at": created,
        "converted_at": datetime.combine(converted, time()) if converted else None,
        "contact_id": ref(row, "ConvertedContactId", "contact"),
    })


def opportunity(row: CsvRow) -> CrmRecord:
    created = parse_datetime(row, "CreatedDate")
    is_closed, is_won = parse_bool(row, "IsClosed"), parse_bool(row, "IsWon")
    if created is None or is_closed is None or is_won is None:
        raise BadValue("CreatedDate, IsClosed and IsWon must all be filled in on an Opportunity")
    return _record("opportunities", "opportunity", row, {
        "account_id": ref(row, "AccountId", "account"), "owner_rep_id": ref(row, "OwnerId", "user"),
        "name": row.text("Name"), "type": row.text("Type"), "amount": parse_money(row, "Amount"),
        "stage": row.required("StageName"), "forecast_category": row.text("ForecastCategoryName"),
        "created_at": created, "close_date": parse_date(row, "CloseDate"),
        # Salesforce has no "closed at"; for a closed deal its last stage change is the close.
        "closed_at": parse_datetime(row, "LastStageChangeDate") if is_closed else None,
        "is_closed": is_closed, "is_won": is_won, "lead_source": row.text("LeadSource"),
    })


def opportunity_history(row: CsvRow) -> CrmRecord:
    changed = parse_datetime(row, "CreatedDate")
    if changed is None:
        raise BadValue("CreatedDate is empty; it is when the stage changed")
    opportunity_id = ref(row, "OpportunityId", "opportunity")
    if opportunity_id is None:
        raise BadValue("OpportunityId is empty; a history row belongs to an opportunity")
    # from_stage is not in the export: the store sets it from the previous row of the same opportunity.
    return _record("opportunity_stage_history", "opportunity_history", row, {
        "opportunity_id": opportunity_id, "to_stage": row.required("StageName"),
        "amount": parse_money(row, "Amount"), "close_date": parse_date(row, "CloseDate"), "changed_at": changed,
        "changed_by": ref(row, "CreatedById", "user"),
    })


def contact_role(row: CsvRow) -> CrmRecord:
    opportunity_id, contact_id = ref(row, "OpportunityId", "opportunity"), ref(row, "ContactId", "contact")
    if opportunity_id is None or contact_id is None:
        raise BadValue("OpportunityId and ContactId must both be filled in on an OpportunityContactRole")
    return _record("opportunity_contact_roles", "opportunity_contact_role", row, {
        "opportunity_id": opportunity_id, "contact_id": contact_id, "role": row.text("Role"),
        "is_primary": bool(parse_bool(row, "IsPrimary")),
    })


Parser = Callable[[CsvRow], CrmRecord]
OBJECTS: dict[str, tuple[Parser, tuple[str, ...]]] = {
    # object API name (the export file's name) -> (parser, columns the header must have)
    "User": (user, ("Id", "Email")),
    "Account": (account, ("Id", "Name")),
    "Contact": (contact, ("Id",)),
    "Lead": (lead, ("Id", "Status", "CreatedDate")),
    "Opportunity": (opportunity, ("Id", "StageName", "IsClosed", "IsWon", "CreatedDate")),
    "OpportunityHistory": (opportunity_history, ("Id", "OpportunityId", "StageName", "CreatedDate")),
    "OpportunityContactRole": (contact_role, ("Id", "OpportunityId", "ContactId")),
}

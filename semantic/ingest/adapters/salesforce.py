"""Salesforce CSV exports (Data Loader or the weekly Data Export), one file per object, named after it.

The object is told by the file name: `Task.csv`, `Event.csv`, `Account.csv`, `Contact.csv`, `Lead.csv`,
`Opportunity.csv`, `OpportunityHistory.csv`, `OpportunityContactRole.csv`, `User.csv` (a suffix after a
separator is allowed: `Task_2024-06.csv`, `Opportunity-part2.csv`). Fields read, by API name:
- Task: Id, WhoId, WhatId, AccountId, OwnerId, Subject, TaskSubtype (Call/Email/ListEmail; others are 'task'),
  CompletedDateTime / ActivityDate / CreatedDate, CallDurationInSeconds, CallType, Status, IsDeleted.
- Event: Id, WhoId, WhatId, AccountId, OwnerId, Subject, StartDateTime (or ActivityDateTime), EndDateTime,
  DurationInMinutes, IsDeleted.
- User (-> reps): Id, Name or FirstName+LastName, Email, Title (role), Department (team), Division (region),
  ManagerId.  Account: Id, Name, Website (-> domain), Industry, OwnerId, CreatedDate.
- Contact: Id, AccountId, Name or FirstName+LastName, Email, Title, CreatedDate.
- Lead: Id, Email, Company, LeadSource, Status, CreatedDate, ConvertedDate, ConvertedContactId.
- Opportunity: Id, AccountId, OwnerId, Name, Type, Amount, StageName, ForecastCategoryName, CreatedDate,
  CloseDate, IsClosed, IsWon, LastStageChangeDate (closed_at of a closed deal), LeadSource.
- OpportunityHistory: Id, OpportunityId, StageName, Amount, CloseDate, CreatedDate, CreatedById.
- OpportunityContactRole: Id, OpportunityId, ContactId, Role, IsPrimary.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from semantic.errors import known_names_hint
from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.adapters.salesforce_activities import EVENT_COLUMNS, TASK_COLUMNS, event, task
from semantic.ingest.adapters.salesforce_crm import OBJECTS
from semantic.ingest.adapters.salesforce_csv import BadValue, CsvRow, rows
from semantic.ingest.errors import UNKNOWN_FILE, IngestError
from semantic.ingest.records import Record

SOURCE = "salesforce"

PARSERS: dict[str, tuple[Callable[[CsvRow], Record], tuple[str, ...]]] = {
    **OBJECTS, "Task": (task, TASK_COLUMNS), "Event": (event, EVENT_COLUMNS),
}
# Parents first (semantic.ingest.run takes a run's files in this order).
ORDER = ("User", "Account", "Contact", "Lead", "Opportunity", "OpportunityHistory", "OpportunityContactRole",
         "Task", "Event")


def object_name(path: Path) -> str:
    """The Salesforce object a file holds, from its name; an unknown name is a coded error."""
    stem = re.split(r"[^A-Za-z]", path.stem, maxsplit=1)[0].lower()
    for name in PARSERS:
        if name.lower() == stem:
            return name
    raise IngestError(UNKNOWN_FILE, f"{path.name}: cannot tell which Salesforce object the file holds",
                      "name each export after its object, e.g. Task.csv or Opportunity_2024.csv; "
                      + known_names_hint("objects", PARSERS))


def file_order(path: Path) -> int:
    return ORDER.index(object_name(path))


def read(path: Path, options: AdapterOptions) -> Iterator[Record]:
    parse, required = PARSERS[object_name(path)]
    for row in rows(path, options, required):
        if not isinstance(row, CsvRow):
            yield row
            continue
        try:
            yield parse(row)
        except BadValue as exc:
            yield row.reject(str(exc))

"""`semantic demo --via-exports`: the demo ledger's activities built through the real path.

The demo's CRM tables are loaded as they are generated (leads keep their MQL and SQL dates, which no
Salesforce standard field carries), but under the ids a Salesforce export of them would get
(`ledger_id('salesforce', kind, Id)`), and without foreign keys, as ingest creates tables. The demo's
activities are then written as the sources' own export files (Gmail API, Google Calendar, Zoom, the dialer's
call log, Salesforce Tasks and Events; semantic/ingest/exports/), ingested, and linked by the project's
linking.yaml: every activity link in this ledger was made by a linking rule, none by the generator.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from semantic.definitions.linking_models import Linking
from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.exports import call_log, gmail_api, google_calendar, salesforce, zoom
from semantic.ingest.exports.salesforce_ids import salesforce_id
from semantic.ingest.records import ledger_id
from semantic.ingest.run import ingest
from semantic.ledger.demo import generate
from semantic.ledger.guard import DemoOrigin
from semantic.ledger.load import write_ledger

REFERENCES = {  # table -> {id column: Salesforce object kind}
    "reps": {"rep_id": "user", "manager_id": "user"},
    "accounts": {"account_id": "account", "owner_rep_id": "user"},
    "contacts": {"contact_id": "contact", "account_id": "account"},
    "leads": {"lead_id": "lead", "contact_id": "contact"},
    "opportunities": {"opportunity_id": "opportunity", "account_id": "account", "owner_rep_id": "user"},
    "opportunity_stage_history": {"opportunity_id": "opportunity", "changed_by": "user"},
    "opportunity_contact_roles": {"opportunity_id": "opportunity", "contact_id": "contact"},
    "quotas": {"rep_id": "user"},
}


@lru_cache(maxsize=None)
def salesforce_key(kind: str, number: int) -> int:
    """The ledger id ingest gives demo row `number` of `kind` when it arrives in a Salesforce export."""
    return ledger_id("salesforce", kind, salesforce_id(kind, number)[:15])


def salesforce_keyed(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The demo's CRM tables with every id (and reference) replaced by its Salesforce-export ledger id."""
    keyed = {}
    for name, columns in REFERENCES.items():
        table = tables[name]
        for column, kind in columns.items():
            values = [None if v is None else salesforce_key(kind, v) for v in table[column].to_pylist()]
            table = table.set_column(table.column_names.index(column), column, pa.array(values, pa.int64()))
        keyed[name] = table
    return keyed


def write_exports(tables: dict[str, pa.Table], folder: Path) -> list[tuple[str, list[Path], Path | None]]:
    """The demo's activities as export files: (source, files, call-log mapping) in ingest order."""
    folder.mkdir(parents=True, exist_ok=True)
    crm = [p for p in salesforce.write(tables, folder) if p.stem in ("Task", "Event")]
    calls, mapping = call_log.write(tables, folder)
    return [("gmail_api", gmail_api.write(tables, folder), None),
            ("google_calendar", google_calendar.write(tables, folder), None),
            ("zoom", zoom.write(tables, folder), None),
            ("call_log", [calls], mapping),
            ("salesforce", crm, None)]


def write_demo_via_exports(database_url: str, rules: Linking, folder: Path, *, scale: float = 1.0, seed: int = 42,
                           as_of: date, replace: bool = False,
                           on_step: Callable[[str], None] | None = None) -> dict[str, pa.Table]:
    """Build the demo ledger at `database_url` with its activities ingested from exports written to `folder`;
    returns the generated tables (as the generator made them, before re-keying)."""
    tell = on_step or (lambda _step: None)
    tell("generating")
    tables = generate(scale=scale, seed=seed, as_of=as_of)
    tell(f"writing exports to {folder}")
    plan = write_exports(tables, folder)
    tell("loading the CRM tables")
    write_ledger(database_url, salesforce_keyed(tables), replace=replace, origin=DemoOrigin(seed, scale, as_of),
                 foreign_keys=False)
    for source, files, mapping in plan:
        tell(f"ingesting and linking {source}")
        list(ingest(database_url, source, files, AdapterOptions(mapping=mapping), rules=rules))
    return tables

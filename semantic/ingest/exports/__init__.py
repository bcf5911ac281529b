"""Sample export writers: the demo ledger's activities rendered in each source's public export shape.

Each module has `write(tables, out_dir) -> list[Path]` over the tables of `semantic.ledger.demo.generate`;
`python -m semantic.ingest.exports OUTDIR` writes them all (see docs/ingest.md, "Sample exports").
Every demo activity of a capture tool lands in exactly one file per tool, except mail, which is written twice
on purpose (Gmail API and mbox carry the same messages, keyed alike, so ingesting both lands each mail once),
and the CRM-logged activities, which go both to Salesforce (with the CRM objects) and, one in five, to HubSpot:
ingest one CRM's files, not both.
"""
from __future__ import annotations

from types import ModuleType

from semantic.ingest.exports import call_log, gmail_api, google_calendar, hubspot, mbox, salesforce, zoom

WRITERS: dict[str, ModuleType] = {"gmail_api": gmail_api, "mbox": mbox, "google_calendar": google_calendar,
                                  "zoom": zoom, "hubspot": hubspot, "call_log": call_log, "salesforce": salesforce}

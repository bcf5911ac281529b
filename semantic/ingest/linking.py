"""Where ingest hands what it stored to linking (semantic/link, by the rules of linking.yaml).

Linking runs once per `semantic ingest` run, after the last batch, so that the ledger is linked whatever
order files arrive in:
- when the run stored new or changed CRM rows that linking reads (reps, accounts, contacts, leads, deals,
  contact roles), every activity is relinked: a contact ingested after the emails that name it must reach
  those emails too (a full relink costs seconds per million activities; docs/linking.md);
- otherwise only the activities the run stored new or changed are linked. Their ids are noted batch by
  batch in a session-local table, so memory stays flat and no statement carries a million bound ids.
Linking per batch would rewrite DuckDB's linked tables once per 5,000 records. A run that stops before
linking leaves its activities with their declared links only; `semantic link` (or re-running) links them.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, MetaData, Table, insert, select

from semantic.definitions.linking_models import Linking
from semantic.link import link

LINK_INPUTS = frozenset({"reps", "accounts", "contacts", "leads", "opportunities", "opportunity_contact_roles"})
pending = Table("ingest_pending_links", MetaData(), Column("activity_id", BigInteger), prefixes=["TEMPORARY"])
_RELINK_ALL = "ingest_relink_all"


def start(conn: Connection) -> None:
    """Create the run's (empty) list of activities to link; it lives as long as the connection."""
    pending.create(conn, checkfirst=False)
    conn.info[pending.name] = True


def note(conn: Connection, table: Table, stored: Table) -> None:
    """Remember what a staged batch stored in `table` (`stored` holds its rows) for linking, when the run
    links (a store used on its own, or a dry run, does not)."""
    if not conn.info.get(pending.name):
        return
    if table.name in LINK_INPUTS:
        conn.info[_RELINK_ALL] = True
    elif table.name == "activities":
        conn.execute(insert(pending).from_select(["activity_id"], select(stored.c.activity_id)))


def link_pending(conn: Connection, rules: Linking) -> int:
    """Link what the run calls for (commits); returns how many activities were relinked."""
    relinked = link(conn, rules, None if conn.info.pop(_RELINK_ALL, False) else select(pending.c.activity_id))
    with conn.begin():
        pending.drop(conn)
    conn.info.pop(pending.name, None)
    return relinked

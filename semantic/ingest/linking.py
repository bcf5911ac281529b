"""Where ingest hands the activities it stored to linking (semantic/link, by the rules of linking.yaml).

Linking runs once per `semantic ingest` run, after the last batch, over exactly the activities the run stored
new or changed: their ids are noted batch by batch in a session-local table (so memory stays flat and no
statement carries a million bound ids), then `link()` relinks them in one transaction. Linking per batch would
rewrite DuckDB's linked tables once per 5,000 records. A run that stops before linking leaves its activities
stored with their declared links only; `semantic link` (or re-running the ingest) links them.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, MetaData, Table, insert, select

from semantic.definitions.linking_models import Linking
from semantic.link import link

pending = Table("ingest_pending_links", MetaData(), Column("activity_id", BigInteger), prefixes=["TEMPORARY"])


def start(conn: Connection) -> None:
    """Create the run's (empty) list of activities to link; it lives as long as the connection."""
    pending.create(conn, checkfirst=False)
    conn.info[pending.name] = True


def note(conn: Connection, stored: Table) -> None:
    """Remember the activities of a staged batch (`stored` has an activity_id column) for linking, when the
    run links (a store used on its own, or a dry run, does not)."""
    if conn.info.get(pending.name):
        conn.execute(insert(pending).from_select(["activity_id"], select(stored.c.activity_id)))


def link_pending(conn: Connection, rules: Linking) -> int:
    """Link the noted activities (commits); returns how many were relinked."""
    relinked = link(conn, rules, select(pending.c.activity_id))
    with conn.begin():
        pending.drop(conn)
    conn.info.pop(pending.name, None)
    return relinked

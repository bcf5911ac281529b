"""The one place ingest hands the activities it stored to linking.

Linking (participants -> contacts, leads, accounts; activities -> opportunities, by versioned rules) is built
separately as `semantic.link`. Until it is wired in here, ingest stores activities with their declared links
only, and says so; nothing pretends to link.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection


def link_ingested(conn: Connection, activity_ids: Sequence[int]) -> bool:
    """Link the activities a batch just stored (new or changed), inside the batch's transaction.

    Returns True when they were linked, False when no linker is wired in (the caller reports the activities as
    stored unlinked). To wire linking in, call the linker here for `activity_ids` and return True.
    """
    del conn, activity_ids  # not used until a linker is wired in
    return False

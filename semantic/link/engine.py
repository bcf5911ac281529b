"""`link()`: re-apply the linking rules to all or some activities of a ledger, deterministically.

Every link column of the activities in scope, and of their participants, is recomputed from the ledger
and the rules alone, so the same ledger and rules give the same links whatever was linked before.
Activities linked by the demo generator (a rule 'generated') are left alone unless `relink_generated`.

DuckDB rewrites an UPDATE of a foreign-key column as delete + insert, which it refuses while another
table's rows reference the row, even rows deleted earlier in the same transaction. So the participants of
the activities in scope are first moved, with their new links, to a staging table (committed), and put
back in the transaction that updates the activities. A run interrupted between the two leaves the
staging table behind; the next run puts those participants back first (`restore_interrupted`).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.sql import Select

from semantic.definitions.linking_models import Linking
from semantic.ledger.schema import activities, activity_participants
from semantic.link.activities import ACTIVITY_LINKS, activity_links
from semantic.link.opportunities import opportunity_choice
from semantic.link.participants import matched_participants

GENERATED = "generated"
STAGING_TABLE = "link_staged_participants"
_staging_metadata = sa.MetaData()
staged_participants = sa.Table(STAGING_TABLE, _staging_metadata,
                               *(sa.Column(c.name, c.type) for c in activity_participants.columns))


def activity_scope(activity_ids: Iterable[int] | None, relink_generated: bool) -> Select:
    """The ids of the activities a run relinks (over an alias: never correlated with the UPDATE's table)."""
    scoped = activities.alias("scoped")
    query = sa.select(scoped.c.activity_id)
    if activity_ids is not None:
        query = query.where(scoped.c.activity_id.in_(sorted(set(activity_ids))))
    if not relink_generated:
        rules = (scoped.c.contact_rule, scoped.c.account_rule, scoped.c.opportunity_rule)
        query = query.where(sa.and_(*(sa.func.coalesce(rule, "") != GENERATED for rule in rules)))
    return query


def restore_interrupted(connection: Connection) -> None:
    """Put back participants a run staged but did not restore (it stopped between its two transactions)."""
    if not sa.inspect(connection).has_table(STAGING_TABLE):
        return
    present = sa.select(activity_participants.c.activity_id, activity_participants.c.position).where(
        activity_participants.c.activity_id == staged_participants.c.activity_id,
        activity_participants.c.position == staged_participants.c.position)
    names = [c.name for c in activity_participants.columns]
    connection.execute(activity_participants.insert().from_select(
        names, sa.select(staged_participants).where(~present.exists())))
    staged_participants.drop(connection)
    connection.commit()


def link(connection: Connection, rules: Linking, activity_ids: Iterable[int] | None = None, *,
         relink_generated: bool = False) -> None:
    """Recompute the links of the activities in scope (all when `activity_ids` is None) and commit.

    `connection` must not be inside a `begin()` block: the run commits its own two transactions.
    """
    restore_interrupted(connection)
    scope = activity_scope(activity_ids, relink_generated)
    names = [c.name for c in activity_participants.columns]
    staged_participants.create(connection)
    connection.execute(staged_participants.insert().from_select(names, matched_participants(rules, scope)))
    connection.execute(activity_participants.delete().where(
        activity_participants.c.activity_id.in_(sa.select(staged_participants.c.activity_id))))
    connection.commit()
    links = activity_links(rules, scope, staged_participants).subquery("links")
    connection.execute(activities.update().where(activities.c.activity_id == links.c.activity_id)
                       .values({name: links.c[name] for name in ACTIVITY_LINKS}))
    choice = opportunity_choice(rules, scope, staged_participants).subquery("choice")
    connection.execute(activities.update().where(activities.c.activity_id == choice.c.activity_id)
                       .values(opportunity_id=choice.c.opportunity_id, opportunity_rule=choice.c.opportunity_rule))
    connection.execute(activity_participants.insert().from_select(names, sa.select(staged_participants)))
    staged_participants.drop(connection)
    connection.commit()

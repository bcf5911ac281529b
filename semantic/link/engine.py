"""`link()`: re-apply the linking rules to all or some activities of a ledger, deterministically.

Every link column of the activities in scope, and of their participants, is recomputed from the ledger
and the rules alone, so the same ledger and rules give the same links whatever was linked before.
Left as they are unless `relink_generated`: activities the demo generator linked (a rule 'generated') and
activities with nothing to link by (no participant, no declared account or opportunity; every activity of
the direct demo is one or the other, and their generated rep would otherwise be erased).

DuckDB rewrites an UPDATE of a foreign-key column as delete + insert, which it refuses while another
table's rows reference the row, even rows deleted earlier in the same transaction. So the participants of
the activities in scope are first moved, with their new links, to a staging table (committed), and put
back in the transaction that updates the activities. A run interrupted between the two leaves the
staging tables behind; the next run puts those participants back first (`restore_interrupted`).
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
_staging = sa.MetaData()
staged_participants = sa.Table("link_staged_participants", _staging,
                               *(sa.Column(c.name, c.type) for c in activity_participants.columns))
staged_scope = sa.Table("link_staged_scope", _staging, sa.Column("activity_id", sa.BigInteger, nullable=False))
STAGING_TABLES = (staged_participants.name, staged_scope.name)
_PARTICIPANT_COLUMNS = [c.name for c in activity_participants.columns]


def activity_scope(activity_ids: Iterable[int] | None, relink_generated: bool) -> Select:
    """The ids of the activities a run relinks."""
    scoped = activities.alias("scoped")
    query = sa.select(scoped.c.activity_id)
    if activity_ids is not None:
        query = query.where(scoped.c.activity_id.in_(sorted(set(activity_ids))))
    if not relink_generated:
        rules = (scoped.c.contact_rule, scoped.c.account_rule, scoped.c.opportunity_rule)
        has_participant = sa.exists().where(activity_participants.c.activity_id == scoped.c.activity_id)
        query = query.where(sa.and_(*(sa.func.coalesce(rule, "") != GENERATED for rule in rules)),
                            sa.or_(has_participant, scoped.c.declared_account_id.is_not(None),
                                   scoped.c.declared_opportunity_id.is_not(None)))
    return query


def restore_interrupted(connection: Connection) -> None:
    """Put back participants a run staged but did not restore (it stopped between its two transactions)."""
    inspector = sa.inspect(connection)
    if inspector.has_table(staged_participants.name):
        present = sa.exists().where(activity_participants.c.activity_id == staged_participants.c.activity_id,
                                    activity_participants.c.position == staged_participants.c.position)
        connection.execute(activity_participants.insert().from_select(
            _PARTICIPANT_COLUMNS, sa.select(staged_participants).where(~present)))
        staged_participants.drop(connection)
    if inspector.has_table(staged_scope.name):
        staged_scope.drop(connection)
    connection.commit()


def link(connection: Connection, rules: Linking, activity_ids: Iterable[int] | None = None, *,
         relink_generated: bool = False) -> int:
    """Recompute the links of the activities in scope (all when `activity_ids` is None), commit, and return
    how many activities were relinked.

    `connection` must not be inside a `begin()` block: the run commits its own two transactions.
    """
    restore_interrupted(connection)
    _staging.create_all(connection)
    connection.execute(staged_scope.insert().from_select(["activity_id"],
                                                         activity_scope(activity_ids, relink_generated)))
    scope = sa.select(staged_scope.c.activity_id)
    connection.execute(staged_participants.insert().from_select(_PARTICIPANT_COLUMNS,
                                                                matched_participants(rules, scope)))
    connection.execute(activity_participants.delete().where(activity_participants.c.activity_id.in_(scope)))
    connection.commit()
    links = activity_links(rules, scope, staged_participants).subquery("links")
    connection.execute(activities.update().where(activities.c.activity_id == links.c.activity_id)
                       .values({name: links.c[name] for name in ACTIVITY_LINKS}))
    choice = opportunity_choice(rules, scope, staged_participants).subquery("choice")
    connection.execute(activities.update().where(activities.c.activity_id == choice.c.activity_id)
                       .values(opportunity_id=choice.c.opportunity_id, opportunity_rule=choice.c.opportunity_rule))
    connection.execute(activity_participants.insert().from_select(_PARTICIPANT_COLUMNS,
                                                                  sa.select(staged_participants)))
    relinked = connection.execute(sa.select(sa.func.count()).select_from(staged_scope)).scalar_one()
    _staging.drop_all(connection)
    connection.commit()
    return relinked

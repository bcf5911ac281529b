"""`link()`: re-apply the linking rules to all or some activities of a ledger, deterministically, in one
transaction.

Every link column of the activities in scope, and of their participants, is recomputed from the ledger
and the rules alone, so the same ledger and rules give the same links whatever was linked before.
Left as they are unless `relink_generated`: activities the demo generator linked (a rule 'generated') and
activities with nothing to link by (no participant, no declared account or opportunity; every activity of
the direct demo is one or the other, and their generated rep would otherwise be erased).

The new links are computed into session-local staging tables first. PostgreSQL then updates the ledger in
place. DuckDB cannot: it rewrites an UPDATE of a foreign-key column as delete + insert, refused while a
participant references the row and slower than quadratic in the rows changed (a FK column is an ART index).
So on DuckDB, when the two linked tables enforce foreign keys (the demo's do; the tables ingest creates do
not), they are rebuilt from the staging tables (a bulk copy: seconds per million rows), in the same
transaction, from the canonical definitions in semantic/ledger/schema.py.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.sql import Select

from semantic.definitions.linking_models import Linking
from semantic.dialects import facts_of
from semantic.ledger.guard import tables_with_foreign_keys
from semantic.ledger.schema import activities, activity_participants
from semantic.link.activities import ACTIVITY_LINKS, activity_links
from semantic.link.opportunities import opportunity_choice
from semantic.link.participants import matched_participants

GENERATED = "generated"
_staging = sa.MetaData()


def _copy_of(table: sa.Table, name: str) -> sa.Table:
    """A session-local table with `table`'s columns and no constraints (so updating it is cheap)."""
    return sa.Table(name, _staging, *(sa.Column(c.name, c.type) for c in table.columns), prefixes=["TEMPORARY"])


staged_scope = sa.Table("link_scope", _staging, sa.Column("activity_id", sa.BigInteger), prefixes=["TEMPORARY"])
staged_activities = _copy_of(activities, "link_activities")
staged_participants = _copy_of(activity_participants, "link_participants")


def activity_scope(activity_ids: Iterable[int] | Select | None, relink_generated: bool) -> Select:
    """The ids of the activities a run relinks (`activity_ids`: ids, or a SELECT of them such as ingest's)."""
    scoped = activities.alias("scoped")
    query = sa.select(scoped.c.activity_id)
    if isinstance(activity_ids, Select):
        query = query.where(scoped.c.activity_id.in_(activity_ids))
    elif activity_ids is not None:
        query = query.where(scoped.c.activity_id.in_(sorted(set(activity_ids))))
    if not relink_generated:
        rules = (scoped.c.contact_rule, scoped.c.account_rule, scoped.c.opportunity_rule)
        has_participant = sa.exists().where(activity_participants.c.activity_id == scoped.c.activity_id)
        query = query.where(sa.and_(*(sa.func.coalesce(rule, "") != GENERATED for rule in rules)),
                            sa.or_(has_participant, scoped.c.declared_account_id.is_not(None),
                                   scoped.c.declared_opportunity_id.is_not(None)))
    return query


def _names(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns]


def _stage(connection: Connection, rules: Linking, activity_ids: Iterable[int] | Select | None,
           relink_generated: bool) -> Select:
    """Fill the staging tables with the activities in scope and their participants, newly linked."""
    connection.execute(staged_scope.insert().from_select(["activity_id"],
                                                         activity_scope(activity_ids, relink_generated)))
    _analyze(connection, staged_scope)
    scope = sa.select(staged_scope.c.activity_id)
    connection.execute(staged_participants.insert().from_select(_names(activity_participants),
                                                                matched_participants(rules, scope)))
    links = activity_links(rules, scope, staged_participants).subquery("links")
    relinked = sa.select(*(links.c[c.name] if c.name in ACTIVITY_LINKS else c for c in activities.columns)) \
        .join_from(activities, links, links.c.activity_id == activities.c.activity_id)
    connection.execute(staged_activities.insert().from_select(_names(activities), relinked))
    _analyze(connection, staged_participants, staged_activities)
    choice = opportunity_choice(rules, staged_activities, staged_participants).subquery("choice")
    connection.execute(staged_activities.update().where(staged_activities.c.activity_id == choice.c.activity_id)
                       .values(opportunity_id=choice.c.opportunity_id, opportunity_rule=choice.c.opportunity_rule))
    return scope


def _analyze(connection: Connection, *tables: sa.Table) -> None:
    """PostgreSQL never gathers statistics on temporary tables by itself; without them it plans the deal
    search as nested loops (minutes for 20,000 activities instead of a second)."""
    dialect = facts_of(connection.dialect.name)
    if dialect is not None and dialect.analyze_temporary_tables:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table.name}")  # a constant name of ours, never user text


def _update_in_place(connection: Connection, scope: Select) -> None:
    new = staged_activities.c
    connection.execute(activities.update().where(activities.c.activity_id == new.activity_id)
                       .values({name: new[name] for name in ACTIVITY_LINKS}))
    connection.execute(activity_participants.delete().where(activity_participants.c.activity_id.in_(scope)))
    connection.execute(activity_participants.insert().from_select(_names(activity_participants),
                                                                  sa.select(staged_participants)))


def _rebuild(connection: Connection, scope: Select) -> None:
    """DuckDB: the staging tables take the untouched rows too, then replace the two ledger tables."""
    connection.execute(staged_activities.insert().from_select(
        _names(activities), sa.select(activities).where(activities.c.activity_id.not_in(scope))))
    connection.execute(staged_participants.insert().from_select(
        _names(activity_participants),
        sa.select(activity_participants).where(activity_participants.c.activity_id.not_in(scope))))
    activity_participants.drop(connection)
    activities.drop(connection)
    activities.create(connection)
    activity_participants.create(connection)
    connection.execute(activities.insert().from_select(
        _names(activities), sa.select(staged_activities).order_by(staged_activities.c.activity_id)))
    connection.execute(activity_participants.insert().from_select(
        _names(activity_participants), sa.select(staged_participants).order_by(
            staged_participants.c.activity_id, staged_participants.c.position)))


def link(connection: Connection, rules: Linking, activity_ids: Iterable[int] | Select | None = None, *,
         relink_generated: bool = False) -> int:
    """Recompute the links of the activities in scope (all when `activity_ids` is None), commit, and return
    how many activities were relinked. Nothing changes when it fails (the transaction is rolled back).

    `connection` must not be inside a `begin()` block: the run commits (or rolls back) its own transaction.
    """
    try:
        _staging.create_all(connection, checkfirst=False)
        scope = _stage(connection, rules, activity_ids, relink_generated)
        relinked = connection.execute(sa.select(sa.func.count()).select_from(staged_scope)).scalar_one()
        dialect = facts_of(connection.dialect.name)
        if dialect is not None and not dialect.updates_under_foreign_keys and tables_with_foreign_keys(
                connection, {activities.name, activity_participants.name}):
            _rebuild(connection, scope)
        else:
            _update_in_place(connection, scope)
        _staging.drop_all(connection, checkfirst=False)
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
    return relinked

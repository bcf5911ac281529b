"""What linking needs from the database, checked up front, and what a run achieved, counted after.

Checking before the first statement turns "relation does not exist" half-way through a run into one coded
error naming the table or column and how to get it; the counts are what `semantic link` prints.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from semantic.errors import SemanticError
from semantic.ledger.schema import (accounts, activities, activity_participants, contacts, leads, opportunities,
                                    opportunity_contact_roles, reps)

REQUIRED = (activities, activity_participants, reps, accounts, contacts, leads, opportunities,
            opportunity_contact_roles)
LINKS = ("contact", "account", "opportunity")


def check_ledger(connection: Connection) -> None:
    """Raise E_LINK_TABLE / E_LINK_COLUMN when a table or column linking reads or writes is missing."""
    inspector = sa.inspect(connection)
    existing = set(inspector.get_table_names())
    for table in REQUIRED:
        if table.name not in existing:
            raise SemanticError("E_LINK_TABLE", f"the ledger has no table '{table.name}'",
                                "load activities with `semantic ingest` (or a ledger with `semantic demo`) into "
                                "this database first, or pass the right --database")
        # from an empty SELECT, not the inspector: duckdb-engine cannot reflect columns under SQLAlchemy 2.1
        columns = set(connection.execute(sa.select(sa.literal_column("*")).select_from(sa.table(table.name))
                                         .limit(0)).keys())
        missing = [c.name for c in table.columns if c.name not in columns]
        if missing:
            raise SemanticError("E_LINK_COLUMN", f"table '{table.name}' lacks column(s) {', '.join(missing)}",
                                "the ledger was written by an older release: write it again with `semantic demo` "
                                "or `semantic ingest` (docs/linking.md)")


@dataclass(frozen=True)
class SourceCoverage:
    source_system: str
    activities: int
    contact: int
    account: int
    opportunity: int


@dataclass(frozen=True)
class RuleCount:
    source_system: str
    link: str        # contact | account | opportunity
    rule: str
    activities: int  # activities whose `<link>_rule` is `rule` (for 'opportunity.ambiguous': left unlinked)


def coverage(connection: Connection) -> list[SourceCoverage]:
    """Per source system: activities, and how many are linked to a contact, an account, an opportunity."""
    a = activities.c
    query = (sa.select(a.source_system, sa.func.count(), sa.func.count(a.contact_id), sa.func.count(a.account_id),
                       sa.func.count(a.opportunity_id))
             .group_by(a.source_system).order_by(a.source_system))
    return [SourceCoverage(*row) for row in connection.execute(query)]


def rule_counts(connection: Connection) -> list[RuleCount]:
    """Per source system, link and rule: how many activities that rule decided."""
    parts = []
    for name in LINKS:
        rule = activities.c[f"{name}_rule"]
        parts.append(sa.select(activities.c.source_system.label("source_system"), sa.literal(name).label("link"),
                               rule.label("rule"), sa.func.count().label("activities"))
                     .where(rule.is_not(None)).group_by(activities.c.source_system, rule))
    union = sa.union_all(*parts).subquery("rules")
    query = sa.select(union).order_by(union.c.source_system, union.c.link, union.c.rule)
    return [RuleCount(*row) for row in connection.execute(query)]

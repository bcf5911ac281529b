"""SQLAlchemy Core description of the canonical ledger tables.

This is the one place (besides the starter YAML) that knows the canonical table names: the demo loader
creates exactly these tables, in this column order, on DuckDB or PostgreSQL. Ids are plain BIGINTs without
autoincrement because duckdb-engine cannot create SERIAL keys and the generator assigns ids itself.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, Numeric, String, Table

metadata = MetaData()


def _id(name: str, *, primary: bool = False, references: str | None = None, nullable: bool = True) -> Column:
    args = [ForeignKey(references)] if references else []
    return Column(name, BigInteger, *args, primary_key=primary, autoincrement=False,
                  nullable=False if primary else nullable)


def _money(name: str) -> Column:
    return Column(name, Numeric(18, 2))


reps = Table(
    "reps", metadata,
    _id("rep_id", primary=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    Column("team", String),
    Column("region", String),
    Column("role", String, nullable=False),
    _id("manager_id"),  # no FK: managers are rows of the same table and load order would matter
    Column("hired_at", Date),
    _money("quota_amount"),
)

accounts = Table(
    "accounts", metadata,
    _id("account_id", primary=True),
    Column("name", String, nullable=False),
    Column("domain", String),
    Column("industry", String),
    Column("segment", String),
    Column("region", String),
    _id("owner_rep_id", references="reps.rep_id"),
    Column("created_at", DateTime),
)

contacts = Table(
    "contacts", metadata,
    _id("contact_id", primary=True),
    _id("account_id", references="accounts.account_id"),
    Column("name", String),
    Column("email", String),
    Column("title", String),
    Column("created_at", DateTime),
)

leads = Table(
    "leads", metadata,
    _id("lead_id", primary=True),
    Column("email", String),
    Column("company", String),
    Column("source", String),
    Column("status", String, nullable=False),
    Column("score", Integer),
    Column("created_at", DateTime, nullable=False),
    Column("mql_at", DateTime),
    Column("sql_at", DateTime),
    Column("converted_at", DateTime),
    _id("contact_id", references="contacts.contact_id"),
)

opportunities = Table(
    "opportunities", metadata,
    _id("opportunity_id", primary=True),
    _id("account_id", references="accounts.account_id"),
    _id("owner_rep_id", references="reps.rep_id"),
    Column("name", String),
    Column("type", String),
    Column("product", String),
    _money("amount"),
    Column("stage", String, nullable=False),
    Column("forecast_category", String),
    Column("created_at", DateTime, nullable=False),
    Column("close_date", Date),
    Column("closed_at", DateTime),
    Column("is_closed", Boolean, nullable=False),
    Column("is_won", Boolean, nullable=False),
    Column("loss_reason", String),
    Column("competitor", String),
    Column("lead_source", String),
)

opportunity_stage_history = Table(
    "opportunity_stage_history", metadata,
    _id("opportunity_id", references="opportunities.opportunity_id", nullable=False),
    Column("from_stage", String),
    Column("to_stage", String, nullable=False),
    _money("amount"),
    Column("close_date", Date),
    Column("changed_at", DateTime, nullable=False),
    _id("changed_by", references="reps.rep_id"),
    # Ingest: the change's id in its source (a Salesforce OpportunityHistory Id). History rows have no key of
    # their own, so this is what makes re-ingesting a history export idempotent; null for generated rows.
    Column("source_id", String),
)

activities = Table(
    "activities", metadata,
    _id("activity_id", primary=True),
    Column("source_system", String, nullable=False),
    Column("activity_type", String, nullable=False),
    Column("direction", String),
    Column("occurred_at", DateTime, nullable=False),
    _id("rep_id", references="reps.rep_id"),
    _id("contact_id", references="contacts.contact_id"),
    _id("account_id", references="accounts.account_id"),
    _id("opportunity_id", references="opportunities.opportunity_id"),
    Column("duration_seconds", Integer),
    Column("subject", String),
    # Ingest: the record's id in its source system ((source_system, source_id) is unique), what the source
    # says on its own (status such as 'cancelled', the mail thread, the CRM records it names) and the
    # linking rule that set each of contact_id / account_id / opportunity_id (null when unlinked).
    Column("source_id", String),
    Column("status", String),
    Column("thread_id", String),
    _id("declared_account_id"),  # no FK: a source may name a CRM record that is ingested later or never
    _id("declared_opportunity_id"),
    _id("declared_rep_id"),  # the owner the source names (a Salesforce Task's OwnerId)
    Column("contact_rule", String),
    Column("account_rule", String),
    Column("opportunity_rule", String),
)

activity_participants = Table(
    "activity_participants", metadata,
    _id("activity_id", primary=True, references="activities.activity_id"),
    Column("position", Integer, primary_key=True, autoincrement=False),  # order within the record (sender first); part of the key
    Column("role", String, nullable=False),  # from|to|cc|bcc|organizer|attendee|host|participant|caller|callee
    Column("email", String),  # lower-case; null for a guest without an email or a bare CRM reference
    Column("name", String),
    Column("response_status", String),  # calendar: accepted|declined|tentative|needsAction
    _id("declared_contact_id"),  # the CRM record the source names for this participant (no FK, see above)
    _id("declared_lead_id"),
    # Set by linking (semantic link), never by ingest:
    Column("is_internal", Boolean),
    _id("rep_id"),
    _id("contact_id"),
    _id("lead_id"),
    _id("account_id"),
    Column("match_rule", String),
)

opportunity_contact_roles = Table(
    "opportunity_contact_roles", metadata,
    _id("opportunity_id", primary=True, references="opportunities.opportunity_id"),
    _id("contact_id", primary=True, references="contacts.contact_id"),
    Column("role", String),
    Column("is_primary", Boolean, nullable=False),
)

quotas = Table(
    "quotas", metadata,
    _id("quota_id", primary=True),
    _id("rep_id", references="reps.rep_id", nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),  # the period's last day (inclusive)
    _money("amount"),
)

TABLE_NAMES: tuple[str, ...] = tuple(metadata.tables)

# Ingest bookkeeping: not ledger facts, so kept in their own MetaData (the demo neither creates nor fills them,
# and TABLE_NAMES stays the list of canonical tables).
bookkeeping = MetaData()

ingest_keys = Table(
    "ingest_keys", bookkeeping,
    Column("source_system", String, primary_key=True),
    Column("kind", String, primary_key=True),  # 'activity' or the canonical table a CRM record lands in
    Column("source_id", String, primary_key=True),
    _id("row_id"),  # the key of the row it was stored as (null when that key has two columns, a contact role)
    Column("record_hash", String, nullable=False),  # decides new / updated / unchanged on the next run
    Column("first_seen_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
)

ingest_rejects = Table(
    "ingest_rejects", bookkeeping,
    Column("source", String, primary_key=True),
    Column("file", String, primary_key=True),  # the absolute path of the file as ingested
    Column("record", Integer, primary_key=True, autoincrement=False),  # 1-based line, or record index for JSON
    Column("reason", String, nullable=False),
    Column("raw", String),
    Column("rejected_at", DateTime, nullable=False),
)


def without_foreign_keys(tables: list[Table]) -> MetaData:
    """Copies of `tables` with their keys and nullability but no foreign-key constraints: the shape ingest
    creates (sources name records that arrive later or never; docs/ingest.md)."""
    copy = MetaData()
    for table in tables:
        Table(table.name, copy, *[Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                                         autoincrement=False) for c in table.columns])
    return copy

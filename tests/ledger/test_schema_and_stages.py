"""The ledger's shape: the table/column contract of DESIGN.md and the stage list of glossary.yaml."""
from __future__ import annotations

import pyarrow as pa
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Numeric

from semantic.ledger import STAGES, TABLE_NAMES, metadata

DESIGN_COLUMNS = {
    "reps": "rep_id, name, email, team, region, role, manager_id, hired_at, quota_amount",
    "accounts": "account_id, name, domain, industry, segment, region, owner_rep_id, created_at",
    "contacts": "contact_id, account_id, name, email, title, created_at",
    "leads": "lead_id, email, company, source, status, score, created_at, mql_at, sql_at, converted_at, contact_id",
    "opportunities": "opportunity_id, account_id, owner_rep_id, name, type, product, amount, stage, "
                     "forecast_category, created_at, close_date, closed_at, is_closed, is_won, loss_reason, "
                     "competitor, lead_source",
    "opportunity_stage_history": "opportunity_id, from_stage, to_stage, amount, close_date, changed_at, changed_by, "
                                 "source_id",
    "activities": "activity_id, source_system, activity_type, direction, occurred_at, rep_id, contact_id, "
                  "account_id, opportunity_id, duration_seconds, subject, source_id, status, thread_id, "
                  "declared_account_id, declared_opportunity_id, declared_rep_id, contact_rule, account_rule, opportunity_rule",
    "activity_participants": "activity_id, position, role, email, name, response_status, declared_contact_id, "
                             "declared_lead_id, is_internal, rep_id, contact_id, lead_id, account_id, match_rule",
    "opportunity_contact_roles": "opportunity_id, contact_id, role, is_primary",
    "quotas": "quota_id, rep_id, period_start, period_end, amount",
}


def test_tables_and_columns_match_the_design() -> None:
    assert list(TABLE_NAMES) == list(DESIGN_COLUMNS)
    for name, columns in DESIGN_COLUMNS.items():
        assert [c.name for c in metadata.tables[name].columns] == columns.split(", ")


def test_column_types() -> None:
    for table in metadata.tables.values():
        for column in table.columns:
            if (column.name.endswith("_id") and column.name not in ("source_id", "thread_id")) or column.name == "changed_by":
                assert isinstance(column.type, BigInteger) and column.autoincrement is False, column
            if column.name in ("amount", "quota_amount"):
                assert isinstance(column.type, Numeric) and (column.type.precision, column.type.scale) == (18, 2)
            if column.name in ("close_date", "hired_at", "period_start", "period_end"):
                assert isinstance(column.type, Date) and not isinstance(column.type, DateTime)
            if column.name.endswith("_at") and column.name != "hired_at":
                assert isinstance(column.type, DateTime), column
            if column.name.startswith("is_"):
                assert isinstance(column.type, Boolean)


def test_generated_tables_follow_the_schema(small_tables: dict[str, pa.Table]) -> None:
    assert list(small_tables) == list(TABLE_NAMES)
    for name, table in small_tables.items():
        assert table.column_names == [c.name for c in metadata.tables[name].columns]
    assert small_tables["opportunities"].schema.field("amount").type == pa.decimal128(18, 2)
    assert small_tables["activities"].schema.field("occurred_at").type == pa.timestamp("us")


def test_stage_list_equals_glossary(glossary_stages: list[dict]) -> None:
    from_yaml = [(s["name"], float(s["probability"]), s["forecast_category"], bool(s.get("is_closed", False)),
                  bool(s.get("is_won", False))) for s in glossary_stages]
    ours = [(s.name, s.probability, s.forecast_category, s.is_closed, s.is_won) for s in STAGES]
    assert ours == from_yaml

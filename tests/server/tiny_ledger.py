"""A hand-written ledger small enough to check every number by hand (and by hand-written SQL)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from semantic.execute import engine_for

DDL = """
create table reps (rep_id bigint primary key, name varchar, email varchar, team varchar, region varchar,
  role varchar, manager_id bigint, hired_at date, quota_amount decimal(18,2));
create table accounts (account_id bigint primary key, name varchar, domain varchar, industry varchar,
  segment varchar, region varchar, owner_rep_id bigint, created_at timestamp);
create table contacts (contact_id bigint primary key, account_id bigint, name varchar, email varchar,
  title varchar, created_at timestamp);
create table leads (lead_id bigint primary key, email varchar, company varchar, source varchar, status varchar,
  score integer, created_at timestamp, mql_at timestamp, sql_at timestamp, converted_at timestamp,
  contact_id bigint);
create table opportunities (opportunity_id bigint primary key, account_id bigint, owner_rep_id bigint,
  name varchar, type varchar, product varchar, amount decimal(18,2), stage varchar, forecast_category varchar,
  created_at timestamp, close_date date, closed_at timestamp, is_closed boolean, is_won boolean,
  loss_reason varchar, competitor varchar, lead_source varchar);
create table opportunity_stage_history (opportunity_id bigint, from_stage varchar, to_stage varchar,
  amount decimal(18,2), close_date date, changed_at timestamp, changed_by bigint);
create table activities (activity_id bigint primary key, source_system varchar, activity_type varchar,
  direction varchar, occurred_at timestamp, rep_id bigint, contact_id bigint, account_id bigint,
  opportunity_id bigint, duration_seconds integer, subject varchar);
create table quotas (quota_id bigint primary key, rep_id bigint, period_start date, period_end date,
  amount decimal(18,2));
"""

ROWS = """
insert into reps values
  (1, 'Ada', 'ada@x.test', 'East', 'NA', 'ae', null, '2022-01-10', 100000),
  (2, 'Bo', 'bo@x.test', 'West', 'EMEA', 'ae', null, '2023-03-01', 80000);
insert into accounts values
  (10, 'Acme', 'acme.test', 'Manufacturing', 'Enterprise', 'NA', 1, '2023-01-01'),
  (11, 'Bolt', 'bolt.test', 'Software', 'SMB', 'EMEA', 2, '2023-02-01'),
  (12, 'Cog', 'cog.test', 'Software', 'SMB', 'NA', 2, '2023-03-01');
insert into opportunities values
  (100, 10, 1, 'Acme core', 'new_business', 'Core', 1000.50, 'closed_won', 'closed',
   '2024-01-05', '2024-02-10', '2024-02-10 10:00', true, true, null, null, 'inbound'),
  (101, 10, 1, 'Acme addon', 'expansion', 'Addon', 500, 'closed_lost', 'omitted',
   '2024-01-20', '2024-03-01', '2024-03-01 09:00', true, false, 'price', 'Rival', 'outbound'),
  (102, 11, 2, 'Bolt core', 'new_business', 'Core', 2000, 'closed_won', 'closed',
   '2024-03-02', '2024-05-20', '2024-05-20 12:00', true, true, null, null, 'inbound'),
  (103, 12, 2, 'Cog core', 'new_business', 'Core', 3000, 'proposal', 'best_case',
   '2024-04-01', '2024-09-30', null, false, false, null, null, 'event'),
  (104, 12, 2, 'Cog addon', 'expansion', 'Addon', 700, 'closed_won', 'closed',
   '2024-04-15', '2024-05-25', '2024-05-25 16:00', true, true, null, null, 'inbound'),
  (105, 11, 2, 'Bolt renewal', 'renewal', 'Core', 1500, 'negotiation', 'commit',
   '2024-05-01', '2024-08-15', null, false, false, null, null, 'inbound');
insert into activities values
  (1000, 'gmail', 'email', 'outbound', '2024-02-01 10:00', 1, null, 10, 100, null, 'hello'),
  (1001, 'zoom', 'meeting', 'outbound', '2024-02-05 11:00', 1, null, 10, 100, 1800, 'demo'),
  (1002, 'truly', 'call', 'inbound', '2024-05-02 09:30', 2, null, 11, null, 300, 'call');
alter table activities add column status varchar;  -- what a source says (cancelled...): null, as in the demo
"""


def write_tiny_ledger(path: Path) -> str:
    """Create the ledger file and return its SQLAlchemy URL (the connection is closed before returning)."""
    with duckdb.connect(str(path)) as conn:
        conn.execute(DDL)
        conn.execute(ROWS)
    return f"duckdb:///{path}"


def hand_sql(url: str, sql: str) -> list[tuple]:
    """Run hand-written SQL on the same file through the server's own read-only engine.

    (DuckDB refuses a second connection to a file with a different configuration in one process.)
    """
    with engine_for(url).connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(sql).fetchall()]

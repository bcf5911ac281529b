"""PostgreSQL: every session read-only (`default_transaction_read_only`), with `work_mem` from the memory
setting and a server-side statement timeout a second past the layer's own (the client cancels first, through
the driver's cancel request)."""
from __future__ import annotations

import math
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import URL, Dialect

from semantic.dialects import standard
from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session


def _dialect() -> Dialect:
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    return dialect()


def work_mem_mb(memory_limit_mb: int) -> int:
    """Each sort or hash of each connection may use work_mem, so it is a fraction of the memory setting."""
    return max(4, min(memory_limit_mb // 32, 2048))


def _session(_url: URL, limits: Limits) -> Session:
    backstop_ms = int((limits.statement_timeout_s + 1) * 1000)  # the client cancels first
    options = (f"-c default_transaction_read_only=on -c statement_timeout={backstop_ms} "
               f"-c work_mem={work_mem_mb(limits.memory_limit_mb)}MB")
    connect_timeout_s = max(2, math.ceil(limits.pool_timeout_s))  # libpq counts whole seconds, at least 2
    return Session(connect_args={"options": options, "connect_timeout": connect_timeout_s},
                   engine_options={"pool_pre_ping": True, "pool_timeout": limits.pool_timeout_s})


def _interrupter(raw: Any) -> Callable[[], Any]:
    return lambda: raw.cancel_safe(timeout=5.0) if hasattr(raw, "cancel_safe") else raw.cancel()


def _write_position() -> sa.ColumnElement:
    """Where PostgreSQL will write its next log record (on a standby: how far it has replayed the primary's):
    every commit moves it at once, and a read-only role may read it."""
    return sa.cast(sa.case((sa.func.pg_is_in_recovery(), sa.func.pg_last_wal_replay_lsn()),
                           else_=sa.func.pg_current_wal_insert_lsn()), sa.Text)


FACTS = DialectFacts(
    write_position=_write_position,
    name="postgresql", sqlglot_name="postgres", sqlalchemy=_dialect, sqlalchemy_names=("postgresql",),
    dates=DateSQL(trunc=standard.trunc, shift=standard.shift, shift_by=standard.shift_by,
                  iso_weekday=lambda d: f"CAST(EXTRACT(ISODOW FROM {d}) AS INTEGER)",
                  days_between=standard.days_between),
    filter_clause=True, date_plus_integer=True, compares_timestamp_with_date=True, date_table="values",
    like_escape=True, dotted_column_names=True, array_literal="ARRAY[{}]", timestamp_keyword="TIMESTAMP",
    placeholder_style="numeric_dollar", named_marker=":", console_literals=False,
    functions=frozenset({"age", "btrim", "date_part", "now", "to_date"}),
    session=_session, interrupter=_interrupter,
    timeout_messages=("statement timeout",),  # "canceling statement due to statement timeout"
    bulk_write="copy", driver_error_modules=frozenset({"psycopg"}), analyze_temporary_tables=True,
)

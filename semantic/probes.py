"""The data version: a stamp that changes when the rows behind answers change, from cheap probes per entity.

Each entity's `freshness:` declares its probe (docs/definitions.md, "Data freshness"): the newest value of a
load-time column, a row count, or the database's own record of writes (`table_metadata`). One statement reads
every declared probe, at most every `data_probe_interval_s` seconds per definitions version, and the data
version is a digest of that reading and the DuckDB file's identity (semantic/engines.py). It spans every
entity, not only those a question reads: an entity defined by `sql:` may read any table, so only the whole
reading is sure to move when something an answer rests on moved.

Table metadata, measured rather than assumed:
- DuckDB: nothing to read. A served file is open read-only, which keeps every other process from writing it
  (DuckDB's file lock), so a refresh must replace the file and its identity changes; `duckdb_tables()`'s
  estimated_size does not even move on UPDATE or DELETE.
- PostgreSQL: the write-ahead log's insert position (`pg_current_wal_insert_lsn()`; the replay position on a
  standby), which every commit moves at once, for a fraction of a millisecond. The table statistics
  (`pg_stat_user_tables` n_tup_ins/upd/del) lag commits by seconds (a connected writer's counters reach them
  at its next statement or after ~10 s idle), so a probe of them would answer from stale entries. The log
  position belongs to the whole cluster: any write anywhere starts new cache entries.
- Other databases: none here; an entity declaring it there leaves the data version unknown.
The version is unknown (None: nothing is cached) without a file identity unless every entity with rows of its
own declares a probe the database can answer.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Mapping

import sqlalchemy as sa

from semantic.definitions.models import DataProbe
from semantic.dialects import facts
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.sql.tables import entity_source, qualified

WAL_COLUMN = "wal_position"
log = logging.getLogger("semantic.probes")




def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value if value is None or isinstance(value, (str, int)) else str(value)


@dataclass(frozen=True)
class Reading:
    """One probe of every declared entity: its newest column value (ISO) and row count where declared, and the
    database's write position when some entity asked for table metadata."""

    latest: Mapping[str, str | None] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    metadata: str | None = None
    failed: bool = False  # the database refused the probe (a declared table missing, say): nothing is known

    def digest(self, file_stamp: str | None) -> str:
        payload = repr((file_stamp, sorted(self.latest.items()), sorted(self.counts.items()), self.metadata))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


class DataProbes:
    """The probes one definitions version declares, run as one statement and kept `interval_s` seconds."""

    def __init__(self, defs: Definitions, dialect: str, interval_s: float) -> None:
        self.defs = defs
        self.dialect = dialect
        self.interval_s = interval_s
        self.declared: dict[str, DataProbe] = {n: e.freshness for n, e in defs.entities.items()
                                               if e.freshness is not None}
        wants_metadata = any(p.probe == "table_metadata" for p in self.declared.values())
        own_rows = [n for n, e in defs.entities.items() if e.from_history is None]
        # without a file identity, the reading alone must see every change
        self.complete = all(n in self.declared for n in own_rows) and (
            not wants_metadata or facts(dialect).write_position is not None)
        self._metadata = facts(dialect).write_position if wants_metadata else None
        self._reading: Reading | None = None
        self._read_at = -float("inf")
        self._file_stamp: str | None = None
        self._pending: Future | None = None  # the probe under way, which other callers wait for
        self._lock = threading.Lock()

    def statement(self) -> sa.Select | None:
        """SELECT (SELECT max(col) FROM e1) AS e1__latest, (SELECT count(*) FROM e2) AS e2__rows, ... -- one
        scalar subquery per probe; None when nothing is declared."""
        columns = []
        for name, probe in self.declared.items():
            source = entity_source(self.defs, name, "probe", self.dialect)
            if probe.column is not None:
                newest = sa.select(sa.func.max(qualified("probe", probe.column, self.dialect))).select_from(source)
                columns.append(newest.scalar_subquery().label(f"{name}__latest"))
            if probe.probe == "row_count":
                rows = sa.select(sa.func.count()).select_from(source)
                columns.append(rows.scalar_subquery().label(f"{name}__rows"))
        if self._metadata is not None:
            columns.append(self._metadata().label(WAL_COLUMN))
        return sa.select(*columns) if columns else None

    def read(self, run: Callable[[sa.Select], list[Any]], file_stamp: str | None = None) -> Reading:
        """The reading, probed again once `interval_s` has passed or the file was replaced; `run` executes a
        statement and returns its rows.

        One caller probes while the others wait for its outcome: its reading, or its error (a database that
        does not answer fails them all after one connect timeout, not one after another). Only a
        cancellation stays the canceller's own: the others then probe themselves."""
        while True:
            with self._lock:
                started = time.monotonic()
                if (self._reading is not None and file_stamp == self._file_stamp
                        and started - self._read_at <= self.interval_s):
                    return self._reading
                pending, leading = self._pending, self._pending is None
                if leading:
                    pending = self._pending = Future()
            if leading:
                return self._lead(pending, run, file_stamp, started)
            try:
                return pending.result()
            except SemanticError as exc:
                if exc.code != "E_QUERY_CANCELLED":
                    raise

    def settled(self, file_stamp: str | None) -> Reading | None:
        """The reading if it is still current (not due again, same file), without probing or waiting."""
        with self._lock:
            if (self._reading is not None and file_stamp == self._file_stamp
                    and time.monotonic() - self._read_at <= self.interval_s):
                return self._reading
        return None

    def _lead(self, pending: Future, run: Callable[[sa.Select], list[Any]], file_stamp: str | None,
              started: float) -> Reading:
        try:
            reading = self._probe(run)
        except BaseException as exc:
            with self._lock:
                self._pending = None
            pending.set_exception(exc)
            raise
        with self._lock:
            self._reading, self._read_at, self._file_stamp = reading, started, file_stamp  # as old as its start
            self._pending = None
        pending.set_result(reading)
        return reading

    def _probe(self, run: Callable[[sa.Select], list[Any]]) -> Reading:
        statement = self.statement()
        if statement is None:
            return Reading()
        try:
            row = dict(zip((c.name for c in statement.selected_columns), run(statement)[0]))
        except SemanticError as exc:
            if exc.code != "E_QUERY_FAILED":
                raise  # cancelled, timed out, database down: the question would fail the same way
            log.warning("data probe refused (%s): answers are neither cached nor stamped with freshness until it "
                        "succeeds; run `semantic validate --database URL`", exc.message)
            return Reading(failed=True)
        latest = {n: _iso(row[f"{n}__latest"]) for n, p in self.declared.items() if p.column is not None}
        counts = {n: int(row[f"{n}__rows"]) for n, p in self.declared.items() if p.probe == "row_count"}
        return Reading(latest, counts, row.get(WAL_COLUMN))

    def data_version(self, reading: Reading, file_stamp: str | None) -> str | None:
        """The stamp answers read under this reading carry, or None when it cannot see every change."""
        if reading.failed or (file_stamp is None and not self.complete):
            return None
        return reading.digest(file_stamp)

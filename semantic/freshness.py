"""How old the data behind an answer is: per entity the newest value of its declared `freshness:` column.

An answer is only as fresh as the stalest table it reads, so `oldest` is the minimum over the entities the
question reads (through its metrics' lineage, its dimensions and its filters). A generated entity (`from_history`)
without a column of its own is as fresh as the change log it is built from. The probe is one statement with one
max() per entity, and its values are kept a few seconds per definitions version (a layer), so a dashboard of
twenty questions costs one probe.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable

import sqlalchemy as sa

from semantic.definitions.lineage import lineages
from semantic.definitions.project import Definitions
from semantic.graph import split_dimension_ref
from semantic.sql.tables import entity_source, qualified

CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class EntityFreshness:
    entity: str
    column: str
    latest: str | None  # ISO date or timestamp of the newest row; None when the table is empty


@dataclass(frozen=True)
class Freshness:
    oldest: str | None  # the stalest of the entities' `latest`: the answer is at least this fresh
    entities: tuple[EntityFreshness, ...]

    def as_json(self) -> dict[str, Any]:
        return {"oldest": self.oldest,
                "entities": [{"entity": e.entity, "column": e.column, "latest": e.latest} for e in self.entities]}


def _stamped(defs: Definitions, name: str) -> str | None:
    """The entity whose freshness column speaks for `name`: itself, or the change log it is generated from."""
    seen: set[str] = set()
    while name in defs.entities and name not in seen:
        seen.add(name)
        entity = defs.entities[name]
        if entity.freshness:
            return name
        if entity.from_history is None:
            return None
        name = entity.from_history.history
    return None


def _dimension_entity(defs: Definitions, ref: str) -> str | None:
    """The entity a dimension reference reads, following join role names (`opportunity.owner.region`)."""
    via, last, _ = split_dimension_ref(ref)
    path = (*via, last)
    current = path[0] if path[0] in defs.entities else None
    for role in path[1:]:
        if current is None:
            return None
        join = defs.entities[current].joins.get(role)
        current = (join.entity or role) if join is not None else (role if role in defs.entities else None)
    return current


def entities_read(defs: Definitions, metrics: Iterable[str], dimension_refs: Iterable[str],
                  as_of: bool = False) -> tuple[str, ...]:
    """Entities with a freshness column that an answer over these metrics and dimensions depends on; `as_of`
    answers rebuild rows from their change logs, so those are read too."""
    found: set[str] = set()
    for metric in metrics:
        lineage = lineages(defs).of(metric)
        found |= lineage.entities | lineage.also_reads
    found |= {e for e in (_dimension_entity(defs, ref) for ref in dimension_refs) if e}
    if as_of:
        found |= {name for name, e in defs.entities.items() if e.history is not None and e.history.of in found}
    return tuple(sorted({s for s in (_stamped(defs, e) for e in found) if s}))


def _iso(value: Any) -> str | None:
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _instant(text: str) -> datetime:
    """Dates and timestamps compared on one axis (a date is its midnight; zones are dropped: one ledger)."""
    return datetime.fromisoformat(text).replace(tzinfo=None)


def stalest(stamps: Iterable[str | None]) -> str | None:
    """The oldest of ISO stamps (an entity with no rows has none and is skipped); None when none is known."""
    known = [s for s in stamps if s is not None]
    return min(known, key=_instant) if known else None


class FreshnessProbe:
    """Newest row per entity of one definitions version, probed in one statement, cached CACHE_SECONDS."""

    def __init__(self, defs: Definitions, dialect: str) -> None:
        self.defs = defs
        self.dialect = dialect
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def statement(self, entities: Iterable[str]) -> sa.Select:
        """SELECT (SELECT max(col) FROM entity_1) AS e0, ... -- one scalar subquery per entity."""
        columns = []
        for i, name in enumerate(entities):
            column = self.defs.entities[name].freshness or ""
            source = entity_source(self.defs, name, "fresh", self.dialect)
            newest = sa.select(sa.func.max(qualified("fresh", column, self.dialect))).select_from(source)
            columns.append(newest.scalar_subquery().label(f"e{i}"))
        return sa.select(*columns)

    def freshness(self, entities: tuple[str, ...], run: Callable[[sa.Select], list[Any]]) -> Freshness | None:
        """Freshness of these entities; `run` executes a statement and returns its rows (the layer's fetch)."""
        if not entities:
            return None
        now = time.monotonic()
        with self._lock:
            stale = [e for e in entities if e not in self._cache or now - self._cache[e][0] > CACHE_SECONDS]
        if stale:
            row = run(self.statement(stale))[0]
            with self._lock:
                for name, value in zip(stale, row):
                    self._cache[name] = (now, _iso(value))
        with self._lock:
            latest = {e: self._cache[e][1] for e in entities}
        parts = tuple(EntityFreshness(e, self.defs.entities[e].freshness or "", latest[e]) for e in entities)
        return Freshness(stalest(p.latest for p in parts), parts)

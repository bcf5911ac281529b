"""How old the data behind an answer is: per entity the newest value of its declared `freshness:` column.

An answer is only as fresh as the stalest table it reads, so `oldest` is the minimum over the entities the
question reads (through its metrics' lineage, its dimensions and its filters). A generated entity (`from_history`)
without a column of its own is as fresh as the change log it is built from. The values come from the data
probes (semantic/probes.py: one statement for every entity, kept a few seconds per definitions version), so a
dashboard of twenty questions costs one probe.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from semantic.definitions.lineage import lineages
from semantic.definitions.project import Definitions
from semantic.graph import split_dimension_ref
from semantic.probes import Reading


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
        if entity.freshness_column:
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
    return _stamped_entities(defs, found)


def entities_planned(defs: Definitions, plan: Any, change_logs: bool = False) -> tuple[str, ...]:
    """Entities with a freshness column that a plan's steps read (a funnel or waterfall has no metric lineage);
    `change_logs` adds the change logs of those entities (a waterfall replays them)."""
    found = {e for e in (getattr(step, "entity", None) for step in plan.steps) if isinstance(e, str)}
    found &= set(defs.entities)
    if change_logs:
        found |= {name for name, e in defs.entities.items() if e.history is not None and e.history.of in found}
    return _stamped_entities(defs, found)


def _stamped_entities(defs: Definitions, found: set[str]) -> tuple[str, ...]:
    return tuple(sorted({s for s in (_stamped(defs, e) for e in found) if s}))


def as_of_text(freshness: dict[str, Any] | None) -> str:
    """`data as of <oldest> (newest rows: entity.column <latest>, ...)`, as the CLI and slide footnotes say it;
    takes `Freshness.as_json()` (what an API answer carries too)."""
    if not freshness or not freshness.get("entities"):
        return "data freshness: not declared for the tables read"
    parts = ", ".join(f"{e['entity']}.{e['column']} {e['latest'] or 'no rows'}" for e in freshness["entities"])
    return f"data as of {freshness.get('oldest') or 'unknown'} (newest rows: {parts})"


def _instant(text: str) -> datetime:
    """Dates and timestamps compared on one axis (a date is its midnight; zones are dropped: one ledger)."""
    return datetime.fromisoformat(text).replace(tzinfo=None)


def stalest(stamps: Iterable[str | None]) -> str | None:
    """The oldest of ISO stamps (an entity with no rows has none and is skipped); None when none is known."""
    known = [s for s in stamps if s is not None]
    return min(known, key=_instant) if known else None


def freshness_of(defs: Definitions, entities: tuple[str, ...], reading: Reading) -> Freshness | None:
    """Freshness of these entities (those `entities_read` found) from a probe reading; None when there are none."""
    if not entities or reading.failed:
        return None
    parts = tuple(EntityFreshness(e, defs.entities[e].freshness_column or "", reading.latest.get(e))
                  for e in entities)
    return Freshness(stalest(p.latest for p in parts), parts)

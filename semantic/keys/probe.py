"""The key checks as SQL: one aggregate query per primary key and per join, a sample query only on failure.

Cheap on purpose, so a server can run them at every start-up and reload: a clean key costs one scan of its
table (`count(*), count(key), count(distinct key)`), a clean join one scan of both tables (a LEFT JOIN to the
target's distinct keys, so duplicate target keys cannot inflate the count). Only a failed check asks for
the number of repeated keys and a sample of offending ones, capped at SAMPLE_SIZE (a bound parameter).
Derived entities are checked through their SELECT, so a dedupe there is what gets verified; entities
generated from a history are not checked (the layer builds their rows one per key).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from semantic.definitions.project import Definitions
from semantic.definitions.rules.database import used_columns
from semantic.errors import Issue, SemanticError, first_line
from semantic.keys.findings import duplicate_keys, null_keys, orphan_keys, unchecked
from semantic.sql.tables import entity_source, qualified

SAMPLE_SIZE = 5
Target = tuple[str, "str | None"]  # (entity, None) is its primary key; (entity, join) one of its joins
Runner = Callable[[sa.Select], list[Any]]  # executes one statement, returns its rows


def checkable(defs: Definitions, entity: str) -> bool:
    ent = defs.entities.get(entity)
    return ent is not None and bool(ent.primary_key) and bool(ent.table or ent.sql)


def targets(defs: Definitions) -> tuple[Target, ...]:
    """Every key the definitions rely on: each checkable primary key, each join to a checkable target."""
    found: list[Target] = []
    for name, ent in defs.entities.items():
        if checkable(defs, name):
            found.append((name, None))
        if ent.table or ent.sql:
            found += [(name, role) for role, join in ent.joins.items() if checkable(defs, join.entity or role)]
    return tuple(found)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, str)) or value is None else str(value)


def _source_name(defs: Definitions, entity: str) -> str:
    ent = defs.entities[entity]
    return ent.table or f"({entity}'s sql)"


def check_key(defs: Definitions, entity: str, dialect: str, run: Runner) -> list[Issue]:
    ent = defs.entities[entity]
    key_name = ent.primary_key or ""
    source = entity_source(defs, entity, "checked", dialect)
    key = qualified("checked", key_name, dialect)
    totals = sa.select(sa.func.count().label("rows"), sa.func.count(key).label("keyed"),
                       sa.func.count(sa.distinct(key)).label("distinct_keys")).select_from(source)
    rows, keyed, distinct = run(totals)[0]
    where = defs.where_value("entities", entity, "primary_key")
    findings = []
    if keyed < rows:
        findings.append(null_keys(entity, key_name, _source_name(defs, entity), rows, rows - keyed, where))
    if distinct < keyed:
        per_key = sa.func.count()
        sample = (sa.select(key.label("key"), per_key.label("n"), sa.func.count().over().label("repeated"))
                  .select_from(source).where(key.is_not(None)).group_by(key).having(per_key > 1)
                  .order_by(per_key.desc(), key).limit(sa.bindparam("sample_size", SAMPLE_SIZE)))
        found = run(sample)
        columns = tuple(used_columns(defs, entity))
        findings.append(duplicate_keys(entity, key_name, _source_name(defs, entity), columns, rows,
                                       keyed - distinct, found[0][2], tuple(_plain(r[0]) for r in found), where))
    return findings


def check_join(defs: Definitions, entity: str, role: str, dialect: str, run: Runner) -> list[Issue]:
    join = defs.entities[entity].joins[role]
    target = join.entity or role
    source = entity_source(defs, entity, "checked", dialect)
    foreign_key = qualified("checked", join.foreign_key, dialect)
    target_key = qualified("target", defs.entities[target].primary_key or "", dialect)
    known = sa.select(target_key.label("k")).select_from(entity_source(defs, target, "target", dialect)) \
        .distinct().subquery("target_keys")
    joined = source.outerjoin(known, foreign_key == known.c.k)
    missing = sa.and_(foreign_key.is_not(None), known.c.k.is_(None))
    totals = sa.select(sa.func.count(foreign_key), sa.func.count(sa.case((missing, 1))),
                       sa.func.count(sa.distinct(sa.case((missing, foreign_key))))).select_from(joined)
    with_key, orphans, distinct_orphans = run(totals)[0]
    if not orphans:
        return []
    sample = sa.select(foreign_key).select_from(joined).where(missing).distinct().order_by(foreign_key) \
        .limit(sa.bindparam("sample_size", SAMPLE_SIZE))
    values = tuple(_plain(r[0]) for r in run(sample))
    return [orphan_keys(entity, role, join.foreign_key, target, with_key, orphans, distinct_orphans, values,
                        join.max_orphan_share, defs.where_value("entities", entity, "joins", role, "foreign_key"))]


def run_checks(defs: Definitions, wanted: tuple[Target, ...], dialect: str,
               run: Runner) -> dict[Target, list[Issue]]:
    """Findings per target (an empty list: checked and clean); a check that fails becomes W_KEY_UNCHECKED,
    except a cancelled one, which cancels the question that asked for it."""
    out: dict[Target, list[Issue]] = {}
    for entity, role in wanted:
        try:
            out[(entity, role)] = check_join(defs, entity, role, dialect, run) if role else \
                check_key(defs, entity, dialect, run)
        except SemanticError as exc:
            if exc.code == "E_QUERY_CANCELLED":
                raise
            where = defs.where_value("entities", entity, *(("joins", role, "foreign_key") if role else
                                                            ("primary_key",)))
            out[(entity, role)] = [unchecked(entity, role, f"[{exc.code}] {first_line(exc)}", where)]
    return out

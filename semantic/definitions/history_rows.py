"""Entities whose rows the layer derives from a history (`from_history:`): what they need and what columns
they have.

A change log answers "how long did deals sit in proposal" or "how often was the close date pushed" only
after window functions over it, which are easy to get subtly wrong by hand (equal timestamps, reopened
deals, amount-only edits). An entity declared with `from_history:` instead of `table:`/`sql:` gets its rows
generated from the history declaration (semantic/sql/history_rows.py); it is otherwise an ordinary entity:
its dimensions, measures, joins and terms are written and validated like any other. This module is the
definitions-side contract: the kinds of rows, the columns each kind has, and why a declaration cannot work.
"""
from __future__ import annotations

from typing import Mapping

from semantic.definitions import models as m

ROW_KINDS: tuple[str, ...] = m.HistoryRowKind.__args__  # type: ignore[attr-defined]
SPELL_COLUMNS = ("spell_id", "stage", "entered_at", "exited_at", "previous_stage", "next_stage", "entry_number",
                 "days_in_stage", "furthest_stage")
STATE_COLUMNS = ("last_stage_change_at", "last_activity_at", "last_touch_at")


def history_of(entities: Mapping[str, m.Entity], spec: m.FromHistory) -> tuple[m.History, m.Entity] | None:
    """The history block named by `spec` and its `of` entity, when both exist."""
    log = entities.get(spec.history)
    history = log.history if log is not None else None
    target = entities.get(history.of) if history is not None else None
    return (history, target) if history is not None and target is not None else None


def output_columns(entities: Mapping[str, m.Entity], spec: m.FromHistory) -> tuple[str, ...] | None:
    """The columns the generated rows have (None when the declaration is broken: reported by its rule)."""
    found = history_of(entities, spec)
    if found is None:
        return None
    history, target = found
    if spec.rows == "stage_spells":
        return (history.key,) + SPELL_COLUMNS
    if spec.rows == "changes":
        return (history.key, "change_id", history.changed_at, "change_number") + \
            tuple(c for f in history.fields for c in (f, f"previous_{f}"))
    pk = target.primary_key or ""
    return (pk,) + tuple(f for f in history.fields if f != pk) + STATE_COLUMNS


def source_entities(entities: Mapping[str, m.Entity], name: str) -> tuple[str, ...]:
    """The entities whose definitions shape the generated rows of `name` (none for an ordinary entity): the
    history, the entity it tracks, and the activity entity; a change to any of them moves its numbers."""
    spec = entities[name].from_history if name in entities else None
    if spec is None:
        return ()
    found = history_of(entities, spec)
    tracked = (found[0].of,) if found else ()
    activity = (spec.activity.rpartition(".")[0],) if spec.activity else ()
    return (spec.history,) + tracked + activity


def declaration_problems(entities: Mapping[str, m.Entity], stages: tuple[m.Stage, ...],
                         spec: m.FromHistory) -> list[tuple[str, str, str]]:
    """(key of `from_history` at fault, message, hint) for each reason the rows cannot be generated."""
    log = entities.get(spec.history)
    if log is None or log.history is None:
        what = f"there is no entity '{spec.history}'" if log is None else f"entity '{spec.history}' has no `history:`"
        return [("history", what, "name the entity declared as the change log (`history: {of: ...}`)")]
    history = log.history
    target = entities.get(history.of)
    if target is None or not target.primary_key:
        return []  # reported by the history rules
    out: list[tuple[str, str, str]] = []
    if target.stage_dimension is None or target.stage_dimension not in history.fields:
        out.append(("history", f"entity '{history.of}' has no `stage_dimension` tracked by the `fields` of "
                    f"'{spec.history}'", f"declare `stage_dimension:` on '{history.of}' and map it under the "
                    "history's `fields:`; stage entries are told from other changes by it"))
    if not stages:
        out.append(("history", "stage spells need the glossary's `stages:` list (their order)",
                    "add the ordered `stages:` list to glossary.yaml"))
    if spec.activity is not None and spec.rows != "current_state":
        out.append(("activity", f"`activity` applies to rows `current_state`, not `{spec.rows}`",
                    "remove `activity:`"))
    elif spec.activity is not None:
        entity_name, _, dim_name = spec.activity.rpartition(".")
        source = entities.get(entity_name)
        dim = source.dimensions.get(dim_name) if source is not None else None
        joins = [j for j_name, j in (source.joins.items() if source else ()) if (j.entity or j_name) == history.of]
        if dim is None or dim.type != "time" or "." in entity_name:
            out.append(("activity", f"'{spec.activity}' is not a time dimension (entity.dimension)",
                        "name the time dimension of the activities, e.g. `activity.occurred_at`"))
        elif len(joins) != 1:
            out.append(("activity", f"entity '{entity_name}' has {len(joins)} joins to '{history.of}'",
                        f"activities are linked to a '{history.of}' row through exactly one join"))
    return out

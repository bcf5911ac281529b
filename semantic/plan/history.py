"""Rows of an entity as they stood at an instant, rebuilt from the entity declared as its change log.

This module is the one home of the as-of rule (docs/definitions.md, "History entities"); every step that
needs past states builds on `state_at` (one instant) or `validity_intervals` (a series). For an instant,
given as the exclusive bound `before` (the state just before it; a date D is asked as D + 1 day 00:00):

- a row of the `of` entity whose `created_at` is not before the bound did not exist yet and is left out
  (a row without `created_at` always existed);
- each column in `fields` takes its value from the row's latest change before the bound; with none, the
  `before` value of its first change at or after the bound when `before` maps that column, else the current
  row's value;
- every other column is the current row's (`current_columns` names them, so the answer can say so).

Changes with equal `changed_at` are ordered by the declared `tie_break` columns (the greatest is the later);
without them by the glossary's stage order of the stage field (the further stage is the later), then by the
values of the columns the fields read, in the order `fields` first reads them (NULL lowest). Every step's
output columns are the `of` entity's stored columns, so a Read can read a step instead of the table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlglot import exp

from semantic.definitions.expressions import parse_scalar, parse_select
from semantic.definitions.models import Entity, History
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.steps import Spine, Step

VALID_FROM, VALID_TO = "history__valid_from", "history__valid_to"  # `__`: never an entity's own column name
AS_OF_PERIOD = "as_of__period"  # the spine period a series row is the state of
KEY, RANK = "history__key", "history__rank"  # a change's key, and its rank per key (1: first in the order)


@dataclass(frozen=True)
class ChangeLog:
    """An entity with a change log: the log entity's name, its `history:` block and what follows from it."""

    entity: str  # the `of` entity
    log: str  # the entity whose rows are its changes
    history: History
    columns: tuple[str, ...]  # the `of` entity's stored columns: what every state step outputs
    ordering: tuple[str, ...]  # SQL over a change ordering changes with equal changed_at (ascending: later last)


def stored_columns(entity: Entity) -> tuple[str, ...]:
    """The columns an entity's rows have according to its definition (what its expressions may read)."""
    cols = [entity.primary_key] if entity.primary_key else []
    cols += [d for d, dim in entity.dimensions.items() if dim.expr is None]
    cols += list(entity.columns) + [j.foreign_key for j in entity.joins.values()]
    if entity.sql:
        cols += list(parse_select(entity.sql)[1])
    return tuple(dict.fromkeys(cols))


def _default_ordering(defs: Definitions, target: Entity, history: History) -> tuple[str, ...]:
    """Stage order of the stage field first (when it is a plain column: stage functions take one), then each
    column the fields read, in the order they are first read: changes equal on all of them carry equal values."""
    columns: dict[str, None] = {}
    for text in history.fields.values():
        tree = parse_scalar(text).tree
        columns.update((c.name, None) for c in tree.find_all(exp.Column))
    columns.pop(history.changed_at, None)  # equal within a tie
    stage = history.fields.get(target.stage_dimension or "")
    staged = stage is not None and bool(defs.stages) and isinstance(parse_scalar(stage).tree, exp.Column)
    return ((f"stage_order({stage})",) if staged else ()) + tuple(columns)


def change_log(defs: Definitions, entity_name: str) -> ChangeLog | None:
    """The change log of `entity_name`, or None when no entity declares `history: {of: entity_name}`."""
    for name, ent in defs.entities.items():
        history = ent.history
        if history is not None and history.of == entity_name:
            target = defs.entities[entity_name]
            columns = tuple(dict.fromkeys(stored_columns(target) + (history.created_at,)))
            return ChangeLog(entity_name, name, history, columns,
                             history.tie_break or _default_ordering(defs, target, history))
    return None


def require_log(defs: Definitions, entity_name: str) -> ChangeLog:
    log = change_log(defs, entity_name)
    if log is None:
        derived = defs.entities[entity_name].from_history
        hint = f"its rows are derived from the history '{derived.history}' and already span time: ask without as " \
            "of, with a time range (hygiene follows --today)" if derived is not None else \
            f"declare an entity with `history: {{of: {entity_name}, ...}}` (docs/definitions.md, History entities), " \
            "or ask without as of"
        raise SemanticError("E_NO_HISTORY", f"entity '{entity_name}' has no change log, so it cannot be read as of "
                            "an instant", hint)
    return log


def bound_of(instant: date | datetime) -> datetime:
    """The exclusive bound of an instant: a date means the end of that day, a timestamp that very moment."""
    if isinstance(instant, datetime):
        return instant.replace(tzinfo=None) + timedelta(microseconds=1)
    return datetime.combine(instant + timedelta(days=1), time())


def current_columns(log: ChangeLog) -> tuple[str, ...]:
    """Stored columns of the `of` entity no change carries: always the current row's values."""
    entity_key = {log.history.created_at}
    return tuple(c for c in log.columns if c not in log.history.fields and c not in entity_key)


@dataclass(frozen=True)
class StateAt(Step):
    """The `of` entity's rows as they stood just before `before` (the module docstring has the rule)."""

    log: ChangeLog
    before: datetime

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.log.columns

    def describe(self) -> str:
        return (f"{self.log.entity} rows as they stood at the as-of instant, each column in the change log "
                f"{self.log.log} from its latest change before it")


def state_at(defs: Definitions, entity_name: str, instant: date | datetime, name: str) -> StateAt:
    """The step whose rows are `entity_name`'s rows at `instant` (a date: its end), under CTE name `name`."""
    return StateAt(name, require_log(defs, entity_name), bound_of(instant))


@dataclass(frozen=True)
class Changes(Step):
    """Each change of the log with the span it holds: valid_from its changed_at, valid_to the next change's
    (NULL for the last), the fields' values after it and the `before` values, and its rank per key (1 first).

    With `since`, only the changes that can hold an instant at or after it: per key, those from its last
    change time before `since` on (every change of a key with none before). The spans that end before
    `since` are left out, so a series of recent weeks does not sort a log's whole past."""

    log: ChangeLog
    since: datetime | None = None

    @property
    def outputs(self) -> tuple[str, ...]:
        return (KEY, VALID_FROM, VALID_TO, RANK) + tuple(f"after__{c}" for c in self.log.history.fields) + \
            tuple(f"before__{c}" for c in self.log.history.before)

    def describe(self) -> str:
        since = " (from the last change of each row before the first instant asked)" if self.since else ""
        return f"the changes of {self.log.entity} in {self.log.log}, each valid until the next one{since}"


@dataclass(frozen=True)
class Intervals(Step):
    """Per `of` row, each span its change-carried columns held one set of values: [valid_from, valid_to)
    (valid_from NULL: before its first change; valid_to NULL: still valid), with every stored column.
    When its input has `since`, only the spans that hold an instant at or after it."""

    input: Changes

    @property
    def log(self) -> ChangeLog:
        return self.input.log

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.log.columns + (VALID_FROM, VALID_TO)

    def describe(self) -> str:
        return f"every {self.log.entity} row once per span between its changes, with the values of that span"


def validity_intervals(defs: Definitions, entity_name: str, name: str, since: datetime | None = None) -> Intervals:
    """The step of `entity_name`'s validity intervals (a series joins instants to them); its input step, the
    ranked changes, is named `name` + `__changes`. Give `since` when no instant before it is read."""
    log = require_log(defs, entity_name)
    return Intervals(name, Changes(f"{name}__changes", log, since))


@dataclass(frozen=True)
class StateEach(Step):
    """The `of` entity's rows as they stood at the end (or start) of each period of the spine: one row per
    period and existing row, with the period in AS_OF_PERIOD. One join of the spine to the intervals."""

    input: Intervals
    spine: Spine
    each: str  # end | start
    cap: datetime  # no instant is read later than this bound (the end of today)

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input, self.spine)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.input.log.columns + (AS_OF_PERIOD,)

    def describe(self) -> str:
        return (f"{self.input.log.entity} rows as they stood at the {self.each} of each {self.spine.grain} "
                "period (not later than today)")

"""The SELECT of an entity declared `from_history:`: stage spells, changes, or the current state with its last
touch, generated from the history declaration (semantic/definitions/history_rows.py has the contract).

The SELECT is written once per definitions version in DuckDB's SQL (the definitions dialect) and then read
like any derived entity's `sql:`, so each engine gets it through the same transpiling path. Changes are
ordered exactly as the as-of steps order them (semantic/plan/history.py: `changed_at`, then the tie-break,
NULL lowest), so a spell's stage is the state the as-of rule gives for every instant inside it.

The state sequence of one tracked row (one deal): an initial state at its `created_at` when the first
change's `before` says what the stage was (or, when there is no change at all, its current stage), then one
state per change. A stage *entry* is a state whose stage differs from the one before it, or the first; a
spell runs from an entry to the next entry (open while current), so amount or close-date edits neither start
nor end one, and a reopened deal enters its stage again.
"""
from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

from semantic.definitions import models as m
from semantic.definitions.expressions import READ_DIALECT, parse_scalar
from semantic.definitions.project import Definitions
from semantic.definitions.stage_functions import STAGE_VALUES, stage_case
from semantic.plan.history import change_log


def _q(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect=READ_DIALECT)


def _text(value: str) -> str:
    """A glossary value (a stage name) as a SQL string literal, quotes escaped by sqlglot."""
    return exp.Literal.string(value).sql(dialect=READ_DIALECT)


def _source(entity: m.Entity) -> str:
    if entity.table:
        return ".".join(_q(part) for part in entity.table.split("."))
    return f"({entity.sql})"


class HistoryRows:
    """Builds the SELECT of one `from_history:` entity (its declaration was validated by the rules)."""

    def __init__(self, defs: Definitions, spec: m.FromHistory) -> None:
        self.defs, self.spec = defs, spec
        self.log_entity = defs.entities[spec.history]
        history = self.log_entity.history
        assert history is not None
        self.history = history
        self.of = defs.entities[history.of]
        self.stage = self.of.stage_dimension or ""
        log = change_log(defs, history.of)
        assert log is not None
        self.order = ", ".join([f"h.{_q(history.changed_at)} asc nulls first"] +
                               [f"{self._over(t)} asc nulls first" for t in log.ordering])

    def _over(self, text: str, alias: str = "h", entity: m.Entity | None = None) -> str:
        """A definition expression over one row of `alias` (of `entity`, the history by default): computed
        dimensions replaced by their expressions and stage functions by the glossary's, as the compiler does."""
        stages, default = self.defs.stages, self.defs.calendar.stale_after_days
        dimensions = (entity or self.log_entity).dimensions

        def qualify(tree: exp.Expression, expand: bool) -> exp.Expression:
            def visit(node: exp.Expression) -> exp.Expression:
                if isinstance(node, exp.Column) and not node.table:
                    dim = dimensions.get(node.name)
                    if expand and dim is not None and dim.expr and dim.expr.strip() != node.name:
                        return exp.Paren(this=qualify(parse_scalar(dim.expr).tree.copy(), False))  # raw columns
                    return exp.column(node.name, table=alias, quoted=True)
                if isinstance(node, exp.Anonymous) and node.name.lower() in STAGE_VALUES:
                    arg = qualify(node.expressions[0], expand) if node.expressions else exp.Null()
                    return stage_case(arg, stages, node.name.lower(), default)
                return node
            return tree.transform(visit)

        return qualify(parse_scalar(text).tree.copy(), True).sql(dialect=READ_DIALECT)

    def _before(self, column: str) -> str:
        text = self.history.before.get(column)
        return self._over(text) if text else "null"

    def sql(self) -> str:
        return {"stage_spells": self.spells, "changes": self.changes, "current_state": self.current}[self.spec.rows]()

    def _states(self) -> str:
        """The stage states of every tracked row, numbered in order (0: the initial state at creation)."""
        h, pk, created = self.history, _q(self.of.primary_key or ""), _q(self.history.created_at)
        ordered = (f"select h.{_q(h.key)} as k, h.{_q(h.changed_at)} as changed_at, "
                   f"{self._over(h.fields[self.stage])} as stage, {self._before(self.stage)} as before_stage, "
                   f"row_number() over (partition by h.{_q(h.key)} order by {self.order}) as seq "
                   f"from {_source(self.log_entity)} as h")
        return (f"select k, changed_at, stage, seq from ({ordered}) as changes union all "
                f"select o.{pk}, o.{created}, coalesce(f.before_stage, o.{_q(self.stage)}), 0 "
                f"from {_source(self.of)} as o left join ({ordered}) as f on f.k = o.{pk} and f.seq = 1 "
                f"where f.k is null or (f.before_stage is not null and o.{created} < f.changed_at)")

    def _progress_order(self, column: str) -> str:
        """The stage's position when reaching it is progress (an open or the won stage); null for a lost one."""
        whens = " ".join(f"when {_text(s.name)} then {i + 1}" for i, s in enumerate(self.defs.stages)
                         if not s.is_closed or s.is_won)
        return f"case {column} {whens} else null end"

    def spells(self) -> str:
        names = " ".join(f"when {i + 1} then {_text(s.name)}" for i, s in enumerate(self.defs.stages))
        by_key = "partition by k order by seq asc nulls first"  # spelt out: no engine needs to translate it
        entries = (f"select k, changed_at, stage, seq from (select k, changed_at, stage, seq, "
                   f"row_number() over ({by_key}) as n, lag(stage) over ({by_key}) as prior "
                   f"from ({self._states()}) as states) as s where n = 1 or stage is distinct from prior")
        spells = (f"select k, stage, changed_at as entered_at, lead(changed_at) over ({by_key}) as exited_at, "
                  f"lag(stage) over ({by_key}) as previous_stage, lead(stage) over ({by_key}) as next_stage, "
                  f"row_number() over (partition by k, stage order by seq asc nulls first) as entry_number, "
                  f"row_number() over ({by_key}) as spell_number, "
                  f"max({self._progress_order('stage')}) over ({by_key} rows between current row and unbounded "
                  f"following) as furthest from ({entries}) as e")
        spell_id = "cast(k as varchar) || ':' || cast(spell_number as varchar)"
        return (f"select k as {_q(self.history.key)}, {spell_id} as spell_id, stage, entered_at, exited_at, "
                f"previous_stage, next_stage, entry_number, "
                f"date_diff('day', cast(entered_at as date), cast(exited_at as date)) as days_in_stage, "
                f"case furthest {names} else null end as furthest_stage from ({spells}) as spells")

    def changes(self) -> str:
        h = self.history
        window = f"over (partition by h.{_q(h.key)} order by {self.order})"
        change_id = f"cast(h.{_q(h.key)} as varchar) || ':' || cast(row_number() {window} as varchar)"
        cols = [f"h.{_q(h.key)} as {_q(h.key)}", f"{change_id} as change_id",
                f"h.{_q(h.changed_at)} as {_q(h.changed_at)}", f"row_number() {window} as change_number"]
        for column, text in h.fields.items():
            value = self._over(text)
            cols += [f"{value} as {_q(column)}",
                     f"case when row_number() {window} = 1 then {self._before(column)} else lag({value}) {window} "
                     f"end as {_q('previous_' + column)}"]
        return f"select {', '.join(cols)} from {_source(self.log_entity)} as h"

    def current(self) -> str:
        """Each tracked row's current columns, its last stage entry and last linked activity up to today
        (`current_date`, which the compiler writes as the layer's today), and the later of the two."""
        pk = _q(self.of.primary_key or "")
        cols = [f"o.{pk} as {pk}"] + [f"o.{_q(c)} as {_q(c)}" for c in self.history.fields
                                      if c != self.of.primary_key]
        key = _q(self.history.key)
        joins = (f"left join (select {key} as k, max(entered_at) as latest from ({self.spells()}) as spells "
                 f"where cast(entered_at as date) <= current_date group by {key}) as s on s.k = o.{pk}")
        activity = "cast(null as timestamp)"
        if self.spec.activity:
            entity_name, _, dim_name = self.spec.activity.rpartition(".")
            source = self.defs.entities[entity_name]
            fk = next(j.foreign_key for j_name, j in source.joins.items() if (j.entity or j_name) == self.history.of)
            time = self._over(dim_name, "a", source)
            joins += (f" left join (select a.{_q(fk)} as k, max({time}) as latest from {_source(source)} as a "
                      f"where a.{_q(fk)} is not null and cast({time} as date) <= current_date group by a.{_q(fk)}) "
                      f"as a on a.k = o.{pk}")
            activity = "a.latest"
        touch = f"case when {activity} is null or {activity} < s.latest then s.latest else {activity} end"
        cols += ["s.latest as last_stage_change_at", f"{activity} as last_activity_at", f"{touch} as last_touch_at"]
        return f"select {', '.join(cols)} from {_source(self.of)} as o {joins}"


@lru_cache(maxsize=64)
def generated_sql(defs: Definitions, entity_name: str) -> str:
    """The SELECT of a `from_history:` entity, in the definitions dialect (cached per definitions version)."""
    spec = defs.entities[entity_name].from_history
    assert spec is not None
    return HistoryRows(defs, spec).sql()

"""The plan of a pipeline waterfall: each deal's state at t0 and t1 (from the as-of module's validity spans),
its flags, then the bucket totals or the deals of one bucket (docs/waterfall.md).

The states come from semantic/plan/history.py (`Intervals`): this module never rebuilds a past state
itself. Dimensions and filters read the deal's current row and its parents' (a Read, and a Join when a
parent is named), so every slice holds each deal once and its own identity holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import SemanticGraph
from semantic.plan.calendar import resolve_range
from semantic.plan.filters import resolve_filter, stage_names
from semantic.plan.history import ChangeLog, Intervals, require_log, validity_intervals
from semantic.plan.joins import aliased_joins, join_path
from semantic.plan.model import DimensionUse, FilterUse
from semantic.plan.dimensions import column_type, dimension_use
from semantic.plan.steps import PRIMARY_KEY, Filter, Join, JoinEdge, Plan, Read, ReadColumn, Step, internal_name
from semantic.result import Column
from semantic.waterfall import WaterfallQuestion, instants

KEY = "deal_key"  # the deal's primary key in every waterfall step


@dataclass(frozen=True)
class DealTerms:
    """SQL texts over the deal entity's columns: when a state is open / won, its amount, close date, stage."""

    open: str
    won: str
    amount: str
    close_date: str
    stage: str | None


@dataclass(frozen=True)
class DealStates(Step):
    """Each deal existing at t1 (current row, filters met): its state at t0 and at t1 and whether it was in the
    pipeline at some instant between; the bucket a deal enters and leaves by is decided here, once.

    All three are read from the as-of module's validity spans (`Intervals`: each deal's values over
    [valid_from, valid_to)): the state at an instant is the span holding it, exactly as `StateAt` reads the
    latest change before it, so one scan of the spans answers t0, t1 and everything between.
    """

    current: Step  # the deals' current rows: KEY and the dimension columns
    spans: Intervals
    entity: str
    t0: datetime  # exclusive bounds: the state at t0 holds the changes strictly before it
    t1: datetime
    window: tuple[date, date]  # inclusive close dates
    terms: DealTerms
    dimensions: tuple[DimensionUse, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.current, self.spans)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (KEY,) + tuple(internal_name(d.ref) for d in self.dimensions) + DEAL_COLUMNS

    def describe(self) -> str:
        return (f"each {self.entity} in the pipeline of the close-date window at the start, at the end or in "
                "between, its state at both instants read from its spans, and the buckets it enters and leaves by")


DEAL_COLUMNS = ("in_start", "in_end", "in_bucket", "out_bucket", "amount_before", "amount_after",
                "close_date_before", "close_date_after", "stage_before", "stage_after")


@dataclass(frozen=True)
class WaterfallTotals(Step):
    """Deals, signed count and signed amount per bucket (and slice): start plus the rest adds up to end."""

    input: DealStates
    dimensions: tuple[DimensionUse, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(d.ref for d in self.dimensions) + ("bucket", "order", "deals", "count", "amount")

    def describe(self) -> str:
        per = f" per {', '.join(d.ref for d in self.dimensions)}" if self.dimensions else ""
        return f"deals, count and amount of each waterfall bucket{per}"


@dataclass(frozen=True)
class BucketDeals(Step):
    """The deals of one bucket with their values before (t0) and after (t1)."""

    input: DealStates
    bucket: str
    dimensions: tuple[DimensionUse, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return ("id",) + tuple(d.ref for d in self.dimensions) + ("bucket",) + DEAL_COLUMNS[4:]

    def describe(self) -> str:
        return f"the deals of bucket {self.bucket}"


def change_log_of(defs: Definitions, history: str | None) -> ChangeLog:
    """The change log the waterfall reads: the named history entity's, or the only one declared."""
    declared = {name: e.history for name, e in defs.entities.items() if e.history is not None}
    if history is None:
        if len(declared) != 1:
            raise SemanticError("E_NO_HISTORY", "the waterfall needs a history entity" if not declared else
                                f"several history entities are declared ({', '.join(sorted(declared))})",
                                "name one with --history" if declared else
                                "declare `history:` on the entity holding the change log (docs/definitions.md)")
        history = next(iter(declared))
    if history not in declared:
        raise SemanticError("E_NO_HISTORY", f"'{history}' is not a history entity" + did_you_mean(history, declared),
                            known_names_hint("history entities", declared))
    log = require_log(defs, declared[history].of)
    if log.log != history:
        raise SemanticError("E_NO_HISTORY", f"'{declared[history].of}' has several change logs",
                            "keep one `history:` block per entity")
    return log


def _term(defs: Definitions, name: str, entity: str) -> str:
    term = defs.terms.get(name)
    if term is None or not term.filter or term.entity != entity:
        raise SemanticError("E_UNKNOWN_TERM", f"the waterfall needs the glossary term '{name}' with a filter on "
                            f"'{entity}'", f"define `{name}` in glossary.yaml (docs/waterfall.md)")
    return term.filter


def deal_terms(defs: Definitions, entity: str, amount: str, close_date: str) -> DealTerms:
    """The SQL the buckets read, from the glossary's terms and the entity's own columns (checked here)."""
    ent = defs.entities[entity]
    for option, name in (("amount", amount), ("close-date", close_date)):
        if name not in ent.dimensions and name not in ent.columns:
            known = list(ent.dimensions) + list(ent.columns)
            raise SemanticError("E_UNKNOWN_DIMENSION", f"entity '{entity}' has no column '{name}' for the "
                                f"waterfall's {option}" + did_you_mean(name, known),
                                f"pass --{option} with one of: {', '.join(known)}")
    return DealTerms(_term(defs, "open_pipeline", entity), _term(defs, "closed_won", entity), amount, close_date,
                     ent.stage_dimension)


def current_rows(defs: Definitions, graph: SemanticGraph, entity: str, dims: tuple[DimensionUse, ...],
                 filters: tuple[FilterUse, ...]) -> Step:
    """The deals' current rows with KEY and each dimension and filter column, parents joined many-to-one."""
    uses = [(d, f"dimension '{d.ref}'") for d in dims] + [(f.dimension, f"filter on '{f.dimension.ref}'")
                                                         for f in filters]
    joins, aliases = aliased_joins(graph, entity, [(u.ref, join_path(graph, entity, u, why)) for u, why in uses])
    alias_of = dict(aliases)
    pk = defs.entities[entity].primary_key or ""
    columns: dict[str, dict[str, ReadColumn]] = {entity: {KEY: ReadColumn(KEY, (pk,), key=True)},
                                                 **{j.target_alias: {} for j in joins}}
    for j in joins:
        columns[j.target_alias].setdefault(PRIMARY_KEY, ReadColumn(PRIMARY_KEY, (j.step.target_key,), key=True))
        columns[j.source_alias].setdefault(f"fk__{j.target_alias}",
                                           ReadColumn(f"fk__{j.target_alias}", (j.step.foreign_key,), key=True))
    for d in dims + tuple(f.dimension for f in filters):
        columns[alias_of[d.ref]].setdefault(internal_name(d.ref), ReadColumn(
            internal_name(d.ref), (d.dimension.expr or d.name,), False, about=d.ref, part=d.part))
    entity_of = {j.target_alias: j.step.target for j in joins}
    reads = {alias: Read(f"waterfall__{alias}" if alias != entity else "waterfall__deals",
                         entity_of.get(alias, entity), alias, tuple(cols.values()))
             for alias, cols in columns.items()}
    step: Step = reads[entity]
    if joins:
        edges = tuple(JoinEdge(j.source_alias, j.step.role, reads[j.target_alias]) for j in joins)
        step = Join("waterfall__deals_joined", reads[entity], edges)
    if filters:
        step = Filter("waterfall__deals_filtered", step, entity, None, None, None, (), filters)
    return step


def deal_states(defs: Definitions, graph: SemanticGraph, log: ChangeLog, t0: datetime, t1: datetime,
                window: tuple[date, date], terms: DealTerms, dims: tuple[DimensionUse, ...],
                filters: tuple[FilterUse, ...]) -> DealStates:
    current = current_rows(defs, graph, log.entity, dims, filters)
    spans = validity_intervals(defs, log.entity, "waterfall__spans", t0)  # no state before t0 is read
    return DealStates("waterfall__deal_states", current, spans, log.entity, t0, t1, window, terms, dims)


def build_waterfall_plan(defs: Definitions, graph: SemanticGraph, question: WaterfallQuestion, today: date) -> Plan:
    """The waterfall's steps and answer columns; refused with a coded error when it cannot be answered."""
    log = change_log_of(defs, question.history)
    window = resolve_range(question.close_range, today, defs.calendar)
    if window is None or None in window:
        raise SemanticError("E_BAD_TIME_RANGE", "the waterfall's close-date window needs a first and a last day",
                            "give --close-range (e.g. this_quarter) or both --close-from and --close-to")
    window_days = (window[0], window[1])
    at = instants(question, window_days, today)
    terms = deal_terms(defs, log.entity, question.amount, question.close_date)
    dims = tuple(dimension_use(defs, ref) for ref in dict.fromkeys(question.dimensions))
    filter_dims = [dimension_use(defs, f.dimension) for f in question.filters]
    filters = tuple(resolve_filter(d, f, stage_names(defs, d)) for d, f in zip(filter_dims, question.filters))
    states = deal_states(defs, graph, log, at.t0, at.t1, window_days, terms, dims, filters)
    now = "current value (dimensions read the deal's row as it is now)"
    cols = [Column(d.ref, column_type(d), None, d.dimension.label, now) for d in dims]
    carried = [c for c in (terms.amount, terms.close_date) if c not in log.history.fields]
    note = f"{', '.join(carried)} as of now (not in the change log {log.log})" if carried else None
    if question.deals is None:
        final: Step = WaterfallTotals("waterfall", states, dims)
        cols += [Column("bucket", "string", None, "Bucket", at.describe(window_days)),
                 Column("order", "integer", None, "Order"),
                 Column("deals", "integer", "integer", "Deals in the bucket"),
                 Column("count", "integer", "integer", "Change to the number of deals", note),
                 Column("amount", "number", "currency", "Change to the pipeline amount", note)]
    else:
        final = BucketDeals("waterfall_deals", states, question.deals, dims)
        cols = [Column("id", "string", None, "Deal")] + cols + \
            [Column("bucket", "string", None, "Bucket", at.describe(window_days))]
        cols += [Column(f"{what}_{side}", kind, fmt, f"{label} at {'t0' if side == 'before' else 't1'}", note)
                 for what, kind, fmt, label in (("amount", "number", "currency", "Amount"),
                                                ("close_date", "date", None, "Close date"))
                 for side in ("before", "after")]
        cols += [Column("stage_before", "string", None, "Stage at t0"), Column("stage_after", "string", None,
                                                                               "Stage at t1")]
    return Plan(final, tuple(cols))  # type: ignore[arg-type]  # the final step is a waterfall step

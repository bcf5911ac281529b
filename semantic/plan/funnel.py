"""A funnel question as a plan: one scan of the funnel entity counting the rows that reach each step, then one
output row per step with its count and its rates from the previous and the first step.

A row reaches step k when it meets step k's term, has step k's date on or after step k-1's day (within the
step's window, if any), and reached step k-1: the order of the dates matters, not only their presence. The
time range and filters select rows by the first step's day, like a conversion's cohort.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from semantic.definitions.models import Funnel
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import SemanticGraph
from semantic.plan.calendar import resolve_range
from semantic.plan.conversion import entity_rows
from semantic.plan.filters import resolve_filter, stage_names
from semantic.plan.joins import join_path
from semantic.plan.metric_types.conversion import Within, parse_within
from semantic.plan.model import FilterUse
from semantic.plan.dimensions import dimension_use
from semantic.plan.steps import Plan, ReadColumn, Step, internal_name
from semantic.question import FunnelQuestion
from semantic.result import Column

COLUMNS = (
    Column("step", "integer", None, "Step"),
    Column("label", "string", None, "Step"),
    Column("count", "integer", "integer", "Count"),
    Column("rate_from_previous", "number", "percent", "Rate from the previous step"),
    Column("rate_from_first", "number", "percent", "Rate from the first step"),
)


def step_time(k: int) -> str:
    return f"step_{k}_time"


def step_condition(k: int) -> str:
    return f"step_{k}__if"


@dataclass(frozen=True)
class FunnelCounts(Step):
    """How many rows reach each step, in order, on one scan: one row with a column per step."""

    input: Step  # rows with step_k_time, step_k__if (when the term has a filter) and the filters' columns
    entity: str
    within: tuple[Within | None, ...]  # per step, after the previous step's day (the first has none)
    conditioned: tuple[bool, ...]  # per step: the term has a filter
    window: tuple[date | None, date | None] | None  # the first step's days
    filters: tuple[FilterUse, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(f"step_{k + 1}" for k in range(len(self.within)))

    def describe(self) -> str:
        return f"count {self.entity} rows reaching each of {len(self.within)} steps in order"


@dataclass(frozen=True)
class FunnelSteps(Step):
    """One output row per step: its number, label, count and rates."""

    input: FunnelCounts
    labels: tuple[str, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(c.name for c in COLUMNS)

    def describe(self) -> str:
        return "one row per step with its count, the rate from the previous step and from the first"


def lookup_funnel(defs: Definitions, name: str) -> Funnel:
    funnel = defs.funnels.get(name)
    if funnel is None:
        raise SemanticError("E_UNKNOWN_FUNNEL", f"unknown funnel '{name}'" + did_you_mean(name, defs.funnels),
                            known_names_hint("funnels", defs.funnels))
    return funnel


def build_funnel_plan(defs: Definitions, graph: SemanticGraph, question: FunnelQuestion, today: date) -> Plan:
    funnel = lookup_funnel(defs, question.funnel)
    entity = defs.entities[funnel.entity]
    time_range = resolve_range(question.time_range or funnel.time_range, today, defs.calendar)
    filters, uses = [], []
    for f in funnel.filters + question.filters:
        use = dimension_use(defs, f.dimension)
        path = join_path(graph, funnel.entity, use, f"filter on '{use.ref}' of funnel '{question.funnel}'")
        filters.append(resolve_filter(use, f, stage_names(defs, use)))
        uses.append((use, internal_name(use.ref), path))
    own, conditioned = [], []
    for k, step in enumerate(funnel.steps, start=1):
        dim = entity.dimensions[step.time]
        own.append(ReadColumn(step_time(k), (dim.expr or step.time,), False, about=f"{funnel.entity}.{step.time}"))
        term = defs.terms[step.term]
        if term.filter:
            own.append(ReadColumn(step_condition(k), (term.filter,)))
        conditioned.append(bool(term.filter))
    taken: set[str] = set()
    rows = entity_rows(defs, graph, funnel.entity, f"{question.funnel}_funnel", [], uses, own, taken)
    counts = FunnelCounts(f"{question.funnel}_funnel_counts", rows, funnel.entity,
                          tuple(parse_within(s.within) for s in funnel.steps), tuple(conditioned), time_range,
                          tuple(filters))
    labels = tuple(s.label or defs.terms[s.term].label or s.term for s in funnel.steps)
    return Plan(FunnelSteps(f"{question.funnel}_funnel_steps", counts, labels), COLUMNS)  # type: ignore[arg-type]

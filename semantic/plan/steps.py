"""The plan: a question as a graph of small frozen steps; each step becomes one named CTE of the SQL.

A step says what happens to rows (read an entity, join its parents, shift in time, filter, aggregate at a
grain, lay out a date spine, combine on keys, compute metrics) and which steps feed it; nothing here
knows SQL syntax (the SQL stage has one render function per step kind). `describe()` is one line built
only from validated names (snake_case), numbers and fixed words, never from text a user typed: the SQL
stage prints it as the CTE's comment and `semantic compile --explain` prints the tree of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from semantic.plan.model import (AnswerFilter, DimensionUse, EntityMetricUse, MetricOutput, RowFilter, filter_leaves,
                                 metric_names)
from semantic.result import Column

if TYPE_CHECKING:
    from semantic.plan.conversion import Conversion
    from semantic.plan.window import Window

TIME = "event_time"  # the column a row step carries the question's time axis in


@dataclass(frozen=True)
class Step:
    name: str  # the CTE name: unique in a plan, snake_case

    @property
    def inputs(self) -> tuple[Step, ...]:
        return ()

    @property
    def outputs(self) -> tuple[str, ...]:
        """The step's columns; a row step (shift, filter) keeps its input's."""
        return self.inputs[0].outputs

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class ReadColumn:
    """One output column of a read: a definition expression over the entity, or a plain key column."""

    name: str
    texts: tuple[str, ...]  # several are ANDed (a measure's conditions)
    expand: bool = True  # expand references to computed dimensions inside the expression
    key: bool = False  # a join key: the column itself, quoted, never parsed as an expression
    about: str = ""  # the definition it serves (time or dimension reference, measure name) for describe()
    part: str | None = None  # the expression is a time: read this date part of it (day_of_week, ...)


@dataclass(frozen=True)
class Read(Step):
    """The rows of one entity under one table alias, with the columns later steps use."""

    entity: str
    alias: str
    columns: tuple[ReadColumn, ...]
    source: Step | None = None  # a step with the entity's columns read instead of its table (its state as of)

    inputs = property(lambda self: (self.source,) if self.source is not None else ())

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def describe(self) -> str:
        shown = dict.fromkeys(c.about for c in self.columns if c.about)
        alias = f" as {self.alias}" if self.alias != self.entity else ""
        alias += f" from {self.source.name}" if self.source is not None else ""
        return f"read {self.entity} rows{alias}" + (f" for {', '.join(shown)}" if shown else "")


@dataclass(frozen=True)
class JoinEdge:
    """`target` joined to the rows read as `source_alias`, many-to-one along `role`."""

    source_alias: str
    role: str
    target: Read

    @property
    def foreign_key(self) -> str:
        return f"fk__{self.target.alias}"


PRIMARY_KEY = "pk"


@dataclass(frozen=True)
class Join(Step):
    """Each row of `base` with the one row of each parent entity it points to (LEFT JOIN, many-to-one)."""

    base: Read
    edges: tuple[JoinEdge, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.base,) + tuple(e.target for e in self.edges)

    @property
    def outputs(self) -> tuple[str, ...]:
        """Every column of the base rows, and the parents' columns except their keys."""
        return self.base.outputs + tuple(c.name for e in self.edges for c in e.target.columns if not c.key)

    def describe(self) -> str:
        hops = ", ".join(f"{e.source_alias} to {e.target.alias} along {e.role}" for e in self.edges)
        return f"join {hops} (many-to-one, so no {self.base.entity} row repeats)"


@dataclass(frozen=True)
class Shift(Step):
    """Rows from an earlier window moved forward in time onto the periods they are compared with."""

    input: Step
    entity: str
    amount: int
    unit: str  # month | day
    drop_days_without_twin: bool  # at the day grain, 29 February has no day a year later

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    def describe(self) -> str:
        extra = ", leaving out days with no twin (29 February)" if self.drop_days_without_twin else ""
        return f"move {self.entity} rows {self.amount} {self.unit}s forward onto the periods they compare with{extra}"


@dataclass(frozen=True)
class Filter(Step):
    """The rows that count: inside the time window, meeting the measures' terms, and the question's filters."""

    input: Step
    entity: str
    time_dimension: str | None  # for the description
    window: tuple[date | None, date | None] | None  # inclusive days on TIME; None: no time window
    moved_back: str | None  # the window is the question's range moved back this far (a comparison)
    conditions: tuple[str, ...]  # boolean columns every row must meet
    filters: tuple[RowFilter, ...]  # question filters (trees of them), each leaf on its dimension's column
    left_out: tuple[date | None, date | None] | None = None  # inclusive days on TIME left out: today's period
    # after today (moved back with the window, when it is moved back)
    own_range: bool = False  # the window is the measures' metric's own range, not the question's

    @property
    def inputs(self) -> tuple[Step, ...]:
        """The rows, then the values of each metric computed per entity that a condition tests (joined to them)."""
        listed = {leaf.values.name: leaf.values for leaf in filter_leaves(self.filters)
                  if isinstance(leaf, EntityMetricUse)}
        return (self.input, *listed.values())

    def describe(self) -> str:
        parts = []
        if self.window is not None:
            window = "range given to its metric" if self.own_range else "time range"
            parts.append(f"{self.time_dimension} in the {window}" + (f" moved back {self.moved_back}"
                                                                     if self.moved_back else ""))
        if self.left_out is not None:
            today = "the day today moves back to" if self.moved_back else "today"
            parts.append(f"only the days of the period holding today up to {today} (like for like)")
        if self.conditions:
            parts.append("the terms and filters of the measures")
        if self.filters:
            refs = dict.fromkeys(f"{f.values.metric} per {f.values.entity}" if isinstance(f, EntityMetricUse)
                                 else f.dimension.ref for f in filter_leaves(self.filters))
            parts.append(f"the filters on {', '.join(refs)}")
        return f"keep {self.entity} rows meeting " + "; ".join(parts)


@dataclass(frozen=True)
class AggregateMeasure:
    column: str  # output column
    measure: str
    agg: str
    value: str | None  # input column aggregated; None counts rows
    condition: str | None = None  # input column: only rows where it holds count for this measure


@dataclass(frozen=True)
class Aggregate(Step):
    """Measures of one entity aggregated at the question's period and dimensions: one row per key."""

    input: Step
    entity: str
    time_dimension: DimensionUse | None  # the time axis periods are taken from
    grain: str | None
    dimensions: tuple[DimensionUse, ...]
    measures: tuple[AggregateMeasure, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def keys(self) -> tuple[str, ...]:
        return (("period",) if self.grain else ()) + tuple(internal_name(d.ref) for d in self.dimensions)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.keys + tuple(m.column for m in self.measures)

    def describe(self) -> str:
        per = [f"{self.grain} of {self.time_dimension.ref if self.time_dimension else 'the instants read'}"] \
            if self.grain else []
        per += [d.ref for d in self.dimensions]
        own = ", each measure counting the rows that meet its terms and filters" \
            if any(m.condition for m in self.measures) else ""
        return f"aggregate {', '.join(m.column for m in self.measures)} " + \
            (f"per {', '.join(per)}" if per else "in total") + own


@dataclass(frozen=True)
class Spine(Step):
    """Every period of the time range at the grain, so periods without rows are still reported."""

    grain: str
    periods: tuple[date, ...]

    @property
    def outputs(self) -> tuple[str, ...]:
        return ("period",)

    def describe(self) -> str:
        return f"the {len(self.periods)} {self.grain} periods of the time range"


@dataclass(frozen=True)
class Combine(Step):
    """Aggregates side by side on their shared keys (null-safe), every key of any of them (and the spine's)."""

    aggregates: tuple[Aggregate | Window | Conversion, ...]
    spine: Spine | None
    keys: tuple[str, ...]

    @property
    def inputs(self) -> tuple[Step, ...]:
        return self.aggregates + ((self.spine,) if self.spine else ())

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.keys + tuple(m.column for a in self.aggregates for m in a.measures)

    def describe(self) -> str:
        names = ", ".join(a.name for a in self.aggregates)
        if not self.keys:
            return f"combine the totals of {names}"
        spine = ", every period of the spine included" if self.spine else ""
        return f"combine {names} on {', '.join(k.replace('__', '.') for k in self.keys)}{spine}"


@dataclass(frozen=True)
class Compute(Step):
    """The answer: key columns renamed for clients, metric formulas over the measure columns, the rows whose
    metrics meet the question's metric conditions, order, limit."""

    input: Step
    keys: tuple[tuple[str, str], ...]  # (output name, input column)
    metrics: tuple[MetricOutput, ...]
    order_by: tuple[tuple[str, bool], ...]
    limit: int | None
    kept: tuple[AnswerFilter, ...] = ()  # conditions on metric values, decided per answer row
    top: tuple[str, int] | None = None  # then keep the rows whose rank (this output column) is at most this

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.keys) + tuple(m.name for m in self.metrics)

    def describe(self) -> str:
        order = ", ".join(f"{c} desc" if d else c for c, d in self.order_by)
        limit = f", first {self.limit} rows" if self.limit is not None else ""
        kept = f"; keep rows meeting the conditions on {', '.join(metric_names(self.kept))}" if self.kept else ""
        top = f"; keep the rows with {self.top[0]} at most {self.top[1]}" if self.top else ""
        return f"compute {', '.join(m.name for m in self.metrics)}{kept}{top}" + \
            (f"; order by {order}" if order else "") + limit


@dataclass(frozen=True)
class Plan:
    final: Compute
    columns: tuple[Column, ...]
    today: date | None = None  # the day relative ranges and `current_date` in definitions are judged on
    row_policies: tuple[Filter, ...] = ()  # per entity, the rows the caller may see, read instead of its table

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step once, inputs before the steps they feed (the CTE order), the final step last."""
        seen: dict[str, Step] = {}

        def visit(step: Step) -> None:
            for child in step.inputs:
                visit(child)
            seen.setdefault(step.name, step)

        visit(self.final)
        return tuple(seen.values())

    def explain(self) -> str:
        """The step tree, the answer first, each step's inputs indented below it."""
        lines: list[str] = []

        def visit(step: Step, depth: int) -> None:
            lines.append(f"{'  ' * depth}{step.name}: {step.describe()}")
            for child in step.inputs:
                visit(child, depth + 1)

        visit(self.final, 0)
        lines += [f"wherever {p.entity} is read: {p.describe()}" for p in self.row_policies]
        return "\n".join(lines)


def internal_name(ref: str) -> str:
    """Column name of a dimension inside the CTEs: `account.segment` -> `account__segment`."""
    return ref.replace(".", "__")


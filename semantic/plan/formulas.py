"""Metric formulas for one question: each metric's registered type builds its formula tree, and the
measures it asks for are collected here, each named once as an aggregated column.

The collected `needs` are what the planner turns into read/filter/aggregate steps; the formulas are
computed over those columns in the final step.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlglot import exp

from semantic.definitions.models import ConversionMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.plan.calendar import Bounds, comparison_shift
from semantic.plan.metric_types import type_of
from semantic.plan.metric_types.base import MeasureNeed, Shift
from semantic.plan.standings import partition

CONVERSION_COLUMNS = ("cohort", "converted", "open")  # the columns of a Conversion step, after its prefix


def conversion_key(metric: ConversionMetric) -> tuple:
    """What makes two conversion metrics count the same thing (their calculation and wording aside)."""
    return (metric.entity, metric.base, metric.conversion, metric.through, metric.within)

ADDITIVE = frozenset({"sum", "count", "count_distinct"})


def lookup_metric(defs: Definitions, name: str) -> Any:
    """The metric of that name, or E_UNKNOWN_METRIC with the closest name and the known ones."""
    metric = defs.metrics.get(name)
    if metric is None:
        raise SemanticError("E_UNKNOWN_METRIC", f"unknown metric '{name}'" + did_you_mean(name, defs.metrics),
                            known_names_hint("metrics", defs.metrics))
    return metric


@dataclass
class MetricFormulas:
    """Collects measure needs while building each metric's formula tree (see metric_types.base.Formulas)."""

    defs: Definitions
    grain: str | None = None
    bounds: Bounds | None = None
    like_for_like: bool = True  # False: the question asks for whole periods
    dimensions: tuple[str, ...] = ()  # the question's dimension references: what a share or rank may be within
    needs: dict[tuple, MeasureNeed] = field(default_factory=dict)
    columns: dict[tuple, str] = field(default_factory=dict)
    conversions: dict[tuple, tuple[str, ConversionMetric]] = field(default_factory=dict)  # (column prefix, metric)
    windows: dict[str, Bounds] = field(default_factory=dict)  # metrics asked over their own time range
    window: Bounds | None = None  # the own range of the metric being built, for every measure it needs

    def measure(self, need: MeasureNeed) -> exp.Expression:
        if self.window is not None:
            if need.reach or need.shift:
                raise SemanticError("E_METRIC_RANGE", f"'{need.owner_metric}' is a cumulative or comparison metric, "
                                    "which reads days outside its time range, so it takes the question's range",
                                    "drop its own range and give the question a range instead")
            need = replace(need, window=self.window)
        if need.key not in self.columns:
            plain = not (need.extra_terms or need.extra_filter or need.time_dimension or need.reach or need.window)
            name = need.measure if plain else f"{need.owner_metric}__{need.measure}"
            name += f"__before_{need.shift[0]}_{need.shift[1]}{'' if need.shift[2] else '_whole'}" if need.shift else ""
            taken = set(self.columns.values())
            while name in taken:
                name += "_"
            self.columns[need.key] = name
            self.needs[need.key] = need
        column = exp.column(self.columns[need.key], quoted=True)
        agg = self.defs.measures[need.measure][1].agg
        return exp.Coalesce(this=column, expressions=[exp.Literal.number(0)]) if agg in ADDITIVE else column

    def conversion(self, name: str, metric: ConversionMetric) -> tuple[exp.Expression, exp.Expression, exp.Expression]:
        """Metrics counting the same conversion (a rate and its counts) share one Conversion step."""
        if self.window is not None:
            raise SemanticError("E_METRIC_RANGE", f"conversion metric '{name}' picks cohorts by the question's range",
                                "give the question the range instead of the metric")
        key = conversion_key(metric)
        if key not in self.conversions:
            prefix = name
            while any(p == prefix for p, _ in self.conversions.values()) or prefix in self.columns.values():
                prefix += "_"
            self.conversions[key] = (prefix, metric)
        prefix = self.conversions[key][0]
        cohort, converted, still_open = (exp.column(f"{prefix}__{c}", quoted=True) for c in CONVERSION_COLUMNS)
        zero = exp.Literal.number(0)
        return (exp.Coalesce(this=cohort, expressions=[zero]), exp.Coalesce(this=converted, expressions=[zero.copy()]),
                still_open)

    def metric(self, name: str, time_dimension: str | None = None, trail: tuple[str, ...] = (),
               shift: Shift | None = None) -> exp.Expression:
        if name in trail:
            cycle = " -> ".join(trail[trail.index(name):] + (name,))
            raise SemanticError("E_METRIC_CYCLE", f"derived metrics form a cycle: {cycle}",
                                "break the cycle in metrics.yaml")
        metric = lookup_metric(self.defs, name)
        own = self.windows.get(name) if not trail else None  # a metric inside another takes its caller's range
        outer, self.window = self.window, own if own is not None else self.window
        try:
            return type_of(metric).formula(name, metric, self, time_dimension or metric.time_dimension, trail, shift)
        finally:
            self.window = outer

    def partition(self, within: tuple[str, ...], who: str) -> list[exp.Column]:
        return partition(self.grain, self.dimensions, within, who)

    def comparison_shift(self, compare_to: str, like_for_like: bool = True) -> Shift:
        return (*comparison_shift(compare_to, self.grain, self.bounds), like_for_like and self.like_for_like)


def output_type(defs: Definitions, name: str) -> str:
    metric = defs.metrics[name]
    return type_of(metric).output_type(metric, defs)

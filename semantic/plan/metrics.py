"""Metrics as formulas over aggregated measure columns.

Measures are aggregated first (per entity, at the question's grain and dimensions); metrics are computed
after, from those columns: a ratio divides two aggregates (never averages per-row ratios), a zero
denominator gives NULL, sums and counts of an empty period are 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from semantic.definitions.expressions import parse_derived
from semantic.definitions.models import DerivedMetric, PeriodOverPeriodMetric, RatioMetric, SimpleMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.plan.calendar import Bounds, comparison_shift

Shift = tuple[int, str]  # (amount, 'month' | 'day')
ADDITIVE = frozenset({"sum", "count", "count_distinct"})


def lookup_metric(defs: Definitions, name: str) -> Any:
    """The metric of that name, or E_UNKNOWN_METRIC with the closest name and the known ones."""
    metric = defs.metrics.get(name)
    if metric is None:
        raise SemanticError("E_UNKNOWN_METRIC", f"unknown metric '{name}'" + did_you_mean(name, defs.metrics),
                            known_names_hint("metrics", defs.metrics))
    return metric


@dataclass(frozen=True)
class MeasureNeed:
    """A measure a metric needs, with the metric-level filters and time dimension that apply to it."""

    measure: str
    extra_terms: tuple[str, ...] = ()
    extra_filter: str | None = None
    time_dimension: str | None = None  # entity.dimension override from the metric
    owner_metric: str = ""
    shift: Shift | None = None  # read this far back in time, reported at the current period

    @property
    def key(self) -> tuple:
        return (self.measure, self.extra_terms, self.extra_filter, self.time_dimension, self.shift)


@dataclass
class MetricFormulas:
    """Collects measure needs while building each metric's formula tree."""

    defs: Definitions
    grain: str | None = None
    bounds: Bounds | None = None
    needs: dict[tuple, MeasureNeed] = field(default_factory=dict)
    columns: dict[tuple, str] = field(default_factory=dict)

    def _column(self, need: MeasureNeed) -> exp.Expression:
        if need.key not in self.columns:
            plain = not (need.extra_terms or need.extra_filter or need.time_dimension)
            name = need.measure if plain else f"{need.owner_metric}__{need.measure}"
            name += f"__before_{need.shift[0]}_{need.shift[1]}" if need.shift else ""
            taken = set(self.columns.values())
            while name in taken:
                name += "_"
            self.columns[need.key] = name
            self.needs[need.key] = need
        column = exp.column(self.columns[need.key], quoted=True)
        agg = self.defs.measures[need.measure][1].agg
        return exp.func("COALESCE", column, exp.Literal.number(0)) if agg in ADDITIVE else column

    def formula(self, name: str, time_override: str | None = None, trail: tuple[str, ...] = (),
                shift: Shift | None = None) -> exp.Expression:
        if name in trail:
            cycle = " -> ".join(trail[trail.index(name):] + (name,))
            raise SemanticError("E_METRIC_CYCLE", f"derived metrics form a cycle: {cycle}",
                                "break the cycle in metrics.yaml")
        metric = lookup_metric(self.defs, name)
        time_dim = time_override or metric.time_dimension
        if isinstance(metric, SimpleMetric):
            return self._column(MeasureNeed(metric.measure, metric.terms, metric.filter, time_dim, name, shift))
        if isinstance(metric, RatioMetric):
            top = self._column(MeasureNeed(metric.numerator, time_dimension=time_dim, owner_metric=name, shift=shift))
            bottom = self._column(MeasureNeed(metric.denominator, time_dimension=time_dim, owner_metric=name,
                                              shift=shift))
            return safe_divide(top, bottom)
        if isinstance(metric, PeriodOverPeriodMetric):
            return self._comparison(name, metric, time_dim, trail, shift)
        assert isinstance(metric, DerivedMetric)
        tree = parse_derived(metric.expr).tree.copy()
        tree = tree.transform(lambda n: safe_divide(n.this, n.expression) if isinstance(n, exp.Div) else n)
        return tree.transform(
            lambda n: exp.Paren(this=self.formula(n.name, time_dim, trail + (name,), shift))
            if isinstance(n, exp.Column) else n
        )

    def _comparison(self, name: str, metric: PeriodOverPeriodMetric, time_dim: str | None,
                    trail: tuple[str, ...], shift: Shift | None) -> exp.Expression:
        """The base metric now and in the earlier period (its measures read from a shifted window)."""
        if shift is not None:
            raise SemanticError("E_BAD_REQUEST", f"metric '{name}' compares a comparison with an earlier period",
                                "compare the base metric instead")
        back = comparison_shift(metric.compare_to, self.grain, self.bounds)
        now = exp.Paren(this=self.formula(metric.metric, time_dim, trail + (name,)))
        before = exp.Paren(this=self.formula(metric.metric, time_dim, trail + (name,), back))
        if metric.calculation == "previous":
            return before
        change = exp.Sub(this=now, expression=before)
        return change if metric.calculation == "difference" else safe_divide(change, before)


def safe_divide(top: exp.Expression, bottom: exp.Expression) -> exp.Expression:
    """top / bottom as a floating-point division that yields NULL (not an error) when bottom is 0."""
    as_double = exp.Cast(this=exp.Paren(this=top), to=exp.DataType.build("double"))
    return exp.Div(this=as_double, expression=exp.func("NULLIF", bottom, exp.Literal.number(0)))


def metric_entities(defs: Definitions, name: str, trail: tuple[str, ...] = ()) -> set[str]:
    """Entities whose measures a metric aggregates (through derived metrics too)."""
    metric = defs.metrics.get(name)
    if metric is None or name in trail:
        return set()
    if isinstance(metric, SimpleMetric):
        names = [metric.measure]
    elif isinstance(metric, RatioMetric):
        names = [metric.numerator, metric.denominator]
    elif isinstance(metric, PeriodOverPeriodMetric):
        return metric_entities(defs, metric.metric, trail + (name,))
    else:
        out: set[str] = set()
        for ref in parse_derived(metric.expr).identifiers:
            out |= metric_entities(defs, ref, trail + (name,))
        return out
    return {defs.measures[m][0] for m in names if m in defs.measures}


def output_type(defs: Definitions, name: str) -> str:
    metric = defs.metrics[name]
    if isinstance(metric, SimpleMetric) and defs.measures[metric.measure][1].agg in ("count", "count_distinct"):
        return "integer"
    return "number"

"""`type: simple`: one measure, optionally narrowed by glossary terms and a filter of the metric's own."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.models import SimpleMetric
from semantic.definitions.project import Definitions
from semantic.plan.metric_types.base import Formulas, MeasureNeed, Shift

DEFINITION = SimpleMetric


def formula(name: str, metric: SimpleMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    return ctx.measure(MeasureNeed(metric.measure, metric.terms, metric.filter, time_dimension, name, shift))


def output_type(metric: SimpleMetric, defs: Definitions) -> str:
    """Counts are integers; every other aggregate is a number."""
    measure = defs.measures.get(metric.measure)
    return "integer" if measure is not None and measure[1].agg in ("count", "count_distinct") else "number"

"""`type: ratio`: one aggregate divided by another (never an average of per-row ratios); 0 below gives NULL."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.models import RatioMetric
from semantic.definitions.project import Definitions
from semantic.plan.metric_types.base import Formulas, MeasureNeed, Shift, safe_divide

DEFINITION = RatioMetric


def formula(name: str, metric: RatioMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    top = ctx.measure(MeasureNeed(metric.numerator, time_dimension=time_dimension, owner_metric=name, shift=shift))
    bottom = ctx.measure(MeasureNeed(metric.denominator, time_dimension=time_dimension, owner_metric=name,
                                     shift=shift))
    return safe_divide(top, bottom)


def output_type(metric: RatioMetric, defs: Definitions) -> str:
    return "number"

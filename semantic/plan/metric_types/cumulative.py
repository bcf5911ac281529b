"""`type: cumulative`: a running total of one sum or count measure, read on the last day of each period shown.

The measure is totalled per day first (over the days the first period's reach goes back to, which may lie
before the time range), then a Window step sums, for each period, the days from its reach's start to its
last day (or the range's last day, if earlier): a trailing `window`, a `grain_to_date` reset, or all time.
A time range limits the periods shown, never the days a window reads. Compared with an earlier period, the
earlier days' totals are moved forward by the shift first (29 February 2024 onto 28 February 2025) and
summed the same way; like for like, the period holding today is read on today on both sides.
"""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.durations import parse_duration
from semantic.definitions.models import CumulativeMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, MeasureNeed, Shift
from semantic.plan.window import Reach

DEFINITION = CumulativeMetric


def parse_reach(metric: CumulativeMetric) -> Reach:
    """The metric's reach; validation (semantic/definitions/rules/metrics.py) reports a bad one first."""
    if metric.window is None:
        return Reach(grain_to_date=metric.grain_to_date)
    if metric.grain_to_date is not None:
        raise SemanticError("E_INVALID_VALUE", f"cumulative metric has both window '{metric.window}' and "
                            "grain_to_date", "keep one of `window` and `grain_to_date`")
    return Reach(*parse_duration(metric.window))


def formula(name: str, metric: CumulativeMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    return ctx.measure(MeasureNeed(metric.measure, metric.terms, metric.filter, time_dimension, name, shift,
                                   parse_reach(metric)))


def output_type(metric: CumulativeMetric, defs: Definitions) -> str:
    measure = defs.measures.get(metric.measure)
    return "integer" if measure is not None and measure[1].agg == "count" else "number"

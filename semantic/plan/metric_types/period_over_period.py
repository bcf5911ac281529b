"""`type: period_over_period`: a metric now against itself in an earlier period (growth, difference or the
earlier value). The earlier value reads the same measures from a shifted window: the planner gives those
needs their own Shift step, so last year's rows land on this year's periods and join on the same keys."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.models import PeriodOverPeriodMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, Shift, safe_divide

DEFINITION = PeriodOverPeriodMetric


def formula(name: str, metric: PeriodOverPeriodMetric, ctx: Formulas, time_dimension: str | None,
            trail: tuple[str, ...], shift: Shift | None) -> exp.Expression:
    if shift is not None:
        raise SemanticError("E_BAD_REQUEST", f"metric '{name}' compares a comparison with an earlier period",
                            "compare the base metric instead")
    back = ctx.comparison_shift(metric.compare_to, metric.like_for_like)
    now = exp.Paren(this=ctx.metric(metric.metric, time_dimension, trail + (name,)))
    before = exp.Paren(this=ctx.metric(metric.metric, time_dimension, trail + (name,), back))
    if metric.calculation == "previous":
        return before
    change = exp.Sub(this=now, expression=before)
    return change if metric.calculation == "difference" else safe_divide(change, before)


def output_type(metric: PeriodOverPeriodMetric, defs: Definitions) -> str:
    return "number"

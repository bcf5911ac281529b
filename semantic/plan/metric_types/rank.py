"""`type: rank`: a metric's rank among the answer's rows of its group, highest first (semantic/plan/
standings.py: ties, nulls and the group)."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.models import RankMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, Shift
from semantic.plan.standings import rank_formula

DEFINITION = RankMetric


def formula(name: str, metric: RankMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    if shift is not None:
        raise SemanticError("E_BAD_REQUEST", f"metric '{name}' is a rank among the answer's rows, which has no "
                            "value in an earlier period", f"compare '{metric.metric}' instead")
    value = exp.Paren(this=ctx.metric(metric.metric, time_dimension, trail + (name,)))
    return rank_formula(value, ctx.partition(metric.within, f"the rank '{name}'"))


def output_type(metric: RankMetric, defs: Definitions) -> str:
    return "integer"

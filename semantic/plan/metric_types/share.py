"""`type: share`: a sum or count metric as a fraction of its group's total in the answer (semantic/plan/
standings.py says what the group is and why only sums and counts are shared)."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.models import ShareMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, Shift
from semantic.plan.standings import share_formula

DEFINITION = ShareMetric


def formula(name: str, metric: ShareMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    if shift is not None:
        raise SemanticError("E_BAD_REQUEST", f"metric '{name}' is a share of the answer's rows, which has no value "
                            "in an earlier period", f"compare '{metric.metric}' instead")
    value = exp.Paren(this=ctx.metric(metric.metric, time_dimension, trail + (name,)))
    return share_formula(value, ctx.partition(metric.within, f"the share '{name}'"))


def output_type(metric: ShareMetric, defs: Definitions) -> str:
    return "number"

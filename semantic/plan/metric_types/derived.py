"""`type: derived`: arithmetic over other metrics, each computed first; every division is NULL-safe."""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.expressions import parse_derived
from semantic.definitions.models import DerivedMetric
from semantic.definitions.project import Definitions
from semantic.plan.metric_types.base import Formulas, Shift, safe_divide

DEFINITION = DerivedMetric


def formula(name: str, metric: DerivedMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    tree = parse_derived(metric.expr).tree.copy()
    tree = tree.transform(lambda n: safe_divide(n.this, n.expression) if isinstance(n, exp.Div) else n)
    return tree.transform(
        lambda n: exp.Paren(this=ctx.metric(n.name, time_dimension, trail + (name,), shift))
        if isinstance(n, exp.Column) else n
    )


def output_type(metric: DerivedMetric, defs: Definitions) -> str:
    return "number"

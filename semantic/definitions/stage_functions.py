"""The glossary's stage functions as CASE expressions over the ordered stage list (one home for both the
compiler, which expands them in definition expressions, and the rows the layer generates from a history).

`stage_probability(stage)` and friends are written once in glossary.yaml; every place that needs a stage's
probability, order or hygiene threshold builds the same CASE from the same list, so they cannot disagree.
"""
from __future__ import annotations

from typing import Callable

from sqlglot import exp

from semantic.definitions.models import Stage

StageValue = Callable[[int, Stage, int], exp.Expression]  # (position, stage, default stale days) -> value

STAGE_VALUES: dict[str, StageValue] = {
    "stage_probability": lambda i, s, d: exp.Literal.number(s.probability),
    "stage_forecast_category": lambda i, s, d: exp.Literal.string(s.forecast_category),
    "stage_order": lambda i, s, d: exp.Literal.number(i + 1),
    "stage_is_closed": lambda i, s, d: exp.Boolean(this=s.is_closed),
    "stage_is_won": lambda i, s, d: exp.Boolean(this=s.is_won),
    "stage_stale_after_days": lambda i, s, d: exp.Null() if s.is_closed
    else exp.Literal.number(s.stale_after_days or d),
}


def stage_case(arg: exp.Expression, stages: tuple[Stage, ...], function: str, stale_default: int) -> exp.Expression:
    """`CASE arg WHEN 'prospecting' THEN ... END` giving `function`'s value for each stage (NULL otherwise)."""
    value = STAGE_VALUES[function]
    ifs = [exp.If(this=exp.Literal.string(s.name), true=value(i, s, stale_default)) for i, s in enumerate(stages)]
    return exp.Case(this=arg, ifs=ifs, default=exp.Null())

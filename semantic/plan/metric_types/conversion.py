"""`type: conversion`: of the instances of an entity whose base event falls in a period (the cohort), how many
had the conversion event on or after that day, within an optional window.

The two events are glossary terms with dates (lead created -> became MQL, lead -> an opportunity on its
account); the metric asks the planner for one Conversion step (semantic/plan/conversion.py) and reads its
cohort, converted and open-cohort columns. An instance counts at most once: a lead converting twice is one
conversion. Cohorts whose window is still open can be left out (null) instead of showing a rate that can
only grow.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from semantic.definitions.durations import parse_duration
from semantic.definitions.models import ConversionMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, Shift, safe_divide

DEFINITION = ConversionMetric


@dataclass(frozen=True)
class Within:
    """The conversion window: the conversion's day is at most this far after the base event's day."""

    count: int
    unit: str  # day | week | month

    def describe(self) -> str:
        return f"within {self.count} {self.unit}s"


def parse_within(text: str | None) -> Within | None:
    """A conversion's or funnel step's window; validation reports a bad one first, at its position."""
    if text is None:
        return None
    return Within(*parse_duration(text))


def formula(name: str, metric: ConversionMetric, ctx: Formulas, time_dimension: str | None, trail: tuple[str, ...],
            shift: Shift | None) -> exp.Expression:
    if shift is not None:
        raise SemanticError("E_BAD_REQUEST", f"metric '{name}' is a conversion and cannot be compared with an "
                            "earlier period yet", "show the conversion metric by period instead")
    cohort, converted, still_open = ctx.conversion(name, metric)
    value = {"conversion_rate": safe_divide(converted, cohort), "conversions": converted,
             "cohort": cohort}[metric.calculation]
    if not metric.exclude_open_cohorts:
        return value
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=still_open, expression=exp.Literal.number(1)),
                                true=exp.Null())], default=value)


def output_type(metric: ConversionMetric, defs: Definitions) -> str:
    return "number" if metric.calculation == "conversion_rate" else "integer"

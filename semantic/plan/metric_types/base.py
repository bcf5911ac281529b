"""What every metric type shares: the measure need it asks the planner for, and NULL-safe division.

Measures are aggregated first (per entity, at the question's grain and dimensions); metrics are computed
after, from those columns: a ratio divides two aggregates (never averages per-row ratios), a zero
denominator gives NULL, sums and counts of an empty period are 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlglot import exp

from semantic.definitions.models import ConversionMetric
from semantic.plan.window import Reach

Shift = tuple[int, str, bool]  # (amount, 'month' | 'day', like for like: today's period compares the same days)


@dataclass(frozen=True)
class MeasureNeed:
    """A measure a metric needs, with the metric-level filters and time dimension that apply to it."""

    measure: str
    extra_terms: tuple[str, ...] = ()
    extra_filter: str | None = None
    time_dimension: str | None = None  # entity.dimension override from the metric
    owner_metric: str = ""
    shift: Shift | None = None  # read this far back in time, reported at the current period
    reach: Reach | None = None  # a cumulative total over this reach (semantic/plan/metric_types/cumulative.py)
    window: tuple | None = None  # inclusive days of the metric's own time range, instead of the question's

    @property
    def key(self) -> tuple:
        return (self.measure, self.extra_terms, self.extra_filter, self.time_dimension, self.shift, self.reach,
                self.window)


class Formulas(Protocol):
    """What a metric type may ask of the planner while it builds its formula (semantic/plan/formulas.py)."""

    grain: str | None

    def measure(self, need: MeasureNeed) -> exp.Expression:
        """The aggregated measure's column (0 for an empty period of an additive measure)."""

    def metric(self, name: str, time_dimension: str | None, trail: tuple[str, ...],
               shift: Shift | None = None) -> exp.Expression:
        """Another metric's formula, read along the same time axis and shift."""

    def conversion(self, name: str, metric: ConversionMetric) -> tuple[exp.Expression, exp.Expression, exp.Expression]:
        """A conversion metric's cohort and converted counts (0 for an empty period) and its open-cohort flag
        (1 when the period's window has not closed by today)."""

    def partition(self, within: tuple[str, ...], who: str) -> list[exp.Column]:
        """The columns a share's total or a rank restarts on: the period and the `within` dimensions, which the
        question must slice by."""

    def comparison_shift(self, compare_to: str, like_for_like: bool = True) -> Shift:
        """How far back `compare_to` reaches at the question's grain and time range, and whether the period
        holding today is compared with the same days of the earlier one (unless the question asks for whole
        periods)."""


def safe_divide(top: exp.Expression, bottom: exp.Expression) -> exp.Expression:
    """top / bottom as a floating-point division that yields NULL (not an error) when bottom is 0."""
    as_double = exp.Cast(this=exp.Paren(this=top), to=exp.DataType.build(exp.DataType.Type.DOUBLE))
    return exp.Div(this=as_double, expression=exp.Nullif(this=bottom, expression=exp.Literal.number(0)))

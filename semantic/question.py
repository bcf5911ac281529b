"""A metric question: which metrics, sliced by what, at which grain, over which time range, filtered how.

The same shape serves the CLI, the GraphQL API and saved queries. `parse_where` (semantic/where.py) turns a
CLI filter string such as `account.segment in ('Enterprise', 'Mid-Market') or opportunity.amount > 1000`
into a filter tree (semantic/filter_tree.py), so values are always carried as data (bound
parameters), never pasted into SQL.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from semantic.definitions.models import (Compare, DimensionRef, Filter, Grain, Model, Name, OrderBy, SavedQuery,
                                        TimeRange)
from semantic.errors import SemanticError
from semantic.filter_tree import FilterNode, check_filter_tree, only_dimension_filters
from semantic.where import MAX_WHERE_DEPTH, MAX_WHERE_LENGTH, parse_where

MAX_METRICS = 50
MAX_DIMENSIONS = 20
MAX_FILTERS = 50
MAX_ORDER_BY = 1 + MAX_DIMENSIONS + MAX_METRICS  # every output column at most once: period, dimensions, metrics
MAX_LIMIT = 1_000_000_000
MAX_TOP = 10_000
__all__ = ["MAX_WHERE_DEPTH", "MAX_WHERE_LENGTH", "parse_where"]  # the parser's old home


AsOfEach = Literal["end", "start"]


class MetricRange(Model):
    """One metric's own time range in a question; the other metrics keep the question's (docs/queries.md)."""

    metric: Name
    time_range: TimeRange


class Question(Model):
    metrics: tuple[Name, ...] = Field(min_length=1, max_length=MAX_METRICS)
    dimensions: tuple[DimensionRef, ...] = Field((), max_length=MAX_DIMENSIONS)
    grain: Grain | None = None
    time_dimension: DimensionRef | None = None
    time_range: TimeRange | None = None
    filters: tuple[FilterNode, ...] = Field((), max_length=MAX_FILTERS, description="ANDed; each a dimension "
                                            "filter, a metric-value filter, or an and/or/not group of them.")
    order_by: tuple[OrderBy, ...] = Field((), max_length=MAX_ORDER_BY)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT)
    metric_ranges: tuple[MetricRange, ...] = Field(
        (), max_length=MAX_METRICS, description="Metrics counted over their own time range (no grain).")
    compare: Compare | None = Field(
        None, description="Add <metric>__previous and <metric>__change_pct columns for every metric.")
    like_for_like: bool = Field(True, description="False compares the period holding today with the whole "
                                                  "earlier period, in every comparison of the question.")
    as_of: date | datetime | None = Field(
        None, description="Answer from the rows as they stood at this instant, rebuilt from their change log: a "
                          "date means the end of that day, a timestamp that moment (UTC when it has no zone).")
    as_of_each: AsOfEach | None = Field(
        None, description="A series: each period of the grain over the time range answered from the rows as they "
                          "stood at its end (or start: the end of the day before it).")
    share_of: tuple[DimensionRef, ...] | None = Field(
        None, max_length=MAX_DIMENSIONS,
        description="Add <metric>_share (value / its group's total) for every metric: the total is taken within "
                    "these dimensions of the question ([] = the whole answer), and within each period.")
    rank_by: Name | None = Field(None, description="Add <metric>_rank for this metric of the question: rank() "
                                                   "highest first, ties share a rank.")
    rank_within: tuple[DimensionRef, ...] = Field(
        (), max_length=MAX_DIMENSIONS, description="Dimensions the rank restarts within (and each period).")
    top: int | None = Field(None, ge=1, le=MAX_TOP, description="Keep the rows ranked this or better by "
                                                                "rank_by (ties can keep more rows).")

    @field_validator("filters", mode="before")
    @classmethod
    def _bounded_tree(cls, value: Any) -> Any:
        return check_filter_tree(value)

    @classmethod
    def from_saved(cls, saved: SavedQuery, **overrides: Any) -> "Question":
        data = saved.model_dump(exclude={"label", "description", "funnel"}, by_alias=True)
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(data)


class FunnelQuestion(Model):
    """Run a defined funnel: its steps' counts and rates for the first step's days in the time range."""

    funnel: Name
    time_range: TimeRange | None = None  # None: the funnel's own default range, if any
    filters: tuple[Filter, ...] = Field((), max_length=MAX_FILTERS)  # added to the funnel's own

    @field_validator("filters", mode="before")
    @classmethod
    def _dimension_leaves(cls, value: Any) -> Any:
        return only_dimension_filters(value, "a funnel")

    @classmethod
    def from_saved(cls, saved: SavedQuery, **overrides: Any) -> "FunnelQuestion":
        data = {"funnel": saved.funnel, "filters": saved.model_dump(by_alias=True)["filters"],
                "time_range": saved.model_dump(by_alias=True)["time_range"]}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(data)


def metric_range_from_text(text: str) -> dict[str, Any]:
    """`activities=last_14_days` or `bookings=2025-01-01..2025-03-31` (CLI `--metric-range`, HTTP
    `metric_range`) as MetricRange data."""
    metric, sep, spec = (part.strip() for part in text.partition("="))
    if not sep or not metric or not spec:
        raise SemanticError("E_METRIC_RANGE", f"cannot read metric range '{text[:200]}'",
                            "write METRIC=RANGE: activities=last_14_days or bookings=2025-01-01..2025-03-31")
    start, dots, end = spec.partition("..")
    time_range = {"from": start.strip() or None, "to": end.strip() or None} if dots else {"relative": spec}
    return {"metric": metric, "time_range": time_range}

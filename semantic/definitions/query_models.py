"""Questions as definitions hold them: saved queries (the shape of an API query), their filters and time
ranges, and funnels."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from semantic.definitions.model_types import Compare, Described, DimensionRef, FilterOp, Grain, Model, Name
from semantic.errors import SemanticError


MAX_VALUE_DEPTH = 4  # a value is a scalar and `values` a list of them: deeper nesting is never meaningful
MAX_VALUE_ITEMS = 10_000  # elements in one filter's value(s), checked before anything walks them recursively


def check_value_shape(value: Any, what: str) -> Any:
    """Refuse a filter value nested deeper than MAX_VALUE_DEPTH or holding more than MAX_VALUE_ITEMS elements.

    Runs before pydantic, hashing or JSON serialization recurse into the value (pydantic's serializer gives
    up at 255 levels); an iterative walk that stops at the first excess, so any input costs at most the limit.
    """
    stack, seen = [(value, 0)], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, tuple, dict, set, frozenset)):
            if depth >= MAX_VALUE_DEPTH:
                raise SemanticError("E_VALUE_TOO_DEEP", f"filter {what} is nested more than {MAX_VALUE_DEPTH} "
                                    "levels deep", "a filter value is a single string, number, boolean or date; "
                                    "`values` is a flat list of them")
            items = node.values() if isinstance(node, dict) else node
            seen += len(items)
            if seen > MAX_VALUE_ITEMS:
                raise SemanticError("E_VALUE_TOO_DEEP", f"filter {what} holds more than {MAX_VALUE_ITEMS} elements",
                                    "filter on a coarser dimension, or split the question")
            stack.extend((item, depth + 1) for item in items)
    return value


class Filter(Model):
    dimension: DimensionRef
    op: FilterOp = "eq"
    value: Any = None
    values: tuple[Any, ...] | None = None

    @field_validator("value", "values", mode="before")
    @classmethod
    def _bounded(cls, value: Any, info: Any) -> Any:
        """Raises SemanticError (not a pydantic error): the coded refusal reaches the caller as it is."""
        return check_value_shape(value, f"`{info.field_name}`")


class TimeRange(Model):
    start: str | None = Field(None, alias="from", description="ISO date (inclusive) or a relative "
                                                              "expression such as 'this_quarter'.")
    end: str | None = Field(None, alias="to", description="ISO date (inclusive).")
    relative: str | None = Field(None, description="today, this_month, last_quarter, this_fiscal_year, "
                                                   "last_90_days ...")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_as_iso(cls, value: Any) -> Any:
        """YAML reads an unquoted `2025-01-01` as a date; keep it as the ISO text it was written as."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        return value


class OrderBy(Model):
    column: str
    descending: bool = False


class SavedQuery(Described):
    metrics: tuple[Name, ...] = Field((), description="Metrics to show (or name a `funnel` instead).")
    funnel: Name | None = Field(None, description="A funnel of the `funnels` section to run instead of metrics "
                                                  "(with this query's time range and filters).")
    dimensions: tuple[DimensionRef, ...] = ()
    grain: Grain | None = None
    time_dimension: DimensionRef | None = None
    time_range: TimeRange | None = None
    filters: tuple[Filter, ...] = ()
    order_by: tuple[OrderBy, ...] = ()
    limit: int | None = Field(None, ge=1)
    as_of: date | datetime | None = Field(None, description="Answer from the rows as they stood at this instant "
                                                            "(a date: the end of that day).")
    as_of_each: Literal["end", "start"] | None = Field(None, description="A series: each period answered as the "
                                                                         "rows stood at its end (or start).")
    compare: Compare | None = Field(
        None, description="Add <metric>__previous and <metric>__change_pct columns for every metric: the value "
                          "in the period before, or in the same period a year before.")
    like_for_like: bool = Field(True, description="False compares the period holding today with the whole "
                                                  "earlier period (whole periods), in every comparison.")
    share_of: tuple[DimensionRef, ...] | None = Field(
        None, description="Add <metric>_share for every metric: its value over the total of the rows with the same "
                          "values of these dimensions (and period); [] for the total of the whole answer.")
    rank_by: Name | None = Field(None, description="Add <metric>_rank for this metric of the query: 1 for the "
                                                   "highest value, ties share a rank (1, 1, 3).")
    rank_within: tuple[DimensionRef, ...] = Field((), description="Dimensions the rank restarts within (and each "
                                                                  "period).")
    top: int | None = Field(None, ge=1, description="Keep the rows ranked this or better by rank_by.")


class FunnelStep(Model):
    term: Name = Field(description="Glossary term (on the funnel's entity) a row must meet to reach the step.")
    time: Name = Field(description="Time dimension of the funnel's entity holding the day the step was reached.")
    label: str | None = Field(None, description="Shown for the step; defaults to the term's label.")
    within: str | None = Field(None, description="At most this long after the previous step's day (edges "
                                                 "included): `30 days`, `6 weeks`, `3 months`.")


class Funnel(Described):
    """Ordered steps one row of an entity passes (lead -> MQL -> SQL), counted on one scan."""

    entity: Name = Field(description="Entity whose rows go through the steps (each row counts once per step).")
    steps: tuple[FunnelStep, ...] = Field(min_length=2, max_length=20, description="In order; a row counts at a "
                                          "step only if it passed every earlier step, on the same day or later.")
    time_range: TimeRange | None = Field(None, description="Default range of the first step's day (a question's "
                                                           "own range replaces it).")
    filters: tuple[Filter, ...] = Field((), description="Always applied (on dimensions of the entity or entities "
                                                        "it reaches).")

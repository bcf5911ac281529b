"""Query arguments: the GraphQL side of `semantic.question.Question`.

Grains and filter operators are enums so GraphiQL completes them and a typo is refused before anything
runs; their values are the same lowercase words the YAML and the CLI use.
"""
from __future__ import annotations

import enum
import typing
from typing import Any

import strawberry
from strawberry.scalars import JSON

from semantic.definitions.models import FilterOp as FilterOpLiteral
from semantic.definitions.models import Grain as GrainLiteral
from semantic.errors import SemanticError
from semantic.filter_tree import MAX_FILTER_DEPTH
from semantic.question import AsOfEach as AsOfEachLiteral
from semantic.question import Compare as CompareLiteral

Grain = strawberry.enum(enum.Enum("Grain", {g: g for g in typing.get_args(GrainLiteral)}),
                        description="Time bucket of the `period` column (fiscal_* follow the calendar's "
                                    "fiscal_year_start_month).")
Compare = strawberry.enum(enum.Enum("Compare", {c: c for c in typing.get_args(CompareLiteral)}),
                          description="The earlier period each metric is set beside (<metric>__previous, "
                                      "<metric>__change_pct).")
AsOfEach = strawberry.enum(enum.Enum("AsOfEach", {c: c for c in typing.get_args(AsOfEachLiteral)}),
                           description="A series read from the change log: each period as its rows stood at "
                                       "its end, or at its start (the end of the day before).")
FilterOp = strawberry.enum(enum.Enum("FilterOp", {o: o for o in typing.get_args(FilterOpLiteral)}),
                           description="eq, neq, gt, gte, lt, lte take `value`; in, not_in and between take "
                                       "`values`; is_null and not_null take neither; contains takes a text "
                                       "`value`.")


@strawberry.input(description="ISO dates (inclusive), or a relative range such as this_quarter, "
                              "last_fiscal_year, last_90_days.")
class TimeRangeInput:
    start: str | None = strawberry.field(default=None, name="from")
    end: str | None = strawberry.field(default=None, name="to")
    relative: str | None = None

    def to_domain(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "relative": self.relative}


@strawberry.input(description="A condition: on a dimension (`dimension`, `op`, `value(s)`), on a metric's value "
                              "at the question's period and dimensions (`metric` instead of `dimension`), or a group: "
                              "exactly one of `and`, `or` (lists of conditions) or `not`. The query's list is ANDed.")
class FilterInput:
    dimension: str | None = None
    metric: str | None = strawberry.field(default=None, description="A metric's value, tested on each answer row "
                                          "after aggregation (other columns keep their numbers).")
    by: str | None = strawberry.field(default=None, description="With `metric`: the entity it is computed per; "
                                      "the question's rows are kept when the entity row they reach meets it.")
    time_range: TimeRangeInput | None = strawberry.field(default=None, description="With `metric` and `by`: the "
                                                         "range the metric counts over (default: all time).")
    op: FilterOp = strawberry.field(default=FilterOp.eq)  # type: ignore[attr-defined]
    value: JSON | None = None
    values: list[JSON] | None = None
    all_of: list[FilterInput] | None = strawberry.field(default=None, name="and")
    any_of: list[FilterInput] | None = strawberry.field(default=None, name="or")
    negated: FilterInput | None = strawberry.field(default=None, name="not")

    def to_domain(self, depth: int = 1) -> dict[str, Any]:
        """The tree as `Question` validates it; nesting is bounded here, before anything else recurses."""
        if depth > MAX_FILTER_DEPTH:
            raise SemanticError("E_EXPRESSION_TOO_DEEP", f"filter groups nest more than {MAX_FILTER_DEPTH} levels",
                                f"a filter may nest at most {MAX_FILTER_DEPTH} levels of and/or/not")
        groups = {"and": self.all_of, "or": self.any_of, "not": self.negated}
        if any(v is not None for v in groups.values()):
            return {k: [p.to_domain(depth + 1) for p in v] if isinstance(v, list) else v.to_domain(depth + 1)
                    for k, v in groups.items() if v is not None} | self._leaf_fields()
        subject: dict[str, Any] = {"dimension": self.dimension} if self.metric is None else {"metric": self.metric}
        if self.metric is not None and self.dimension is not None:
            subject["dimension"] = self.dimension  # both given: validation refuses it with the field named
        if self.by is not None:
            subject["by"] = self.by
        if self.time_range is not None:
            subject["time_range"] = self.time_range.to_domain()
        return {**subject, "op": self.op.value, "value": self.value,
                "values": tuple(self.values) if self.values is not None else None}

    def _leaf_fields(self) -> dict[str, Any]:
        """Leaf fields given on a group, so validation refuses the mix instead of dropping them."""
        given = {"dimension": self.dimension, "metric": self.metric, "by": self.by, "value": self.value,
                 "values": self.values}
        return {k: v for k, v in given.items() if v is not None}


@strawberry.input(description="One metric counted over its own time range (no grain; the others keep the "
                              "query's range).")
class MetricRangeInput:
    metric: str
    time_range: TimeRangeInput

    def to_domain(self) -> dict[str, Any]:
        return {"metric": self.metric, "time_range": self.time_range.to_domain()}


@strawberry.input(description="Sort by an output column, as named in `rows`; several are applied in order, NULLs "
                              "last. Without orderBy: period, then the dimensions as asked.")
class OrderByInput:
    column: str = strawberry.field(description="`period`, a dimension (`account.segment`), a metric, or a column "
                                               "an option adds (`bookings__change_pct`, `bookings_share`, "
                                               "`bookings_rank`).")
    descending: bool = strawberry.field(default=False, description="Highest first.")

    def to_domain(self) -> dict[str, Any]:
        return {"column": self.column, "descending": self.descending}

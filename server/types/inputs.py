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


@strawberry.input(description="A condition on a dimension (`entity.dimension`); filters are ANDed.")
class FilterInput:
    dimension: str
    op: FilterOp = strawberry.field(default=FilterOp.eq)  # type: ignore[attr-defined]
    value: JSON | None = None
    values: list[JSON] | None = None

    def to_domain(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "op": self.op.value, "value": self.value,
                "values": tuple(self.values) if self.values is not None else None}


@strawberry.input(description="Sort by an output column, as named in `rows`; several are applied in order, NULLs "
                              "last. Without orderBy: period, then the dimensions as asked.")
class OrderByInput:
    column: str = strawberry.field(description="`period`, a dimension (`account.segment`), a metric, or a column "
                                               "an option adds (`bookings__change_pct`, `bookings_share`, "
                                               "`bookings_rank`).")
    descending: bool = strawberry.field(default=False, description="Highest first.")

    def to_domain(self) -> dict[str, Any]:
        return {"column": self.column, "descending": self.descending}

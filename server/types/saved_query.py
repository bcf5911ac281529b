"""Saved questions from metrics.yaml, shown with everything needed to re-run or adapt them."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from semantic.definitions.models import SavedQuery as SavedQueryModel
from server.types.result import to_json


@strawberry.type(description="A time range: ISO dates (inclusive) or a relative expression.")
class TimeRange:
    start: str | None = strawberry.field(name="from")
    end: str | None = strawberry.field(name="to")
    relative: str | None


@strawberry.type(description="A condition on a dimension.")
class Filter:
    dimension: str
    op: str
    value: JSON | None
    values: list[JSON] | None


@strawberry.type
class OrderBy:
    column: str
    descending: bool


@strawberry.type(description="A named, reviewed question; run it with `savedQuery(name: ...)`.")
class SavedQuery:
    name: str
    label: str | None
    description: str | None
    metrics: list[str]
    funnel: str | None = strawberry.field(description="The funnel it runs instead of metrics (rows are its steps).")
    dimensions: list[str]
    grain: str | None
    time_dimension: str | None
    time_range: TimeRange | None
    filters: list[Filter]
    order_by: list[OrderBy]
    limit: int | None
    compare: str | None = strawberry.field(description="previous_period or same_period_last_year: every metric "
                                                       "is shown beside its earlier value and the change.")
    like_for_like: bool = strawberry.field(description="False: the period holding today is compared with the "
                                                       "whole earlier period.")
    share_of: list[str] | None = strawberry.field(description="Dimensions each <metric>_share's total is taken "
                                                              "within (and each period); [] the whole answer.")
    rank_by: str | None = strawberry.field(description="The metric <metric>_rank ranks, highest first.")
    rank_within: list[str] = strawberry.field(description="Dimensions the rank restarts within.")
    top: int | None = strawberry.field(description="Only the rows ranked this or better.")

    @classmethod
    def from_domain(cls, name: str, saved: SavedQueryModel) -> "SavedQuery":
        tr = saved.time_range
        return cls(
            name=name, label=saved.label, description=saved.description, metrics=list(saved.metrics),
            funnel=saved.funnel,
            dimensions=list(saved.dimensions), grain=saved.grain, time_dimension=saved.time_dimension,
            time_range=TimeRange(start=tr.start, end=tr.end, relative=tr.relative) if tr else None,
            filters=[Filter(dimension=f.dimension, op=f.op, value=to_json(f.value),
                            values=[to_json(v) for v in f.values] if f.values is not None else None)
                     for f in saved.filters],
            order_by=[OrderBy(column=o.column, descending=o.descending) for o in saved.order_by],
            limit=saved.limit, compare=saved.compare, like_for_like=saved.like_for_like,
            share_of=list(saved.share_of) if saved.share_of is not None else None, rank_by=saved.rank_by,
            rank_within=list(saved.rank_within), top=saved.top,
        )

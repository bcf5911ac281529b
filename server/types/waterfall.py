"""The pipeline waterfall as typed GraphQL rows: one per bucket (and slice), or one per deal of a bucket."""
from __future__ import annotations

import enum

import strawberry
from strawberry.scalars import JSON

from semantic.result import Result
from semantic.waterfall import BUCKETS
from server.types.result import Column, to_json

BucketName = strawberry.enum(enum.Enum("WaterfallBucketName", {b.name: b.name for b in BUCKETS}),
                             description="A waterfall bucket; " + "; ".join(f"{b.name}: {b.meaning}" for b in BUCKETS))

NOT_DIMENSIONS = {"bucket", "order", "deals", "count", "amount", "id", "amount_before", "amount_after",
                  "close_date_before", "close_date_after", "stage_before", "stage_after"}


@strawberry.type(description="One bucket of the waterfall: `count` and `amount` are signed so that every "
                             "bucket but `end` adds up to `end` (docs/waterfall.md).")
class WaterfallBucket:
    bucket: str = strawberry.field(description="start, created, reopened, pulled_in, pushed_in, increased, "
                                               "decreased, won, lost, pushed_out, pulled_out or end.")
    order: int = strawberry.field(description="Position of the bucket, 1 (start) to 12 (end).")
    deals: int = strawberry.field(description="How many deals are in the bucket.")
    count: int = strawberry.field(description="Change to the number of deals in the pipeline (start and end: "
                                              "that number).")
    amount: float = strawberry.field(description="Change to the pipeline amount (start and end: the amount).")
    dimensions: JSON = strawberry.field(description="The slice's dimension values keyed by entity.dimension "
                                                    "(the deals' current values).")


@strawberry.type(description="A deal of one bucket with its values at t0 (before) and t1 (after).")
class WaterfallDeal:
    id: str
    bucket: str
    amount_before: float | None
    amount_after: float | None
    close_date_before: str | None
    close_date_after: str | None
    stage_before: str | None
    stage_after: str | None
    dimensions: JSON = strawberry.field(description="Dimension values keyed by entity.dimension (current).")


@strawberry.type(description="The pipeline waterfall between two instants for a close-date window.")
class WaterfallResult:
    buckets: list[WaterfallBucket] = strawberry.field(description="The totals (empty when deals were asked).")
    deals: list[WaterfallDeal] = strawberry.field(description="The deals of the asked bucket (else empty).")
    columns: list[Column]
    sql: str = strawberry.field(description="The one SQL statement that was run (values as bound parameters).")
    version: str = strawberry.field(description="Stamp of the definitions version that produced it.")
    truncated: bool
    data_version: str | None = strawberry.field(default=None, description="Stamp of the data that answered, "
                                                "when known (docs/operations.md).")
    freshness: JSON | None = strawberry.field(default=None, description=(
        "How fresh the deals and their change log are: `oldest` and `entities` as on a query's answer."))

    @classmethod
    def from_domain(cls, result: Result) -> "WaterfallResult":
        names = [c.name for c in result.columns if c.name not in NOT_DIMENSIONS]
        buckets, deals = [], []
        for row in result.rows:
            dims = {n: to_json(row[n]) for n in names}
            if "id" in row:
                deals.append(WaterfallDeal(
                    id=str(row["id"]), bucket=row["bucket"], amount_before=to_json(row["amount_before"]),
                    amount_after=to_json(row["amount_after"]), close_date_before=to_json(row["close_date_before"]),
                    close_date_after=to_json(row["close_date_after"]), stage_before=row["stage_before"],
                    stage_after=row["stage_after"], dimensions=dims))
            else:
                buckets.append(WaterfallBucket(bucket=row["bucket"], order=int(row["order"]), deals=int(row["deals"]),
                                               count=int(row["count"]), amount=float(row["amount"]),
                                               dimensions=dims))
        columns = [Column(name=c.name, type=c.type, format=c.format, label=c.label, note=c.note)
                   for c in result.columns]
        return cls(buckets=buckets, deals=deals, columns=columns, sql=result.sql, version=result.version,
                   truncated=result.truncated, data_version=result.data_version,
                   freshness=result.freshness.as_json() if result.freshness else None)

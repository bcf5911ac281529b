"""A query's answer: typed columns, JSON rows keyed by column name, the SQL and the definitions version."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from semantic.result import Result


def to_json(value: Any) -> Any:
    """A database value as JSON: Decimal -> float, dates -> ISO strings, NaN/inf -> null."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return str(value)


@strawberry.type(description="One output column; `name` is the stable key of every row.")
class Column:
    name: str = strawberry.field(description="`period`, a dimension `entity.dimension`, or a metric name.")
    type: str = strawberry.field(description="date, string, number, integer or boolean.")
    format: str | None = strawberry.field(description="Metrics only: currency, percent, number, integer, "
                                                      "days.")
    label: str | None
    note: str | None = strawberry.field(default=None, description="How a comparison was made: like for like "
                                        "(the period holding today against the same days of the earlier "
                                        "period) or whole periods.")


@strawberry.type(description="Something the numbers rest on is doubtful; the answer is given regardless.")
class AnswerWarning:
    code: str = strawberry.field(description="W_KEY_NOT_UNIQUE, W_KEY_NULL, W_JOIN_ORPHANS, W_KEY_UNCHECKED or "
                                             "W_KEYS_UNVERIFIED (docs/api.md).")
    message: str
    hint: str


@strawberry.type(description="The answer to a metric question.")
class QueryResult:
    columns: list[Column]
    rows: list[JSON] = strawberry.field(description="One JSON object per row, keyed by column name.")
    version: str = strawberry.field(description="Stamp of the definitions version that produced it.")
    truncated: bool = strawberry.field(description="True when more rows existed than max_rows allows.")
    data_version: str | None = strawberry.field(description="Stamp of the data that answered (changes when "
                                                            "the ledger file is replaced or the entities' data "
                                                            "probes see a write), when known.")
    warnings: list[AnswerWarning] = strawberry.field(description="Doubtful keys the numbers rest on (a primary key "
                                                                 "that repeats multiplies them); empty when none.")
    freshness: JSON | None = strawberry.field(default=None, description=(
        "How fresh the data read is: `oldest` (the stalest newest row of the entities read, ISO) and `entities` "
        "(each entity's `freshness` column and its newest value); null when no entity read declares one."))
    answer: strawberry.Private[Result | None] = None

    @strawberry.field(description="The SQL that was run, in the database's own placeholders ($1, :1, @param_1 or "
                                  "?): paste it with `params` bound.")
    def sql(self) -> str:
        return self.answer.sql  # rendered only when asked for: it costs as much as compiling a small question

    @strawberry.field(description="The bound values of the SQL, keyed by placeholder.")
    def params(self) -> JSON:
        return to_json(dict(self.answer.params))

    @classmethod
    def from_domain(cls, result: Result) -> "QueryResult":
        return cls(
            columns=[Column(name=c.name, type=c.type, format=c.format, label=c.label, note=c.note)
                     for c in result.columns],
            rows=[{k: to_json(v) for k, v in row.items()} for row in result.rows],
            version=result.version,
            truncated=result.truncated, data_version=_stamp(getattr(result, "data_version", None)),
            warnings=[AnswerWarning(code=w.code, message=w.message, hint=w.hint) for w in result.warnings],
            freshness=result.freshness.as_json() if getattr(result, "freshness", None) else None, answer=result,
        )


def _stamp(value: Any) -> str | None:
    return None if value is None else str(value)

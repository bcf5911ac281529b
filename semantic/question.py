"""A metric question: which metrics, sliced by what, at which grain, over which time range, filtered how.

The same shape serves the CLI, the GraphQL API and saved queries. `parse_where` turns a CLI filter string
such as `account.segment in ('Enterprise', 'Mid-Market')` into structured filters with sqlglot, so values
are always carried as data (bound parameters), never pasted into SQL.
"""
from __future__ import annotations

from typing import Any

import sqlglot
from pydantic import Field
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from semantic.definitions.models import DimensionRef, Filter, Grain, Model, Name, OrderBy, SavedQuery, TimeRange
from semantic.errors import SemanticError

MAX_METRICS = 50
MAX_DIMENSIONS = 20
MAX_FILTERS = 50
MAX_ORDER_BY = 1 + MAX_DIMENSIONS + MAX_METRICS  # every output column at most once: period, dimensions, metrics
MAX_LIMIT = 1_000_000_000


class Question(Model):
    metrics: tuple[Name, ...] = Field(min_length=1, max_length=MAX_METRICS)
    dimensions: tuple[DimensionRef, ...] = Field((), max_length=MAX_DIMENSIONS)
    grain: Grain | None = None
    time_dimension: DimensionRef | None = None
    time_range: TimeRange | None = None
    filters: tuple[Filter, ...] = Field((), max_length=MAX_FILTERS)
    order_by: tuple[OrderBy, ...] = Field((), max_length=MAX_ORDER_BY)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT)

    @classmethod
    def from_saved(cls, saved: SavedQuery, **overrides: Any) -> "Question":
        data = saved.model_dump(exclude={"label", "description"}, by_alias=True)
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(data)


_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "eq", exp.NEQ: "neq", exp.GT: "gt", exp.GTE: "gte", exp.LT: "lt", exp.LTE: "lte",
}


def _literal(node: exp.Expression) -> Any:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return -_literal(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return int(text) if text.lstrip("-").isdigit() else float(text)
    if isinstance(node, exp.Boolean):
        return node.this
    if isinstance(node, exp.Null):
        return None
    raise SemanticError("E_BAD_FILTER", f"'{node.sql()}' is not a literal value",
                        "compare a dimension with a quoted string, a number, true/false or a date 'YYYY-MM-DD'")


def _dimension(node: exp.Expression) -> str:
    if isinstance(node, exp.Column) and node.table:  # entity.dimension, or a named way: a.b.entity.dimension
        return ".".join(part.name for part in node.parts)
    raise SemanticError("E_BAD_FILTER", f"'{node.sql()}' is not a dimension reference",
                        "write the dimension as entity.dimension, e.g. account.segment")


def _one(node: exp.Expression) -> list[Filter]:
    if isinstance(node, exp.And):
        return _one(node.left) + _one(node.right)
    if isinstance(node, exp.Paren):
        return _one(node.this)
    if type(node) in _COMPARISONS:
        return [Filter(dimension=_dimension(node.left), op=_COMPARISONS[type(node)], value=_literal(node.right))]
    if isinstance(node, exp.In):
        return [Filter(dimension=_dimension(node.this), op="in",
                       values=tuple(_literal(v) for v in node.expressions))]
    if isinstance(node, exp.Not) and isinstance(node.this, exp.In):
        inner = node.this
        return [Filter(dimension=_dimension(inner.this), op="not_in",
                       values=tuple(_literal(v) for v in inner.expressions))]
    if isinstance(node, exp.Is):
        return [Filter(dimension=_dimension(node.this), op="is_null")]
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Is):
        return [Filter(dimension=_dimension(node.this.this), op="not_null")]
    if isinstance(node, exp.Between):
        return [Filter(dimension=_dimension(node.this), op="between",
                       values=(_literal(node.args["low"]), _literal(node.args["high"])))]
    if isinstance(node, (exp.Like, exp.ILike)):
        pattern = _literal(node.expression)
        if isinstance(pattern, str) and pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 1:
            return [Filter(dimension=_dimension(node.this), op="contains", value=pattern[1:-1])]
    raise SemanticError(
        "E_BAD_FILTER", f"unsupported filter '{node.sql()}'",
        "use =, <>, <, <=, >, >=, in (...), not in (...), between .. and .., is null, is not null, "
        "like '%text%', combined with and",
    )


def parse_where(text: str) -> list[Filter]:
    """Structured filters from a CLI `--where` string."""
    try:
        trees = [t for t in sqlglot.parse(text, read="duckdb") if t is not None]
    except (ParseError, TokenError):
        trees = []
    if len(trees) != 1:
        raise SemanticError("E_BAD_FILTER", f"cannot parse filter '{text}'",
                            "example: --where \"account.segment = 'Enterprise' and opportunity.amount > 1000\"")
    return _one(trees[0])

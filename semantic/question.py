"""A metric question: which metrics, sliced by what, at which grain, over which time range, filtered how.

The same shape serves the CLI, the GraphQL API and saved queries. `parse_where` turns a CLI filter string
such as `account.segment in ('Enterprise', 'Mid-Market')` into structured filters with sqlglot, so values
are always carried as data (bound parameters), never pasted into SQL.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import sqlglot
from pydantic import Field
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from semantic.definitions.models import (Compare, DimensionRef, Filter, Grain, Model, Name, OrderBy, SavedQuery,
                                        TimeRange)
from semantic.definitions.sql_limits import MAX_EXPRESSION_DEPTH, TooDeep, check_sql_size
from semantic.errors import SemanticError

MAX_METRICS = 50
MAX_DIMENSIONS = 20
MAX_FILTERS = 50
MAX_ORDER_BY = 1 + MAX_DIMENSIONS + MAX_METRICS  # every output column at most once: period, dimensions, metrics
MAX_LIMIT = 1_000_000_000
MAX_TOP = 10_000
MAX_WHERE_DEPTH = MAX_EXPRESSION_DEPTH
MAX_WHERE_LENGTH = 20_000  # characters: room for an `in` list of a thousand values


AsOfEach = Literal["end", "start"]


class Question(Model):
    metrics: tuple[Name, ...] = Field(min_length=1, max_length=MAX_METRICS)
    dimensions: tuple[DimensionRef, ...] = Field((), max_length=MAX_DIMENSIONS)
    grain: Grain | None = None
    time_dimension: DimensionRef | None = None
    time_range: TimeRange | None = None
    filters: tuple[Filter, ...] = Field((), max_length=MAX_FILTERS)
    order_by: tuple[OrderBy, ...] = Field((), max_length=MAX_ORDER_BY)
    limit: int | None = Field(None, ge=1, le=MAX_LIMIT)
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

    @classmethod
    def from_saved(cls, saved: SavedQuery, **overrides: Any) -> "FunnelQuestion":
        data = {"funnel": saved.funnel, "filters": saved.model_dump(by_alias=True)["filters"],
                "time_range": saved.model_dump(by_alias=True)["time_range"]}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(data)


_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "eq", exp.NEQ: "neq", exp.GT: "gt", exp.GTE: "gte", exp.LT: "lt", exp.LTE: "lte",
}


def _shown(node: exp.Expression, limit: int = 200) -> str:
    """A part of the filter as SQL for a message, cut short: the message must not echo a huge input back."""
    text = node.sql()
    return text if len(text) <= limit else text[:limit] + "..."


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
    raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' is not a literal value",
                        "compare a dimension with a quoted string, a number, true/false or a date 'YYYY-MM-DD'")


def _dimension(node: exp.Expression) -> str:
    if isinstance(node, exp.Column) and node.table:  # entity.dimension, or a named way: a.b.entity.dimension
        return ".".join(part.name for part in node.parts)
    raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' is not a dimension reference",
                        "write the dimension as entity.dimension, e.g. account.segment")


def _conjuncts(tree: exp.Expression) -> list[exp.Expression]:
    """The parts of `a and b and (c and d)`, in order, without recursion (a chain of ands is a deep tree)."""
    parts, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.And):
            stack += [node.right, node.left]
        elif isinstance(node, exp.Paren):
            stack.append(node.this)
        else:
            parts.append(node)
        if len(parts) > MAX_FILTERS:
            raise SemanticError("E_BAD_FILTER", f"more than {MAX_FILTERS} filters combined with `and`",
                                f"a question takes at most {MAX_FILTERS} filters")
    return parts


def _one(node: exp.Expression) -> list[Filter]:
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
        "E_BAD_FILTER", f"unsupported filter '{_shown(node)}'",
        "use =, <>, <, <=, >, >=, in (...), not in (...), between .. and .., is null, is not null, "
        "like '%text%', combined with and",
    )


def parse_where(text: str) -> list[Filter]:
    """Structured filters from a CLI `--where` string.

    Its nesting and length are bounded by a token scan before sqlglot parses it recursively, so a hostile
    string gets E_EXPRESSION_TOO_DEEP instead of a RecursionError."""
    try:
        check_sql_size(text, MAX_WHERE_DEPTH, MAX_WHERE_LENGTH)
        trees = [t for t in sqlglot.parse(text, read="duckdb") if t is not None]
    except TooDeep as exc:
        raise SemanticError("E_EXPRESSION_TOO_DEEP", f"filter: {exc}",
                            f"a filter may nest at most {MAX_WHERE_DEPTH} levels (brackets, not) and be at most "
                            f"{MAX_WHERE_LENGTH:,} characters; write flat conditions joined by `and`") from None
    except RecursionError:  # last line of defence: the scan is meant to make this unreachable
        raise SemanticError("E_EXPRESSION_TOO_DEEP", "filter nests too deeply to parse",
                            f"a filter may nest at most {MAX_WHERE_DEPTH} levels") from None
    except (ParseError, TokenError):
        trees = []
    if len(trees) != 1:
        shown = text if len(text) <= 200 else text[:200] + "..."
        raise SemanticError("E_BAD_FILTER", f"cannot parse filter '{shown}'",
                            "example: --where \"account.segment = 'Enterprise' and opportunity.amount > 1000\"")
    return [flt for part in _conjuncts(trees[0]) for flt in _one(part)]

"""`--where` text (CLI and plain HTTP) parsed with sqlglot into a filter tree, never kept as SQL text.

Grammar: leaves joined by `and`, `or`, `not` and parentheses. A leaf compares one side with literals:
- `entity.dimension op literal` (a dimension, as before);
- `metric op number` (a bare name is a metric: its value at the question's period and dimensions);
- `metric(name, by=entity[, range=relative_range]) op number` (the metric per row of an entity).
The text's nesting and length are bounded by a token scan before sqlglot parses it recursively, so the
conversion below recurses at most MAX_WHERE_DEPTH levels.
"""
from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from semantic.definitions.query_models import Filter
from semantic.definitions.sql_limits import MAX_EXPRESSION_DEPTH, TooDeep, check_sql_size
from semantic.errors import SemanticError
from semantic.filter_tree import MAX_FILTER_LEAVES, FilterGroup, FilterNode, MetricFilter

MAX_WHERE_DEPTH = MAX_EXPRESSION_DEPTH
MAX_WHERE_LENGTH = 20_000  # characters: room for an `in` list of a thousand values
LEAF_FORMS = ("use =, <>, <, <=, >, >=, in (...), not in (...), between .. and .., is null, is not null, "
              "like '%text%', combined with and, or, not and parentheses")
METRIC_CALL = "metric(activities, by=opportunity, range=last_14_days) = 0"

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
                        "compare with a quoted string, a number, true/false or a date 'YYYY-MM-DD'")


def _name(node: exp.Expression, what: str) -> str:
    if isinstance(node, exp.Column) and not node.table:
        return node.name
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' is not {what}", f"example: {METRIC_CALL}")


def _metric_call(node: exp.Anonymous) -> dict[str, Any]:
    """`metric(name, by=entity, range=last_14_days)`: keyword arguments written `k=v` or `k => v`."""
    args = list(node.expressions)
    if node.name.lower() != "metric" or not args:
        raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' is not a dimension, a metric or metric(...)",
                            f"write entity.dimension, a metric name, or {METRIC_CALL}")
    out: dict[str, Any] = {"metric": _name(args[0], "a metric name")}
    for arg in args[1:]:
        if not isinstance(arg, (exp.EQ, exp.Kwarg)):
            raise SemanticError("E_BAD_FILTER", f"'{_shown(arg)}' in metric(...) is not `by=` or `range=`",
                                f"example: {METRIC_CALL}")
        key, value = arg.this.name.lower(), arg.expression
        if key == "by":
            out["by"] = _name(value, "an entity name")
        elif key == "range":
            out["time_range"] = {"relative": _name(value, "a relative range such as last_14_days")}
        else:
            raise SemanticError("E_BAD_FILTER", f"metric(...) takes `by=` and `range=`, not `{key}=`",
                                f"example: {METRIC_CALL}")
    if "by" not in out:
        raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' names no entity to compute the metric per",
                            f"add by=ENTITY ({METRIC_CALL}), or compare the bare metric name (bookings > 100000)")
    return out


def _subject(node: exp.Expression) -> dict[str, Any]:
    """What a leaf compares: {'dimension': ...} or {'metric': ..., 'by'?: ..., 'time_range'?: ...}."""
    if isinstance(node, exp.Column) and node.table:  # entity.dimension, or a named way: a.b.entity.dimension
        return {"dimension": ".".join(part.name for part in node.parts)}
    if isinstance(node, exp.Column):
        return {"metric": node.name}
    if isinstance(node, exp.Anonymous):
        return _metric_call(node)
    raise SemanticError("E_BAD_FILTER", f"'{_shown(node)}' is not a dimension reference or a metric",
                        "write the dimension as entity.dimension (account.segment) or a metric by name (bookings)")


def _leaf(subject: exp.Expression, op: str, **values: Any) -> Filter | MetricFilter:
    data = {**_subject(subject), "op": op, **values}
    return MetricFilter.model_validate(data) if "metric" in data else Filter.model_validate(data)


def _node(node: exp.Expression) -> FilterNode:
    if isinstance(node, exp.Paren):
        return _node(node.this)
    if isinstance(node, (exp.And, exp.Or)):
        kind = "and" if isinstance(node, exp.And) else "or"
        parts: list[FilterNode] = []
        for side in (node.left, node.right):  # flatten a chain of one kind: `a or b or c` is one group
            child = _node(side)
            same = isinstance(child, FilterGroup) and child.kind == kind and not isinstance(side, exp.Paren)
            parts += list(child.parts) if same else [child]
        return FilterGroup.model_validate({kind: parts})
    if type(node) in _COMPARISONS:
        return _leaf(node.left, _COMPARISONS[type(node)], value=_literal(node.right))
    if isinstance(node, exp.In):
        return _leaf(node.this, "in", values=tuple(_literal(v) for v in node.expressions))
    if isinstance(node, exp.Not) and isinstance(node.this, exp.In):
        return _leaf(node.this.this, "not_in", values=tuple(_literal(v) for v in node.this.expressions))
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return _leaf(node.this, "is_null")
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Is) and isinstance(node.this.expression, exp.Null):
        return _leaf(node.this.this, "not_null")
    if isinstance(node, exp.Not):
        return FilterGroup.model_validate({"not": _node(node.this)})
    if isinstance(node, exp.Between):
        return _leaf(node.this, "between", values=(_literal(node.args["low"]), _literal(node.args["high"])))
    if isinstance(node, (exp.Like, exp.ILike)):
        pattern = _literal(node.expression)
        if isinstance(pattern, str) and pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 1:
            return _leaf(node.this, "contains", value=pattern[1:-1])
    raise SemanticError("E_BAD_FILTER", f"unsupported filter '{_shown(node)}'", LEAF_FORMS)


def _count_leaves(tree: exp.Expression) -> None:
    """Refuse more than MAX_FILTER_LEAVES comparisons before building anything (a long `and` chain is cheap
    to type and would otherwise be validated node by node)."""
    count = sum(1 for _ in tree.find_all(exp.Predicate))
    if count > MAX_FILTER_LEAVES:
        raise SemanticError("E_BAD_FILTER", f"more than {MAX_FILTER_LEAVES} filter conditions",
                            f"a question takes at most {MAX_FILTER_LEAVES} conditions")


def parse_where(text: str) -> list[FilterNode]:
    """The filter tree of a `--where` string, as the list of its top-level `and` parts."""
    try:
        check_sql_size(text, MAX_WHERE_DEPTH, MAX_WHERE_LENGTH)
        trees = [t for t in sqlglot.parse(text, read="duckdb") if t is not None]
    except TooDeep as exc:
        raise SemanticError("E_EXPRESSION_TOO_DEEP", f"filter: {exc}",
                            f"a filter may nest at most {MAX_WHERE_DEPTH} levels (brackets, not) and be at most "
                            f"{MAX_WHERE_LENGTH:,} characters; write flatter conditions") from None
    except RecursionError:  # last line of defence: the scan is meant to make this unreachable
        raise SemanticError("E_EXPRESSION_TOO_DEEP", "filter nests too deeply to parse",
                            f"a filter may nest at most {MAX_WHERE_DEPTH} levels") from None
    except (ParseError, TokenError):
        trees = []
    if len(trees) != 1:
        shown = text if len(text) <= 200 else text[:200] + "..."
        raise SemanticError("E_BAD_FILTER", f"cannot parse filter '{shown}'",
                            "example: --where \"account.segment = 'Enterprise' or opportunity.amount > 1000\"")
    _count_leaves(trees[0])
    root = _node(trees[0])
    return list(root.parts) if isinstance(root, FilterGroup) and root.kind == "and" else [root]


"""Whether a question's metric conditions drop every row that has nothing to aggregate.

The date spine adds, for every period, the dimension values no aggregate has a row for, with their metrics
of nothing (0 for a sum or count, NULL for a ratio). When the conditions are known to reject those values
(`bookings > 100000` rejects 0), every added row would be dropped again, so the planner leaves the spine
out and the answer is the same rows without the extra work. The formula is evaluated here over NULL
measure columns with SQL's rules for the few node kinds metric types build; anything else is "unknown" and
the spine stays.
"""
from __future__ import annotations

from typing import Any

from sqlglot import exp

from semantic.plan.model import AnswerFilter, MetricCondition

UNKNOWN = object()  # a node this evaluator does not model


def _value(node: exp.Expression) -> Any:
    """The formula's value when every measure column is NULL: a number, None (NULL) or UNKNOWN."""
    if isinstance(node, exp.Column) or isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal) and not node.is_string:
        return float(node.this)
    if isinstance(node, (exp.Paren, exp.Cast)):
        return _value(node.this)
    if isinstance(node, exp.Coalesce):
        for part in [node.this, *node.expressions]:
            value = _value(part)
            if value is not None:
                return value
        return None
    if isinstance(node, exp.Nullif):
        left, right = _value(node.this), _value(node.expression)
        return UNKNOWN if UNKNOWN in (left, right) else None if left is not None and left == right else left
    if isinstance(node, exp.Neg):
        inner = _value(node.this)
        return inner if inner is None or inner is UNKNOWN else -inner
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        left, right = _value(node.left), _value(node.right)
        if UNKNOWN in (left, right):
            return UNKNOWN
        if left is None or right is None:
            return None
        if isinstance(node, exp.Div):
            return UNKNOWN if right == 0 else left / right  # division by zero: the database's business
        return left + right if isinstance(node, exp.Add) else left - right if isinstance(node, exp.Sub) \
            else left * right
    return UNKNOWN


def _test(condition: MetricCondition) -> Any:
    """True, False, None (NULL) or UNKNOWN, with the SQL of semantic/sql/filters.py for number columns."""
    value, op, values = _value(condition.formula), condition.test.op, condition.test.values
    if value is UNKNOWN:
        return UNKNOWN
    if op in ("is_null", "not_null"):
        return (value is None) == (op == "is_null")
    if value is None:
        return True if op in ("neq", "not_in") else None  # "not X" keeps a missing value
    compare = {"eq": value == values[0], "neq": value != values[0], "gt": value > values[0],
               "gte": value >= values[0], "lt": value < values[0], "lte": value <= values[0],
               "in": value in values, "not_in": value not in values,
               "between": len(values) == 2 and values[0] <= value <= values[1]}
    return compare.get(op, UNKNOWN)


def _holds(node: AnswerFilter) -> Any:
    if isinstance(node, MetricCondition):
        return _test(node)
    parts = [_holds(part) for part in node.parts]
    if UNKNOWN in parts:
        return UNKNOWN
    if node.kind == "not":
        return parts[0] is not True
    if node.kind == "and":
        return False if False in parts else None if None in parts else True
    return True if True in parts else None if None in parts else False


def drops_empty_rows(kept: tuple[AnswerFilter, ...]) -> bool:
    """True when some condition is known not to hold for a row with nothing aggregated."""
    return any(_holds(node) in (False, None) for node in kept)

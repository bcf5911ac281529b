"""The resolved pieces of a question the steps carry: dimensions, joins, filters and metric outputs.

Nothing here knows SQL syntax; semantic/plan/steps.py arranges these into the step graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from semantic.definitions.models import Dimension
from semantic.graph import JoinStep

if TYPE_CHECKING:
    from semantic.plan.entity_metric import EntityValues


@dataclass(frozen=True)
class DimensionUse:
    ref: str  # [via.]entity.dimension as written, also the output column name
    entity: str
    name: str
    dimension: Dimension
    via: tuple[str, ...] = ()  # entities the join path must pass through, in order
    part: str | None = None  # a date part of the time dimension (semantic/definitions/date_parts.py)


@dataclass(frozen=True)
class AliasedJoin:
    """One LEFT JOIN of a group: `target_alias` (a row of step.target) joined to `source_alias`."""

    source_alias: str
    target_alias: str
    step: JoinStep


@dataclass(frozen=True)
class FilterUse:
    dimension: DimensionUse
    op: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class MetricOutput:
    name: str
    label: str | None
    format: str
    type: str  # integer | number
    formula: exp.Expression  # over the measure columns of the joined groups


@dataclass(frozen=True)
class EntityMetricUse:
    """Row filter: the metric computed per row of an entity (`values`), for the entity row this row reaches
    many-to-one like a dimension, meets `test` (semantic/plan/entity_metric.py)."""

    dimension: DimensionUse  # the entity's key, read from each measure row like a dimension
    values: EntityValues
    test: FilterUse  # op and typed values (its dimension stands for the metric's number)


@dataclass(frozen=True)
class FilterGroupUse:
    """`and`, `or` or `not` over resolved row filters, applied to each joined row of a measure's entity."""

    kind: str  # and | or | not
    parts: tuple[FilterUse | EntityMetricUse | FilterGroupUse, ...]


RowFilter = FilterUse | EntityMetricUse | FilterGroupUse


@dataclass(frozen=True)
class MetricCondition:
    """A condition on a metric's value at the question's period and dimensions, kept after aggregation."""

    metric: str
    formula: exp.Expression  # over the measure columns of the joined groups, as the metric's output
    test: FilterUse  # op and typed values (its dimension stands for the metric's number)


@dataclass(frozen=True)
class MetricGroup:
    """`and`, `or` or `not` over metric conditions."""

    kind: str
    parts: tuple[MetricCondition | MetricGroup, ...]


AnswerFilter = MetricCondition | MetricGroup


def filter_leaves(filters: tuple[RowFilter, ...]) -> tuple[FilterUse | EntityMetricUse, ...]:
    """Every condition of the trees (each reads one column, `.dimension`), in order, without recursion."""
    out: list[FilterUse | EntityMetricUse] = []
    stack = list(reversed(filters))
    while stack:
        node = stack.pop()
        if isinstance(node, FilterGroupUse):
            stack += reversed(node.parts)
        else:
            out.append(node)
    return tuple(out)


def metric_names(filters: tuple[AnswerFilter, ...]) -> tuple[str, ...]:
    """The metrics the conditions test, each once, in order."""
    names: list[str] = []
    stack = list(reversed(filters))
    while stack:
        node = stack.pop()
        if isinstance(node, MetricGroup):
            stack += reversed(node.parts)
        else:
            names.append(node.metric)
    return tuple(dict.fromkeys(names))

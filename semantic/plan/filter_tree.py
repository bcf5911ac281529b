"""A question's filter tree split by where it applies: to rows before aggregation, or to the answer after it.

Dimension conditions (and `and`/`or`/`not` over them) filter each measure's joined rows: the measure's
entity LEFT JOINed to every parent a condition reads, so `account.segment = 'SMB' or opportunity.type =
'new'` is decided per row with both values in hand. Metric conditions are decided per row of the answer
(its period and dimensions), after every aggregate is combined, so they never change another column's
number. A group mixing the two under `or` or `not` has no single place to apply and is refused; under
`and` (the question's filter list is one) each part goes to its own place. A metric computed per entity
(`metric(activities, by=opportunity) = 0`, semantic/plan/entity_metric.py) is a row condition: each row is
tested through the entity row it reaches, so it mixes freely with dimension conditions.
"""
from __future__ import annotations

from datetime import date

from semantic.definitions.models import Dimension, Filter
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.filter_tree import FilterGroup, FilterNode, MetricFilter
from semantic.graph import SemanticGraph
from semantic.plan.dimensions import dimension_use
from semantic.plan.entity_metric import entity_metric
from semantic.plan.filters import resolve_filter, stage_names
from semantic.plan.formulas import MetricFormulas
from semantic.plan.model import (AnswerFilter, DimensionUse, FilterGroupUse, FilterUse, MetricCondition,
                                 MetricGroup, RowFilter)

METRIC_OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_null", "not_null")
MIXED_HINT = ("a dimension condition filters the rows a metric counts, a metric condition the answer's rows "
              "after counting, so `or`/`not` cannot join them; ask two questions, or put the metric condition "
              "beside the group with `and`; to test a metric per row of an entity, write metric(NAME, by=ENTITY)")


def _is_metric(node: FilterNode) -> bool | None:
    """True when every leaf is a metric condition, False when none is, None when mixed (iteratively)."""
    kinds: set[bool] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, FilterGroup):
            stack += item.parts
        else:
            kinds.add(isinstance(item, MetricFilter) and item.by is None)  # per entity: a row condition
    return kinds.pop() if len(kinds) == 1 else None


def _top_parts(nodes: tuple[FilterNode, ...]) -> list[FilterNode]:
    """The question's list with `and` groups opened up, so each part can go to its own place."""
    out: list[FilterNode] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, FilterGroup) and node.kind == "and" and _is_metric(node) is None:
            stack += reversed(node.parts)
        else:
            out.append(node)
    return out


class FilterResolver:
    """Resolves leaves against the definitions; metric conditions ask `formulas` for their metric's formula,
    so the measures it needs are aggregated even when the metric is not shown."""

    def __init__(self, defs: Definitions, graph: SemanticGraph, formulas: MetricFormulas, today: date,
                 taken: set[str]) -> None:
        self.defs, self.graph, self.formulas, self.today, self.taken = defs, graph, formulas, today, taken

    def split(self, nodes: tuple[FilterNode, ...]) -> tuple[tuple[RowFilter, ...], tuple[AnswerFilter, ...]]:
        rows: list[RowFilter] = []
        answer: list[AnswerFilter] = []
        for node in _top_parts(nodes):
            kind = _is_metric(node)
            if kind is None:
                raise SemanticError("E_BAD_FILTER", "a filter joins metric and dimension conditions with `or` "
                                    "or `not`", MIXED_HINT)
            if kind:
                answer.append(self._answer(node))
            else:
                rows.append(self._row(node))
        return tuple(rows), tuple(answer)

    def _row(self, node: FilterNode) -> RowFilter:
        if isinstance(node, FilterGroup):
            return FilterGroupUse(node.kind, tuple(self._row(p) for p in node.parts))
        if isinstance(node, MetricFilter):
            return entity_metric(self.defs, self.graph, node, self._test(node), self.today, self.taken)
        assert isinstance(node, Filter)
        dim = dimension_use(self.defs, node.dimension)
        return resolve_filter(dim, node, stage_names(self.defs, dim))

    def _answer(self, node: FilterNode) -> AnswerFilter:
        if isinstance(node, FilterGroup):
            return MetricGroup(node.kind, tuple(self._answer(p) for p in node.parts))
        assert isinstance(node, MetricFilter)
        return self._metric(node)

    def _metric(self, leaf: MetricFilter) -> MetricCondition:
        if leaf.time_range is not None:
            raise SemanticError("E_BAD_FILTER", f"metric condition on '{leaf.metric}': a range belongs to a metric "
                                "computed per entity (with `by`)", f"give '{leaf.metric}' its own range with "
                                "--metric-range (GraphQL metricRanges), or add `by`")
        test = self._test(leaf)
        return MetricCondition(leaf.metric, self.formulas.metric(leaf.metric), test)

    def _test(self, leaf: MetricFilter) -> FilterUse:
        """The op and values, typed as numbers; the metric's name checked first."""
        if leaf.metric not in self.defs.metrics:
            raise _not_a_metric(self.defs, leaf.metric)
        if leaf.op not in METRIC_OPS:
            raise SemanticError("E_BAD_FILTER", f"op '{leaf.op}' does not apply to metric '{leaf.metric}'",
                                f"compare a metric's number with {', '.join(METRIC_OPS)}")
        number = DimensionUse(leaf.metric, "", leaf.metric, Dimension(type="number"))
        return resolve_filter(number, leaf)  # type: ignore[arg-type]  # the same op/value/values fields


def _not_a_metric(defs: Definitions, name: str) -> SemanticError:
    """A bare name that is no metric: most often a dimension written without its entity."""
    dimensions = [f"{entity}.{name}" for entity, e in defs.entities.items() if name in e.dimensions]
    hint = f"write the dimension as {' or '.join(dimensions)}" if dimensions else \
        known_names_hint("metrics", defs.metrics)
    return SemanticError("E_BAD_FILTER", f"'{name}' is not a dimension reference (entity.dimension) nor a metric"
                         + did_you_mean(name, defs.metrics), hint)

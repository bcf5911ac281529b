"""A question's filters as a boolean tree: dimension leaves, metric-value leaves, and `and` / `or` / `not`.

A question's `filters` list is an implicit `and` of nodes, so a list of plain dimension filters (the shape
every client sent before trees existed) means what it always meant. Leaves carry values as data, never SQL.
The tree's depth and size are checked by an iterative walk before pydantic recurses into it, so a hostile
JSON or GraphQL tree gets E_EXPRESSION_TOO_DEEP / E_BAD_FILTER instead of a RecursionError.
"""
from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from semantic.definitions.model_types import FilterOp, Model, Name
from semantic.definitions.query_models import Filter, TimeRange, check_value_shape
from semantic.definitions.sql_limits import MAX_EXPRESSION_DEPTH
from semantic.errors import SemanticError

MAX_FILTER_DEPTH = MAX_EXPRESSION_DEPTH  # the same bound as a `--where` text's nesting
MAX_FILTER_LEAVES = 50
BOOLEAN_KEYS = ("and", "or", "not")


class MetricFilter(Model):
    """A condition on a metric's value: at the question's period and dimensions (kept after aggregation),
    or, with `by`, per row of that entity (rows of the question linked to an entity row that meets it)."""

    metric: Name
    op: FilterOp = "eq"
    value: Any = None
    values: tuple[Any, ...] | None = None
    by: Name | None = Field(None, description="Entity the metric is computed per (one value per row of it).")
    time_range: TimeRange | None = Field(None, description="With `by`: the window the metric counts in "
                                                           "(default: all time).")

    @field_validator("value", "values", mode="before")
    @classmethod
    def _bounded(cls, value: Any, info: Any) -> Any:
        return check_value_shape(value, f"`{info.field_name}`")


class FilterGroup(Model):
    """Exactly one of: every part holds (`and`), at least one does (`or`), the part does not (`not`)."""

    all_of: tuple[FilterNode, ...] | None = Field(None, alias="and", min_length=1)
    any_of: tuple[FilterNode, ...] | None = Field(None, alias="or", min_length=1)
    negated: FilterNode | None = Field(None, alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_kind(self) -> FilterGroup:
        given = [k for k, v in zip(BOOLEAN_KEYS, (self.all_of, self.any_of, self.negated)) if v is not None]
        if len(given) != 1:
            raise SemanticError("E_BAD_FILTER", f"a filter group has {' and '.join(given) or 'none'} of "
                                "`and`, `or`, `not`", "give exactly one of them per group; nest groups to combine")
        return self

    @property
    def kind(self) -> str:
        return "and" if self.all_of is not None else "or" if self.any_of is not None else "not"

    @property
    def parts(self) -> tuple[FilterNode, ...]:
        return self.all_of or self.any_of or ((self.negated,) if self.negated is not None else ())


NODE_TAGS = {Filter: "dimension condition", MetricFilter: "metric condition", FilterGroup: "and/or/not group"}


def _node_kind(value: Any) -> str:
    """Which model a raw node is, from the keys it has, so a bad node is reported against that model only."""
    if not isinstance(value, dict):
        return NODE_TAGS.get(type(value), NODE_TAGS[Filter])
    if "metric" in value:
        return NODE_TAGS[MetricFilter]
    if any(key in value for key in BOOLEAN_KEYS + ("all_of", "any_of", "negated")):
        return NODE_TAGS[FilterGroup]
    return NODE_TAGS[Filter]


FilterNode = Annotated[Union[tuple(Annotated[model, Tag(tag)] for model, tag in NODE_TAGS.items())],  # type: ignore
                       Discriminator(_node_kind)]
FilterGroup.model_rebuild()


def check_filter_tree(raw: Any) -> Any:
    """Refuse raw filter data nested deeper than MAX_FILTER_DEPTH groups or with more than MAX_FILTER_LEAVES
    leaves, walking it without recursion (values are bounded separately by check_value_shape)."""
    stack, leaves = [(item, 1) for item in (raw if isinstance(raw, (list, tuple)) else [raw])], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, FilterGroup):
            node = {node.kind: node.parts if node.kind != "not" else node.negated}
        if not isinstance(node, dict) or not any(k in node for k in BOOLEAN_KEYS):
            leaves += 1
            if leaves > MAX_FILTER_LEAVES:
                raise SemanticError("E_BAD_FILTER", f"more than {MAX_FILTER_LEAVES} filter conditions",
                                    f"a question takes at most {MAX_FILTER_LEAVES} conditions")
            continue
        if depth > MAX_FILTER_DEPTH:
            raise SemanticError("E_EXPRESSION_TOO_DEEP", f"filter groups nest more than {MAX_FILTER_DEPTH} levels",
                                f"a filter may nest at most {MAX_FILTER_DEPTH} levels of and/or/not")
        for key in BOOLEAN_KEYS:
            parts = node.get(key)
            if parts is not None:
                stack += [(p, depth + 1) for p in (parts if isinstance(parts, (list, tuple)) else [parts])]
    return raw


def only_dimension_filters(raw: Any, what: str) -> Any:
    """Refuse groups and metric conditions where rows are not metrics at a grain (a funnel's steps, a
    waterfall's movements): their filters are dimension conditions, all of which hold."""
    for node in raw if isinstance(raw, (list, tuple)) else [raw]:
        if isinstance(node, (FilterGroup, MetricFilter)) or isinstance(node, dict) and "dimension" not in node:
            raise SemanticError("E_BAD_FILTER", f"{what} takes dimension conditions joined by `and` only",
                                "drop `or`, `not` and metric conditions, e.g. "
                                "--where \"account.segment = 'Enterprise' and opportunity.amount > 1000\"")
    return raw


def dimension_refs(nodes: tuple[Any, ...] | list[Any]) -> list[str]:
    """The dimensions the dimension leaves of a question's filter tree name (metric leaves name none)."""
    refs, todo = [], list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, Filter):
            refs.append(node.dimension)
        elif isinstance(node, FilterGroup):
            todo.extend(node.parts)
    return refs

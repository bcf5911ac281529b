"""Every name a question, funnel or waterfall uses, checked against what the caller sees before it is planned.

Checked first, so a restricted caller's misspelling is answered with suggestions drawn only from the names
they see (the planner's own suggestions come from every name, hidden ones included).
"""
from __future__ import annotations

from typing import Any, Callable

from semantic.access.resolve import Access
from semantic.definitions.query_models import Filter, SavedQuery
from semantic.errors import SemanticError
from semantic.filter_tree import FilterGroup, MetricFilter
from semantic.question import FunnelQuestion, Question
from semantic.waterfall import WaterfallQuestion


def check_filters(access: Access, nodes: Any) -> None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, FilterGroup):
            stack += node.parts
        elif isinstance(node, MetricFilter):
            access.require_metric(node.metric)
        elif isinstance(node, Filter):
            access.require_dimension(node.dimension)


def check_question(access: Access, q: Question) -> None:
    access.require_any_role()
    if not access.restricted:
        return
    for name in (*q.metrics, *(r.metric for r in q.metric_ranges), *((q.rank_by,) if q.rank_by else ())):
        access.require_metric(name)
    for ref in (*q.dimensions, *(q.share_of or ()), *q.rank_within,
                *((q.time_dimension,) if q.time_dimension else ())):
        access.require_dimension(ref)
    check_filters(access, q.filters)
    # order_by names output columns only (the planner refuses others), which are checked above


def check_funnel(access: Access, q: FunnelQuestion) -> None:
    access.require_any_role()
    check_filters(access, q.filters)


def check_waterfall(access: Access, q: WaterfallQuestion) -> None:
    access.require_any_role()
    for ref in q.dimensions:
        access.require_dimension(ref)
    check_filters(access, q.filters)


def sees_saved_query(access: Access, saved: SavedQuery) -> bool:
    """Whether every name the saved query uses is one the caller sees (else it is unknown to them)."""
    if not access.restricted:
        return True
    try:
        asked = Question.from_saved(saved) if saved.funnel is None else FunnelQuestion.from_saved(saved)
        checker(asked)(access, asked)
    except SemanticError:
        return False
    return True


def visible_saved_queries(access: Access) -> list[str]:
    """The saved queries the caller may run, in definition order."""
    return [name for name, saved in access.defs.saved_queries.items() if sees_saved_query(access, saved)]


def checker(question: Any) -> Callable[[Access, Any], None]:
    """The check for this kind of question."""
    if isinstance(question, Question):
        return check_question
    if isinstance(question, FunnelQuestion):
        return check_funnel
    return check_waterfall

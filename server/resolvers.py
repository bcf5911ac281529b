"""What the Query fields do, independent of the generated schema they are attached to.

Everything that may block (compiling, running SQL, the join-graph walk) goes to the thread pool: the
event loop only parses requests and serialises answers, so one slow query never stalls the others.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from semantic.access import Caller
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.layer import SemanticLayer
from semantic.question import FunnelQuestion, Question
from semantic.result import Result
from semantic.waterfall import WaterfallQuestion
from server.questions import run_blocking, run_funnel, run_query
from server.router import stamp_data
from server.types.entity import Dimension, Entity
from server.types.inputs import FilterInput, MetricRangeInput, OrderByInput, TimeRangeInput
from server.types.result import QueryResult
from server.types.term import Term
from server.types.waterfall import WaterfallResult

if TYPE_CHECKING:  # annotations only: the context imports what is served, which imports the schema
    from server.context import RequestContext


def name_of(value: Any) -> str:
    """An enum member's value, or the string itself when the schema fell back to String."""
    return getattr(value, "value", value)


def question_data(metrics: list[Any], dimensions: list[str] | None = None, grain: Any = None,
                  time_range: TimeRangeInput | None = None, filters: list[FilterInput] | None = None,
                  order_by: list[OrderByInput] | None = None, limit: int | None = None,
                  time_dimension: str | None = None, compare: Any = None,
                  like_for_like: bool = True, as_of: str | None = None, as_of_each: Any = None,
                  standings: dict[str, Any] | None = None,
                  metric_ranges: list[MetricRangeInput] | None = None) -> dict[str, Any]:
    """Arguments as the plain data `Question` validates (None means 'not given')."""
    data: dict[str, Any] = {
        "metrics": tuple(name_of(m) for m in metrics),
        "dimensions": tuple(dimensions or ()),
        "grain": name_of(grain) if grain is not None else None,
        "time_dimension": time_dimension,
        "time_range": time_range.to_domain() if time_range else None,
        "filters": tuple(f.to_domain() for f in filters or ()),
        "order_by": tuple(o.to_domain() for o in order_by or ()),
        "limit": limit,
        "compare": name_of(compare) if compare is not None else None,
        "like_for_like": None if like_for_like else False,
        "as_of": as_of,
        "as_of_each": name_of(as_of_each) if as_of_each is not None else None,
        **(standings or {}),
        "metric_ranges": tuple(r.to_domain() for r in metric_ranges) if metric_ranges else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def standings_data(share_of: list[str] | None, rank_by: Any, rank_within: list[str] | None,
                   top: int | None) -> dict[str, Any]:
    """The share and rank arguments as question data (semantic/plan/standings.py)."""
    return {"share_of": tuple(share_of) if share_of is not None else None,
            "rank_by": name_of(rank_by) if rank_by is not None else None,
            "rank_within": tuple(rank_within) if rank_within else None, "top": top}


async def run_question(context: RequestContext, question: Question) -> QueryResult:
    """Under a query slot, cancelled if the client hangs up before the answer is ready."""
    request = context.request
    disconnected = request.is_disconnected if request is not None else None
    result = await run_query(context.layer, question, context.slots, disconnected, context.caller)
    return QueryResult.from_domain(answered(context, result))


async def run_saved(context: RequestContext, name: str, time_range: TimeRangeInput | None,
                    filters: list[FilterInput] | None) -> QueryResult:
    """A saved question; a given time range replaces the saved one, given filters are ANDed to its own."""
    saved = context.layer.saved_query(name, context.caller)  # runs under the caller's policy
    extra = [f.to_domain() for f in filters or ()]
    overrides: dict[str, Any] = {"time_range": time_range.to_domain() if time_range else None,
                                 "filters": [f.model_dump() for f in saved.filters] + extra if extra else None}
    if saved.funnel:
        return await run_funnel_question(context, FunnelQuestion.from_saved(saved, **overrides))
    return await run_question(context, Question.from_saved(saved, **overrides))


async def run_funnel_question(context: RequestContext, question: FunnelQuestion) -> QueryResult:
    """A funnel's step rows, under a query slot like any question."""
    request = context.request
    disconnected = request.is_disconnected if request is not None else None
    result = await run_funnel(context.layer, question, context.slots, disconnected, context.caller)
    return QueryResult.from_domain(answered(context, result))


async def run_waterfall(context: RequestContext, data: dict[str, Any]) -> WaterfallResult:
    """A pipeline waterfall under a query slot, cancelled if the client hangs up (like a question)."""
    question = WaterfallQuestion.model_validate({k: v for k, v in data.items() if v is not None})
    request = context.request
    disconnected = request.is_disconnected if request is not None else None
    result = await run_blocking(lambda cancel: context.layer.waterfall(question, cancel, context.caller),
                                context.slots,
                                disconnected)
    return WaterfallResult.from_domain(answered(context, result))


def answered(context: RequestContext, result: Result) -> Result:
    """Note an answer for the response's data headers (X-Semantic-Data-Version, X-Semantic-Data-Freshness)."""
    context.answers.append(result)
    if context.response is not None:
        stamp_data(context.response.headers, context.answers)
    return result


async def dimensions_for(layer: SemanticLayer, metrics: list[Any], caller: Caller) -> list[Dimension]:
    found = await run_in_threadpool(layer.dimensions_for, [name_of(m) for m in metrics], caller)
    return [Dimension.from_domain(d) for d in found]


def find_term(layer: SemanticLayer, name: str, caller: Caller) -> Term:
    """A term by name or by one of its synonyms (case-insensitive): people ask for 'pipeline' too."""
    terms = layer.definitions.terms
    wanted = name.strip().lower()
    for term_name, term in terms.items():
        if term_name == wanted or wanted in (s.lower() for s in term.synonyms):
            return term_for(layer, term_name, caller)
    candidates = list(terms) + [s for t in terms.values() for s in t.synonyms]
    raise SemanticError("E_UNKNOWN_TERM", f"unknown term '{name}'" + did_you_mean(wanted, candidates),
                        known_names_hint("terms", terms))


def term_for(layer: SemanticLayer, name: str, caller: Caller) -> Term:
    """The term, naming only the metrics the caller sees among those that use it."""
    term = Term.from_domain(name, layer.definitions.terms[name], layer.definitions)
    term.metrics = layer.access(caller).visible_metrics(term.metrics)
    return term


def visible_entity(layer: SemanticLayer, name: str, caller: Caller) -> Entity:
    """The entity with only the dimensions the caller sees."""
    entity, access = layer.definitions.entities[name], layer.access(caller)
    if access.dimensions is not None:
        entity = entity.model_copy(update={"dimensions": {d: v for d, v in entity.dimensions.items()
                                                          if f"{name}.{d}" in access.dimensions}})
    return Entity.from_domain(name, entity)

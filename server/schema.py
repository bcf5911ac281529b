"""The GraphQL schema of one definitions version.

Metric and saved-query names become enums generated from the YAML (with the YAML descriptions), so
GraphiQL completes them and documents each one. Because those enums change when the definitions change,
the schema is regenerated with every reload and served together with its layer (see `server.state`). A
restricted caller executes on a schema of its own whose enums list only what its roles show
(server/caller_schemas.py).
Clients sending variables pass enum values as plain JSON strings, so nothing changes for them.

(No `from __future__ import annotations` here: the Query class is built inside a function and strawberry
must see the generated enum types themselves, not their names.)
"""
import enum
from typing import Annotated, Any, Mapping

import strawberry
from strawberry.extensions import (AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter,
                                   ValidationCache)
from strawberry.types import Info

from semantic.access import Access, Caller, View, view_of
from semantic.access.questions import visible_saved_queries
from semantic.layer import SemanticLayer
from semantic.question import FunnelQuestion, Question
from server import resolvers
from server.dimension_names import dimension_enum
from server.document_limits import max_questions_rule
from server.documents import ParsedDocuments
from server.errors import ApiErrors
from server.observe import OperationLabel
from server.per_version import per_version
from server.settings import ServerSettings
from server.types.entity import Dimension, Entity
from server.types.inputs import AsOfEach, Compare, FilterInput, Grain, MetricRangeInput, OrderByInput, TimeRangeInput
from server.types.metric import Metric
from server.types.result import QueryResult
from server.types.saved_query import SavedQuery
from server.types.term import Stage, Term
from server.types.version import Version
from server.types.waterfall import BucketName, WaterfallResult

RESERVED_ENUM_VALUES = {"true", "false", "null"}
CACHE_SIZE = 512  # distinct documents remembered; BI tools send a handful of shapes with variables


def names_enum(type_name: str, items: Mapping[str, Any], description: str) -> Any:
    """A GraphQL enum of definition names, or String when there is nothing (or nothing legal) to list."""
    names = sorted(items)
    if not names or RESERVED_ENUM_VALUES & set(names):
        return str
    members = {n: strawberry.enum_value(n, description=getattr(items[n], "description", None)
                                        or getattr(items[n], "label", None)) for n in names}
    return strawberry.enum(enum.Enum(type_name, members), description=description)


class ApiSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Logging happens in `ApiErrors`, which knows which errors are the client's and which are bugs."""


def _view(layer: SemanticLayer, caller: Caller) -> View:
    """What a catalogue listing depends on (`view_of`), after binding the caller's claims, so a caller missing
    one is refused (E_ACCESS_CLAIM) like its questions are; callers with the same view share one listing."""
    layer.access(caller)
    return view_of(layer.definitions, caller)


def build_schema(layer: SemanticLayer, settings: ServerSettings, names: Access | None = None) -> strawberry.Schema:
    """The schema whose enums list the names `names` sees (None: every name). Funnels cannot be hidden from a
    role, so only a caller holding no known role (who sees nothing) gets no funnel names."""
    defs = layer.definitions
    names = names or Access(defs, Caller.unrestricted())
    nothing = names.restricted and not names.roles
    MetricName = names_enum("MetricName", {n: defs.metrics[n] for n in names.visible_metrics(defs.metrics)},
                            "A metric defined in metrics.yaml.")
    SavedQueryName = names_enum("SavedQueryName", {n: defs.saved_queries[n] for n in visible_saved_queries(names)},
                                "A saved query defined in metrics.yaml.")
    FunnelName = names_enum("FunnelName", {} if nothing else defs.funnels, "A funnel defined in the funnels section.")
    DimensionName = dimension_enum(defs, names.dimensions)

    @strawberry.type(description="The revenue semantic layer: one definition of every number.")
    class Query:
        @strawberry.field(description="Every metric, in name order.")
        def metrics(self, info: Info) -> list[Metric]:
            layer, caller = info.context.layer, info.context.caller
            defs = layer.definitions
            return per_version(defs, ("metrics", _view(layer, caller)), lambda: [per_version(defs, ("metric", n), lambda n=n: Metric
                                                                             .from_domain(n, defs))
                                                                 for n in sorted(layer.metric_names(caller))])

        @strawberry.field(description="One metric with its formula, terms, dimensions and SQL.")
        def metric(self, info: Info, name: MetricName) -> Metric:
            layer, metric_name = info.context.layer, resolvers.name_of(name)
            layer.metric(metric_name, info.context.caller)  # unknown or hidden: E_UNKNOWN_METRIC with did-you-mean
            return per_version(layer.definitions, ("metric", metric_name),
                               lambda: Metric.from_domain(metric_name, layer.definitions))

        @strawberry.field(description="The glossary: every term, in name order.")
        def glossary(self, info: Info) -> list[Term]:
            layer, caller = info.context.layer, info.context.caller
            return per_version(layer.definitions, ("glossary", _view(layer, caller)),
                               lambda: [resolvers.term_for(layer, name, caller)
                                        for name in sorted(layer.definitions.terms)])

        @strawberry.field(description="One glossary term, by name or synonym.")
        def term(self, info: Info, name: str) -> Term:
            return resolvers.find_term(info.context.layer, name, info.context.caller)

        @strawberry.field(description="Opportunity stages in pipeline order.")
        def stages(self, info: Info) -> list[Stage]:
            defs = info.context.layer.definitions
            return per_version(defs, "stages",
                               lambda: [Stage.from_domain(i, s) for i, s in enumerate(defs.stages, start=1)])

        @strawberry.field(description="Entities with their dimensions, measures and joins.")
        def entities(self, info: Info) -> list[Entity]:
            layer, caller = info.context.layer, info.context.caller
            return per_version(layer.definitions, ("entities", _view(layer, caller)),
                               lambda: [resolvers.visible_entity(layer, name, caller)
                                        for name in sorted(layer.definitions.entities)])

        @strawberry.field(description="Saved questions; run one with savedQuery(name: ...).")
        def saved_queries(self, info: Info) -> list[SavedQuery]:
            layer, caller = info.context.layer, info.context.caller
            defs = layer.definitions
            return per_version(defs, ("saved_queries", _view(layer, caller)),
                               lambda: [SavedQuery.from_domain(n, defs.saved_queries[n])
                                        for n in sorted(layer.saved_query_names(caller))])

        @strawberry.field(description="The definitions version being served.")
        def version(self, info: Info) -> Version:
            layer = info.context.layer
            return per_version(layer.definitions, "version", lambda: Version.from_domain(layer.version))

        @strawberry.field(description="Dimensions every one of the metrics can be sliced by.")
        async def dimensions(self, info: Info, metrics: list[MetricName]) -> list[Dimension]:
            return await resolvers.dimensions_for(info.context.layer, metrics, info.context.caller)

        @strawberry.field(description="Run a metric question.")
        async def query(
            self, info: Info, metrics: list[MetricName], dimensions: list[str] | None = None,
            grain: Grain | None = None, time_range: TimeRangeInput | None = None,
            filters: list[FilterInput] | None = None, order_by: list[OrderByInput] | None = None,
            limit: int | None = None, time_dimension: str | None = None, compare: Compare | None = None,
            like_for_like: bool = True,
            as_of: Annotated[str | None, strawberry.argument(description=(
                "Answer from the rows as they stood at this instant, rebuilt from their change log: YYYY-MM-DD "
                "(the end of that day) or an ISO timestamp (UTC without a zone)."))] = None,
            as_of_each: AsOfEach | None = None,
            by: Annotated[list[DimensionName] | None, strawberry.argument(description=(
                "Dimensions picked from the DimensionName enum (completed by GraphiQL), after `dimensions`."))] = None,
            share_of: Annotated[list[str] | None, strawberry.argument(description=(
                "Add <metric>_share (value / its group's total) for every metric: the total is taken within these "
                "dimensions of the question and each period; [] for the whole answer."))] = None,
            rank_by: Annotated[MetricName | None, strawberry.argument(description=(
                "Add <metric>_rank for this metric of the question: 1 = highest, ties share a rank."))] = None,
            rank_within: Annotated[list[str] | None, strawberry.argument(description=(
                "Dimensions the rank restarts within (and each period)."))] = None,
            top: Annotated[int | None, strawberry.argument(description=(
                "Keep the rows ranked this or better by rankBy (ties can keep more)."))] = None,
            metric_ranges: Annotated[list[MetricRangeInput] | None, strawberry.argument(description=(
                "Metrics counted over their own time range beside the others (no grain; docs/queries.md)."))] = None,
        ) -> QueryResult:
            picked = list(dimensions or ()) + [resolvers.name_of(d) for d in by or ()]
            data = resolvers.question_data(metrics, picked, grain, time_range, filters, order_by, limit,
                                           time_dimension, compare, like_for_like, as_of, as_of_each,
                                           resolvers.standings_data(share_of, rank_by, rank_within, top), metric_ranges)
            return await resolvers.run_question(info.context, Question.model_validate(data))

        @strawberry.field(description="Run a saved question; timeRange replaces its range, filters are "
                                      "added to its own.")
        async def saved_query(self, info: Info, name: SavedQueryName, time_range: TimeRangeInput | None = None,
                              filters: list[FilterInput] | None = None) -> QueryResult:
            return await resolvers.run_saved(info.context, resolvers.name_of(name), time_range, filters)

        @strawberry.field(description="Pipeline waterfall: how the open pipeline of a close-date window moved "
                                      "between two instants, by bucket (docs/waterfall.md).")
        async def waterfall(
            self, info: Info,
            start: Annotated[str | None, strawberry.argument(name="from", description="t0: a date (its start) or "
                                                                                      "a timestamp.")] = None,
            to: Annotated[str | None, strawberry.argument(description="t1: a date (its end) or a timestamp.")] = None,
            close_range: TimeRangeInput | None = None, dimensions: list[str] | None = None,
            filters: list[FilterInput] | None = None, deals: BucketName | None = None, history: str | None = None,
            amount: str | None = None, close_date: str | None = None,
        ) -> WaterfallResult:
            data = {"from": start, "to": to, "close_range": close_range.to_domain() if close_range else None,
                    "dimensions": tuple(dimensions or ()), "filters": tuple(f.to_domain() for f in filters or ()),
                    "deals": resolvers.name_of(deals) if deals else None, "history": history, "amount": amount,
                    "close_date": close_date}
            return await resolvers.run_waterfall(info.context, data)

        @strawberry.field(description="Run a funnel: one row per step with its count and its rates from the "
                                      "previous and the first step; timeRange selects rows by the first step's day.")
        async def funnel(self, info: Info, name: FunnelName, time_range: TimeRangeInput | None = None,
                         filters: list[FilterInput] | None = None) -> QueryResult:
            question = FunnelQuestion.model_validate({
                "funnel": resolvers.name_of(name), "time_range": time_range.to_domain() if time_range else None,
                "filters": tuple(f.to_domain() for f in filters or ())})
            return await resolvers.run_funnel_question(info.context, question)

    return ApiSchema(query=Query, extensions=request_extensions(settings))


def request_extensions(settings: ServerSettings) -> list:
    """Limits (depth, aliases, tokens, questions), caches and error formatting, as factories (strawberry builds one set per request).

    The depth and alias rules are built once and shared: strawberry's limiters make new rule classes per
    instance, which would defeat the validation cache (keyed on schema, document and rules). Validating a
    document costs about as much CPU as compiling a small query, so it is worth caching. (Strawberry's
    ParserCache is not used: a syntax error raised from its hook would bypass `ApiErrors`.)
    """
    rules = [*QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
             max_questions_rule(settings.max_questions_per_request)]
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        ParsedDocuments,  # after MaxTokensLimiter: a remembered parse is keyed by the token limit too
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        OperationLabel,  # before ApiErrors: it reads the codes ApiErrors gives
        ApiErrors,
    ]

"""Every GraphQL error leaves the server with `extensions.code`, a message and `extensions.hint`.

Library errors (`SemanticError`) keep their code and hint; bad input caught by pydantic becomes
E_BAD_REQUEST; GraphQL validation errors are classified (an unknown metric enum value becomes
E_UNKNOWN_METRIC with our own did-you-mean, drawn from the names the caller sees; a caller holding no known
role, whose schema lists nothing, is told E_ACCESS_DENIED); anything unexpected is logged in one line under a
reference id and reaches the client only as E_INTERNAL with that id (see `server.failures`).
"""
from __future__ import annotations

import re
from typing import Callable, Iterator

from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension

from semantic.access import Access, Caller, names_access, view_of
from semantic.access.questions import visible_saved_queries
from semantic.definitions import Definitions
from semantic.definitions.models import Grain
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.filter_tree import NODE_TAGS
from semantic.layer import SemanticLayer
from semantic.question import MAX_DIMENSIONS, MAX_FILTERS, MAX_METRICS, MAX_ORDER_BY
from semantic.dberrors import sanitize
from server.dimension_names import dimension_of_member, dimension_references
from server.failures import DATABASE_CODES, unexpected

GRAINS = ", ".join(Grain.__args__)
Classified = tuple[str, str, str]  # code, message, hint


def _unknown(kind: str, code: str, names: Callable[[Access], list[str]],
             spelled: Callable[[str, Definitions], str] = lambda value, _defs: value):
    """Suggestions only from the names the caller sees, so a hidden name is never suggested. Its view's names
    need no claims: a caller missing one is still told which name is unknown. `spelled` turns an enum member
    back into the name it stands for."""
    def classify(match: re.Match, layer: SemanticLayer | None, caller: Caller | None) -> Classified:
        value = spelled(match.group("value"), layer.definitions) if layer else match.group("value")
        known = names(names_access(layer.definitions, view_of(layer.definitions, caller))) if layer else []
        return code, f"unknown {kind} '{value}'" + did_you_mean(value, known), known_names_hint(f"{kind}s", known)
    return classify


def _fixed(code: str, hint: str):
    def classify(match: re.Match, layer: SemanticLayer | None, caller: Caller | None) -> Classified:
        return code, match.string, hint
    return classify


VALIDATION_RULES: tuple[tuple[re.Pattern, Callable[[re.Match, SemanticLayer | None, Caller | None], Classified]],
                        ...] = (
    (re.compile(r"Value '(?P<value>.*)' does not exist in 'MetricName' enum"),
     _unknown("metric", "E_UNKNOWN_METRIC", lambda access: access.visible_metrics(access.defs.metrics))),
    (re.compile(r"Value '(?P<value>.*)' does not exist in 'SavedQueryName' enum"),
     _unknown("saved query", "E_UNKNOWN_SAVED_QUERY", visible_saved_queries)),
    (re.compile(r"Value '(?P<value>.*)' does not exist in 'DimensionName' enum"),
     _unknown("dimension", "E_UNKNOWN_DIMENSION", lambda access: list(dimension_references(access.defs,
                                                                                            access.dimensions)),
              spelled=dimension_of_member)),
    (re.compile(r"'Grain' enum|Grain.*cannot represent"),
     _fixed("E_BAD_GRAIN", f"supported grains: {GRAINS}")),
    (re.compile(r"'FilterOp' enum|FilterOp.*cannot represent"),
     _fixed("E_BAD_FILTER", "operators: eq, neq, in, not_in, gt, gte, lt, lte, between, is_null, not_null, "
                            "contains")),
    (re.compile(r"cannot represent non-enum value"),
     _fixed("E_BAD_REQUEST", "enum values are written without quotes in a query (metrics: [bookings]); "
                             "in variables they are plain JSON strings")),
    (re.compile(r"exceeds maximum operation depth"),
     _fixed("E_QUERY_TOO_DEEP", "nest fields less deeply, or raise the max_query_depth setting")),
    (re.compile(r"aliases found\. Allowed"),
     _fixed("E_TOO_MANY_ALIASES", "use fewer aliases per request, or raise the max_aliases setting")),
    (re.compile(r"questions in one document .*at most \d+ are allowed"),
     _fixed("E_TOO_MANY_QUESTIONS", "ask fewer query/savedQuery fields per request (send several requests), "
                                    "or raise the max_questions_per_request setting")),
    (re.compile(r"more than \d+ tokens"),
     _fixed("E_QUERY_TOO_LARGE", "send a shorter document, or raise the max_tokens setting")),
    (re.compile(r"^Syntax Error"),
     _fixed("E_GRAPHQL_SYNTAX", "check the document in GraphiQL at /graphql, which underlines the mistake")),
)


def classify_validation(message: str, layer: SemanticLayer | None, caller: Caller | None = None) -> Classified:
    for pattern, classify in VALIDATION_RULES:
        match = pattern.search(message)
        if match:
            return classify(match, layer, caller)
    if layer is not None and view_of(layer.definitions, caller) == (True, ()):  # its schema lists no name at all
        try:
            names_access(layer.definitions, (True, ())).require_any_role()
        except SemanticError as exc:  # E_ACCESS_DENIED, as its questions get
            return exc.code, exc.message, exc.hint
    return "E_GRAPHQL_VALIDATION", message, "the schema (GraphiQL's docs panel at /graphql) lists every field " \
                                            "and argument"


# Hints for an invalid question, by the field that failed (the first part of pydantic's `loc`) and, where
# one field can fail in more than one way, by pydantic's error type.
FIELD_HINTS: dict[tuple[str, str | None], str] = {
    ("metrics", "too_short"): "name at least one metric, e.g. metrics: [bookings]",
    ("metrics", "too_long"): f"ask for at most {MAX_METRICS} metrics per query",
    ("metrics", None): "metric names are snake_case (win_rate); `metrics` lists them",
    ("dimensions", "too_long"): f"slice by at most {MAX_DIMENSIONS} dimensions per query",
    ("dimensions", None): "dimensions are written entity.dimension (account.segment); "
                          "dimensions(metrics: [...]) lists the valid ones",
    ("time_dimension", None): "timeDimension is written entity.dimension (opportunity.closed_at)",
    ("order_by", "too_long"): f"order by at most {MAX_ORDER_BY} columns (each output column once)",
    ("filters", "too_long"): f"use at most {MAX_FILTERS} filters per query",
    ("filters", None): "a filter names its dimension as entity.dimension (account.segment), an op, and "
                       "`value` (or `values` for in, not_in, between)",
    ("order_by", None): "order by an output column: a metric name, a dimension (entity.dimension) or period",
    ("limit", None): "limit must be 1 or more; leave it out to get every row (up to the max_rows setting)",
}
FILTER_NODE_KINDS = frozenset(NODE_TAGS.values())
DEFAULT_QUESTION_HINT = "see the argument types in GraphiQL's docs panel at /graphql"


def question_hint(exc: ValidationError) -> str:
    """One hint per field that failed, in the order pydantic reported them, so the fix is for that field."""
    hints: list[str] = []
    for item in exc.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        hint = FIELD_HINTS.get((field, item["type"])) or FIELD_HINTS.get((field, None), DEFAULT_QUESTION_HINT)
        if hint not in hints:
            hints.append(hint)
    return "; ".join(hints)


def describe_validation(exc: ValidationError) -> str:
    parts = []
    for item in exc.errors(include_url=False):  # a filter node's kind is pydantic's, not a field the client wrote
        where = ".".join(str(p) for p in item["loc"] if p not in FILTER_NODE_KINDS) or "input"
        parts.append(f"{where}: {item['msg']} (got {item.get('input')!r})")
    return "invalid question: " + "; ".join(parts)


def to_api_error(error: GraphQLError, layer: SemanticLayer | None, caller: Caller | None = None) -> GraphQLError:
    original = error.original_error
    if isinstance(original, SemanticError):
        code, message, hint = original.code, original.message, original.hint
        message = sanitize(message) if code in DATABASE_CODES else message
    elif isinstance(original, ValidationError):
        code, message, hint = "E_BAD_REQUEST", describe_validation(original), question_hint(original)
    elif original is None or isinstance(original, GraphQLError):
        code, message, hint = classify_validation(error.message, layer, caller)
    else:
        failure = unexpected(original, ".".join(map(str, error.path or ())) or "a GraphQL request")
        code, message, hint = failure.code, failure.message, failure.hint
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, extensions={"code": code, "hint": hint})


class ApiErrors(SchemaExtension):
    """Rewrites the operation's errors once it has finished (parse, validation and execution alike)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        layer = getattr(context, "layer", None)
        caller = getattr(context, "caller", None)
        result.errors = [to_api_error(e, layer, caller) for e in result.errors]

"""Strawberry's FastAPI router, executing each request on the schema of the version it started with.

The stock router executes on the one schema it was built with; ours takes the schema from the request's
context (read once from `ServedRef`), so a reload swaps schema and layer together and a request never
validates against one version and resolves against another. Each response names its version both in
`extensions.version` and in the `X-Semantic-Version` header, and the data its answers read in
`X-Semantic-Data-Version` and `X-Semantic-Data-Freshness` (`stamp_data`, shared with the plain endpoints).

A response asked for again is sent from the bytes kept for it when its definitions version, caller, day and
data version are unchanged (server/kept_responses.py): no GraphQL, no layer, no JSON encoding.

It also answers request-level problems (bad JSON, no query...) as JSON errors with a code and a hint
rather than strawberry's plain text, and offers no WebSocket endpoint: the schema has no subscriptions,
and a socket would be a second way in that neither the auth nor the limits middleware was written for.
"""
from __future__ import annotations

from typing import Any, Iterable, MutableMapping

from cross_web import HTTPException
from fastapi.routing import APIWebSocketRoute
from graphql import OperationDefinitionNode
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from semantic.freshness import stalest
from server.kept_responses import (Asked, Keepable, KeptResponse, common_data_version, kept_headers, operation_kind,
                                   response_key)
from server.context import RequestContext
from server.documents import parsed_or_none
from server.http_errors import SHAPE, RequestError, error_response
from server.observe import OPERATION_STATE, OperationLabel
from server.static_files import graphiql_page

VERSION_HEADER = "X-Semantic-Version"
DATA_VERSION_HEADER = "X-Semantic-Data-Version"
FRESHNESS_HEADER = "X-Semantic-Data-Freshness"  # ISO instant: the stalest newest row of the entities read
JSON_KINDS = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _several_operations(query: Any, context: RequestContext) -> bool:
    """GraphQL requires operationName when a document defines several operations; strawberry would run the
    first. Only documents that could hold two are parsed (bounded by max_tokens, like validation), once per
    text (server/documents.py)."""
    if not isinstance(query, str) or query.count("{") < 2:
        return False
    document = parsed_or_none(query, context.settings.max_tokens)
    if document is None:
        return False  # the schema's own parse reports it with its usual code
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1


def stamp_data(headers: MutableMapping[str, str], answers: Iterable[Any]) -> None:
    """The data headers of a response holding these answers: the data version while they all agree (absent
    when unknown or mixed) and the freshness of the stalest one (absent when no entity read declares one)."""
    answers = list(answers)
    versions = {getattr(a, "data_version", None) for a in answers}
    if len(versions) == 1 and None not in versions:
        headers[DATA_VERSION_HEADER] = str(versions.pop())
    elif DATA_VERSION_HEADER in headers:
        del headers[DATA_VERSION_HEADER]
    oldest = stalest(a.freshness.oldest for a in answers if getattr(a, "freshness", None) is not None)
    if oldest is not None:
        headers[FRESHNESS_HEADER] = oldest


class VersionedGraphQLRouter(GraphQLRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.routes[:] = [r for r in self.routes if not isinstance(r, APIWebSocketRoute)]

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL from the package's own files (server/static), not strawberry's CDN page."""
        return graphiql_page(request.scope.get("root_path", ""))

    async def run(self, request: Request, context: Any = UNSET, root_value: Any = UNSET) -> Response:
        """Strawberry's endpoints would turn an HTTPException into plain text; it never gets that far."""
        try:
            kept = await self._kept_response(request, context)
            if kept is not None:
                return kept
            response = await super().run(request, context=context, root_value=root_value)
            self._keep(context, response)
            return response
        except HTTPException as exc:
            return error_response(exc)

    async def _kept_response(self, request: Request, context: Any) -> Response | None:
        """The kept bytes of this very request, or None; notes on `context` what to keep it under otherwise.

        Only POSTed JSON is looked at; a question is looked up only while the data version is settled."""
        if (request.method != "POST" or not isinstance(context, RequestContext) or not context.layer.keeps_answers
                or not request.headers.get("content-type", "").startswith("application/json")):
            return None
        asked = Asked.read(await request.body())
        if asked is None:
            return None
        kind, name = operation_kind(asked.query, asked.operation_name, context.settings.max_tokens)
        if kind is None:
            return None
        layer = context.layer
        context.keepable = Keepable(asked, kind, name, layer.today().isoformat())
        data_version = layer.settled_data_version() if kind == "question" else None
        if kind == "question" and data_version is None:
            return None
        key = response_key(asked, context.caller.cache_key(), context.served.version, context.keepable.day,
                           data_version)
        kept = layer.result_cache.get(key, count_miss=False)
        if not isinstance(kept, KeptResponse):
            return None
        request.scope.setdefault("state", {})[OPERATION_STATE] = OperationLabel.names.label(kept.operation)
        return Response(kept.body, headers=dict(kept.headers))

    def _keep(self, context: Any, response: Response) -> None:
        """Keep a clean answer to a keepable request under the data version all its answers read."""
        keepable = getattr(context, "keepable", None)
        if keepable is None or not context.clean or response.status_code != 200:
            return
        layer = context.layer
        question = keepable.kind == "question"
        data_version = common_data_version(context.answers) if question else None
        if question and (data_version is None or data_version != layer.settled_data_version()):
            return  # answers that are not kept (an in-memory database), or data that moved while they ran
        if layer.today().isoformat() != keepable.day:
            return
        body = getattr(response, "body", None)
        if isinstance(body, bytes):
            kept = KeptResponse(body, kept_headers(response.headers), keepable.operation)
            key = response_key(keepable.asked, context.caller.cache_key(), context.served.version, keepable.day,
                               data_version)
            layer.result_cache.keep(key, kept, kept.size)

    def parse_json(self, data: str | bytes) -> Any:
        """Body (or GET parameter) JSON, refused with a reason unless it is an object or an array.

        Strawberry would read a scalar body as an object and fail with a 500; arrays it refuses itself
        (a batch in the body, a non-object `variables` in the URL), with a message that fits each.
        """
        try:
            value = self.decode_json(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd nesting
            raise RequestError(400, f"the request is not valid JSON: {exc}", SHAPE) from exc
        if not isinstance(value, (dict, list)):
            raise RequestError(400, f"expected a JSON object, not a JSON {JSON_KINDS[type(value)]}", SHAPE)
        return value

    async def execute_operation(self, request: Request, request_adapter: Any, request_data: Any,
                                context: RequestContext, root_value: Any, sub_response: Any) -> ExecutionResult:
        # GET may only read (queries); POST may do anything the schema offers (which is also only reading).
        allowed = OperationType.from_http(request_adapter.method)
        if request_data.operation_name is None and _several_operations(request_data.query, context):
            raise RequestError(400, "the document defines several operations and operationName does not say "
                               "which one to run", 'add "operationName": "<name>" to the request')
        try:
            result = await context.schema.execute(
                request_data.query, variable_values=request_data.variables, context_value=context,
                root_value=root_value, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
        except MissingQueryError as exc:
            raise RequestError(400, "no GraphQL query found in the request",
                               'POST {"query": "{ version { stamp } }"}, or GET /graphql?query=...') from exc
        context.clean = not result.errors
        return result

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        version = getattr(request.state, "semantic_version", None)
        if version is not None:
            response["extensions"] = {**(response.get("extensions") or {}), "version": version}
        return response

"""Strawberry's FastAPI router, executing each request on the schema of the version it started with.

The stock router executes on the one schema it was built with; ours takes the schema from the request's
context (read once from `ServedRef`), so a reload swaps schema and layer together and a request never
validates against one version and resolves against another. Each response names its version both in
`extensions.version` and in the `X-Semantic-Version` header.
"""
from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from server.context import RequestContext

VERSION_HEADER = "X-Semantic-Version"


class VersionedGraphQLRouter(GraphQLRouter):
    async def execute_operation(self, request: Request, request_adapter: Any, request_data: Any,
                                context: RequestContext, root_value: Any, sub_response: Any) -> ExecutionResult:
        if isinstance(request_data, list):
            raise HTTPException(400, "batched requests are not supported; send one operation per request")
        # GET may only read (queries); POST may do anything the schema offers (which is also only reading).
        allowed = OperationType.from_http(request_adapter.method)
        try:
            return await context.served.schema.execute(
                request_data.query, variable_values=request_data.variables, context_value=context,
                root_value=root_value, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "no GraphQL query found in the request") from exc

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        version = getattr(request.state, "semantic_version", None)
        if version is not None:
            response["extensions"] = {**(response.get("extensions") or {}), "version": version}
        return response

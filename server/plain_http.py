"""`GET /query.csv` and `GET /query.json`: query results for tools that cannot speak GraphQL.

Spreadsheets ("import from web"), BI tools and curl get the same layer, the same version-swap guarantee and
the same limits as GraphQL: each request reads the served version once, compiles and runs its question in
the thread pool, and names that version in `X-Semantic-Version`, errors included. Failures use the API's
JSON error shape with an HTTP status a plain HTTP client can act on: 400 for a bad question, 503 when the
database is down or the server is full (with Retry-After), 504 on timeout, 502 when the database refuses
the SQL. Like GraphQL questions, these run under a query slot and are cancelled when the client hangs up.
"""
from __future__ import annotations

import csv
import io
import json
import threading
from functools import partial
from typing import Any, Callable

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from starlette.responses import Response

from semantic.access import Caller
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import FunnelQuestion, Question
from semantic.result import Result
from semantic.csv_safety import escape_formula
from server.errors import describe_validation, question_hint
from semantic.dberrors import sanitize
from server.context import caller_of
from server.failures import DATABASE_CODES, unexpected
from server.http_errors import error_body
from server.plain_query import EXAMPLE, question_from_params
from server.questions import QuestionSlots, accepts_cancel, run_blocking
from server.router import VERSION_HEADER, stamp_data
from server.state import Served, ServedRef
from server.types.result import to_json

TRUNCATED_HEADER = "X-Semantic-Truncated"
PREFIX = "/query"
PATH_HINTS: dict[int, str] = {404: f"the plain HTTP endpoints are /query.csv and /query.json, e.g. {EXAMPLE}",
                              405: f"use GET with query-string parameters, e.g. {EXAMPLE}"}
# Library codes that are not the caller's fault; every other SemanticError is a bad question (400).
STATUS_BY_CODE: dict[str, int] = {"E_DATABASE_UNAVAILABLE": 503, "E_NO_DATABASE": 503, "E_BAD_DATABASE_URL": 503,
                                  "E_DATABASE_BUSY": 503, "E_SERVER_BUSY": 503, "E_QUERY_CANCELLED": 503,
                                  "E_QUERY_TIMEOUT": 504, "E_QUERY_FAILED": 502, "E_QUERY_TOO_COSTLY": 400,
                                  "E_ACCESS_DENIED": 403, "E_ACCESS_CLAIM": 403}
ESCAPE_PARAMETER = "escape_formulas"  # CSV only: true|false, overriding the csv_escape_formulas setting
RETRY_CODES = frozenset({"E_SERVER_BUSY", "E_DATABASE_BUSY"})  # worth retrying soon: answered with Retry-After


def ask(layer: SemanticLayer, params: QueryParams, caller: Caller, cancel: threading.Event
        ) -> tuple[Question | FunnelQuestion, Result]:
    """Build and run the question as `caller` (blocking: parsing `where`, compiling and the database call)."""
    question = question_from_params(layer, params, caller)
    if isinstance(question, FunnelQuestion):  # a saved funnel query
        return question, layer.funnel(question, cancel=cancel, caller=caller)
    if accepts_cancel(layer.query):
        return question, layer.query(question, cancel=cancel, caller=caller)
    return question, layer.query(question)


WARNINGS_HEADER = "X-Semantic-Warnings"


def escape_choice(request: Request) -> tuple[QueryParams, bool]:
    """This CSV request's parameters without `escape_formulas`, and whether it escapes formula-like text.

    On by default (the `csv_escape_formulas` setting), because CSV answers are made to be opened in
    spreadsheets; `escape_formulas=true|false` chooses for one request, e.g. for a program that wants the
    text exactly as stored.
    """
    params = request.query_params
    values = {v.strip() for v in params.getlist(ESCAPE_PARAMETER)}
    if not values:
        return params, bool(request.app.state.settings.csv_escape_formulas)
    if len(values) > 1 or not values <= {"true", "false"}:
        raise SemanticError("E_BAD_REQUEST", f"{ESCAPE_PARAMETER} must be given once, as true or false",
                            f"{ESCAPE_PARAMETER}=false writes text cells exactly as stored (for programs, not "
                            "spreadsheets)")
    rest = QueryParams([(k, v) for k, v in params.multi_items() if k != ESCAPE_PARAMETER])
    return rest, values == {"true"}


def csv_cell(value: Any, escape: bool = True) -> Any:
    """Unformatted, as a spreadsheet parses it: numbers as numbers, ISO dates, NULL empty, true/false; text
    that a spreadsheet would run as a formula is escaped unless `escape` is off (semantic/csv_safety.py)."""
    value = to_json(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = json.dumps(value) if isinstance(value, (list, dict)) else value
    return escape_formula(value) if escape else value


def csv_response(question: Question | FunnelQuestion, result: Result, escape: bool = True) -> Response:
    """The answer as CSV, the file named after the first metric (or the funnel)."""
    return csv_file(result, _file_name(question), escape)


def csv_file(result: Result, file_name: str, escape: bool = True) -> Response:
    """Header row of column names, then one line per row. `file_name` is a snake_case identifier (validated
    names only), so it is safe inside the quoted header value."""
    names = [c.name for c in result.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerows([csv_cell(row.get(name), escape) for name in names] for row in result.rows)
    headers = {"Content-Disposition": f'inline; filename="{file_name}.csv"'}
    if result.warnings:  # codes only: fixed ASCII words, safe in a header; the messages are in the JSON form
        headers[WARNINGS_HEADER] = ", ".join(dict.fromkeys(w.code for w in result.warnings))
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _file_name(question: Question | FunnelQuestion) -> str:
    return question.funnel if isinstance(question, FunnelQuestion) else question.metrics[0]


def json_response(_: Question | FunnelQuestion, result: Result) -> Response:
    return json_file(result, with_data_version=True)


def json_file(result: Result, with_data_version: bool) -> Response:
    """Columns with their types and formats, rows keyed by column name, the definitions version, the data's
    freshness, the SQL that ran with its parameters, and the answer's warnings."""
    body: dict[str, Any] = {"columns": [{"name": c.name, "type": c.type, "format": c.format, "label": c.label,
                                         "note": c.note} for c in result.columns],
                            "rows": [{k: to_json(v) for k, v in row.items()} for row in result.rows],
                            "version": result.version}
    if with_data_version:
        body["data_version"] = getattr(result, "data_version", None)
    body["freshness"] = result.freshness.as_json() if getattr(result, "freshness", None) else None
    body["truncated"] = result.truncated
    body["sql"] = result.sql
    body["params"] = to_json(dict(result.params))
    body["warnings"] = [w.__dict__ for w in result.warnings]
    return Response(json.dumps(body), media_type="application/json")


def error_response(exc: Exception, retry_after_s: int = 1) -> Response:
    """A refusal in the API's error shape; an unexpected exception is logged (one line) under a reference id."""
    headers = {}
    if isinstance(exc, SemanticError):
        status, code, message, hint = STATUS_BY_CODE.get(exc.code, 400), exc.code, exc.message, exc.hint
        message = sanitize(message) if code in DATABASE_CODES else message
        if code in RETRY_CODES:
            headers["Retry-After"] = str(retry_after_s)
    elif isinstance(exc, ValidationError):
        status, code, message, hint = 400, "E_BAD_REQUEST", describe_validation(exc), question_hint(exc)
    else:
        failure = unexpected(exc, "a plain HTTP query", deep_code="E_EXPRESSION_TOO_DEEP")
        status, code, message, hint = failure.status, failure.code, failure.message, failure.hint
    return Response(error_body(status, message, hint, code), status_code=status, headers=headers,
                    media_type="application/json")


Choice = Callable[[], tuple[QueryParams, bool | None]]  # the question's parameters; escape formulas, or None: JSON


async def respond(request: Request, served: Served, slots: QuestionSlots, choose: Choice) -> Response:
    """One answer from `served`: CSV (escaping formulas or not) or JSON, as `choose` says; it may refuse.

    Callers pass `ref.current` read once, so the request answers from that version to the end. Shared by
    /query.* and signed links, so both run under the same slots, headers and error shapes. The question
    runs as the request's caller (a signed link's path has no authentication: unrestricted, see shared_links).
    """
    try:
        params, escape = choose()
        question, result = await run_blocking(partial(ask, served.layer, params, caller_of(request.scope)), slots, request.is_disconnected)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error, never a traceback
        response = error_response(exc, slots.retry_after_s)
    else:
        response = json_response(question, result) if escape is None else csv_response(question, result, escape)
        response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
        stamp_data(response.headers, [result])
    response.headers[VERSION_HEADER] = served.version
    return response


def plain_router(ref: ServedRef, slots: QuestionSlots) -> APIRouter:
    """The two endpoints over whatever version `ref` serves when each request starts."""
    router = APIRouter()

    @router.get(f"{PREFIX}.csv", include_in_schema=False)
    async def query_csv(request: Request) -> Response:
        return await respond(request, ref.current, slots, partial(escape_choice, request))

    @router.get(f"{PREFIX}.json", include_in_schema=False)
    async def query_json(request: Request) -> Response:
        return await respond(request, ref.current, slots, lambda: (request.query_params, None))

    return router

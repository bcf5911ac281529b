"""`GET /waterfall.json` and `GET /waterfall.csv`: the pipeline waterfall for tools that cannot speak GraphQL.

Parameters mirror `semantic waterfall`'s flags (from, to, close_range or close_from/close_to, by, where,
deals, history, amount, close_date); the question is built by the same function the CLI uses, and the
answer, errors and headers follow /query.csv|json (server/plain_http.py): same slots, same version stamp,
same error shape and statuses. An unknown or doubled parameter is an error, never ignored.
"""
from __future__ import annotations

import threading

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from semantic.access import Caller
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.layer import SemanticLayer
from semantic.result import Result
from semantic.waterfall import waterfall_question
from server.context import caller_of
from server.plain_http import TRUNCATED_HEADER, csv_file, error_response, escape_choice, json_file
from server.questions import QuestionSlots, run_blocking
from server.router import VERSION_HEADER, stamp_data
from server.state import ServedRef

PREFIX = "/waterfall"  # /waterfall.csv, /waterfall.json: behind the token like /query.*
LISTS = ("by", "where")  # repeatable (by also comma-separated)
SINGLE = ("from", "to", "close_range", "close_from", "close_to", "deals", "history", "amount", "close_date")


def _params(params: QueryParams) -> dict[str, list[str]]:
    for name in params.keys():
        if name not in LISTS + SINGLE:
            raise SemanticError("E_BAD_REQUEST", f"unknown parameter '{name}'" + did_you_mean(name, LISTS + SINGLE),
                                known_names_hint("parameters", LISTS + SINGLE))
    out = {name: [v.strip() for v in params.getlist(name) if v.strip()] for name in LISTS + SINGLE}
    out["by"] = [p.strip() for v in out["by"] for p in v.split(",") if p.strip()]
    for name in SINGLE:
        if len(set(out[name])) > 1:
            raise SemanticError("E_BAD_REQUEST", f"parameter '{name}' was given {len(set(out[name]))} different "
                                "values", f"give '{name}' once")
    return out


def ask(layer: SemanticLayer, params: QueryParams, caller: Caller, cancel: threading.Event) -> Result:
    p = _params(params)
    one = {name: (p[name] or [None])[0] for name in SINGLE}
    question = waterfall_question(one["from"], one["to"], one["close_range"], one["close_from"], one["close_to"],
                                  p["by"], p["where"], one["deals"], one["history"], one["amount"],
                                  one["close_date"])
    return layer.waterfall(question, cancel, caller)


def as_json(result: Result) -> Response:
    return json_file(result, with_data_version=False)


def waterfall_router(ref: ServedRef, slots: QuestionSlots) -> APIRouter:
    router = APIRouter()

    async def answer(request: Request, as_csv: bool) -> Response:
        served = ref.current  # read once: this request answers from this version to the end
        try:
            params, escape = escape_choice(request) if as_csv else (request.query_params, False)
            result = await run_blocking(lambda cancel: ask(served.layer, params, caller_of(request.scope), cancel), slots,
                                        request.is_disconnected)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error, never a traceback
            response = error_response(exc, slots.retry_after_s)
        else:
            response = csv_file(result, "waterfall", escape) if as_csv else as_json(result)
            response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
            stamp_data(response.headers, [result])
        response.headers[VERSION_HEADER] = served.version
        return response

    @router.get(f"{PREFIX}.csv", include_in_schema=False)
    async def waterfall_csv(request: Request) -> Response:
        return await answer(request, as_csv=True)

    @router.get(f"{PREFIX}.json", include_in_schema=False)
    async def waterfall_json(request: Request) -> Response:
        return await answer(request, as_csv=False)

    return router

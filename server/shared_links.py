"""Signed links over HTTP: `POST /shared-links` mints one (behind the token), `GET /shared/NAME.csv` opens it.

Opening a link needs no header: the signature is the credential (semantic/share_links.py), so the path
is outside the bearer-token check, and it grants exactly the saved query it names, as CSV, nothing else:
no other parameter is accepted, not even the CSV opt-out (formulas are escaped as the server's setting
says). Minting is a POST behind the same token as every query, so only a caller who may already read
the saved query can hand out a link to it; with authentication off anyone could read it anyway. A link
runs unrestricted (it carries no caller), so a caller restricted by a role may not mint one.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from semantic.errors import SemanticError
from semantic.share_links import lifetime, mint, verify
from server.context import caller_of
from server.http_errors import error_body
from server.plain_http import respond
from server.questions import QuestionSlots
from server.state import ServedRef

MINT_PATH = "/shared-links"
LINK_PREFIX = "/shared/"
LINK_PARAMETERS = frozenset({"expires", "signature"})
DEFAULT_LIFETIME = "7d"
STATUS_BY_CODE = {"E_LINK_EXPIRED": 401, "E_LINK_INVALID": 403, "E_LINKS_DISABLED": 404, "E_ACCESS_DENIED": 403}
MINT_EXAMPLE = '{"saved": "forecast_this_quarter", "expires_in": "7d"}'
PATH_HINTS: dict[int, str] = {404: "a signed link is /shared/<saved query>.csv?expires=...&signature=...",
                              405: f"mint a link with POST {MINT_PATH} {MINT_EXAMPLE}; open one with GET"}


def refusal(exc: SemanticError) -> Response:
    status = STATUS_BY_CODE.get(exc.code, 400)
    return Response(error_body(status, exc.message, exc.hint, exc.code), status_code=status,
                    media_type="application/json")


async def _mint_request(request: Request) -> tuple[str, str]:
    """The saved query's name and the lifetime text from a JSON body; SemanticError when malformed."""
    try:
        body: Any = json.loads(await request.body() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("saved"), str) \
            or not isinstance(body.get("expires_in", DEFAULT_LIFETIME), str) or set(body) - {"saved", "expires_in"}:
        raise SemanticError("E_BAD_REQUEST", "send a JSON object with 'saved' (a saved query's name) and, "
                            f"optionally, 'expires_in' (default {DEFAULT_LIFETIME})", f"example: {MINT_EXAMPLE}")
    return body["saved"], body.get("expires_in", DEFAULT_LIFETIME)


def shared_links_router(ref: ServedRef, slots: QuestionSlots) -> APIRouter:
    router = APIRouter()

    @router.post(MINT_PATH, include_in_schema=False)
    async def mint_link(request: Request) -> Response:
        settings = request.app.state.settings
        served = ref.current
        try:
            saved, expires_in = await _mint_request(request)
            if served.layer.access(caller_of(request.scope)).restricted:
                raise SemanticError("E_ACCESS_DENIED", "a caller restricted by a role cannot mint signed links: "
                                    "a link is opened without a token and would show every row",
                                    "ask someone whose token sees everything (no role restriction) to mint it")
            served.layer.saved_query(saved)  # E_UNKNOWN_SAVED_QUERY with did-you-mean
            link = mint(settings.link_secret, saved, lifetime(expires_in, settings.link_max_days),
                        datetime.now(timezone.utc))
        except SemanticError as exc:
            return refusal(exc)
        body = {"url": str(request.base_url).rstrip("/") + link.path, "path": link.path, "saved": saved,
                "expires_at": link.expires_at.isoformat()}
        return Response(json.dumps(body), media_type="application/json")

    @router.get(LINK_PREFIX + "{saved}.csv", include_in_schema=False)
    async def open_link(request: Request, saved: str) -> Response:
        settings = request.app.state.settings
        params = request.query_params
        try:
            verify(settings.link_secret, saved, params.get("expires"), params.get("signature"),
                   datetime.now(timezone.utc))
        except SemanticError as exc:
            return refusal(exc)  # no version header: nothing about the definitions before authentication
        extra = sorted(set(params.keys()) - LINK_PARAMETERS)
        question = QueryParams([("saved", saved)])
        if extra:
            return refusal(SemanticError("E_BAD_REQUEST", f"a signed link opens its saved query as it is; it takes "
                                         f"no other parameter ({', '.join(extra)})",
                                         "remove the extra parameters, or ask /query.csv with a token"))
        return await respond(request, ref.current, slots, lambda: (question, settings.csv_escape_formulas))

    return router

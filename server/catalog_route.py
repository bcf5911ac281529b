"""`GET /catalog`: the definitions catalog page, behind the same tokens as the API.

It shows numbers (the charts), so unlike the GraphiQL page it is protected. Programs send the usual
`Authorization: Bearer <token>`. A browser cannot add a header to a link, so without one the page answers
401 with a small form; posting the token there (`POST /catalog/session`) checks it and stores it in a
cookie the browser then sends with `/catalog` only: HttpOnly (no script reads it), SameSite=Strict (no other
site's link or form carries it), scoped to the catalog's path (it opens nothing else), Secure over HTTPS.
The cookie is read for the catalog page alone; the API still wants the header.
"""
from __future__ import annotations

import threading
from functools import partial
from html import escape
from urllib.parse import parse_qs, quote, unquote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from semantic.access import Caller
from semantic.errors import SemanticError
from server.auth import TokenAuth
from server.catalog_charts import ChartCache
from server.catalog_page import Catalog
from server.context import CALLER_STATE, caller_of
from server.http_errors import error_body
from server.plain_http import error_response
from server.questions import QuestionSlots, run_blocking
from server.router import VERSION_HEADER
from server.state import Served, ServedRef
from server.static_files import PAGE_HEADERS, STATIC_PREFIX

CATALOG_PATH = "/catalog"
SESSION_PATH = "/catalog/session"
COOKIE = "semantic_catalog_token"
PRIVATE_HEADERS = {**PAGE_HEADERS, "Cache-Control": "private, no-store"}  # it shows numbers: never in a shared cache
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="semantic"'}
UNAUTHORIZED_HINT = "send the header 'Authorization: Bearer <token>', or open /catalog in a browser and enter it"


def _login_page(root: str, refused: bool) -> HTMLResponse:
    note = '<p class="refused" role="alert">That token was not accepted.</p>' if refused else ""
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Catalog - sign in</title>'
            f'<link rel="icon" href="data:,"><link rel="stylesheet" href="{escape(root + STATIC_PREFIX)}/catalog.css">'
            f'</head><body><main><h1>Revenue definitions catalog</h1><p>This server asks for an API token.</p>{note}'
            f'<form method="post" action="{escape(root + SESSION_PATH)}"><label>Token <input type="password" '
            f'name="token" autocomplete="current-password" required></label> <button>Open the catalog</button>'
            f'</form></main></body></html>')
    return HTMLResponse(page, status_code=401, headers={**PRIVATE_HEADERS, **CHALLENGE})


def _refused(request: Request, root: str, refused: bool = False) -> Response:
    if "text/html" in request.headers.get("accept", ""):
        return _login_page(root, refused)
    return Response(error_body(401, "missing or invalid bearer token", UNAUTHORIZED_HINT, "E_UNAUTHORIZED"),
                    status_code=401, media_type="application/json", headers=CHALLENGE)


def _render(served: Served, charts: ChartCache, root: str, graphiql: bool, caller: Caller,
            cancel: threading.Event) -> str:
    """Blocking: the charts (cached, or the batched question, cancelled if the client hangs up), the data's
    freshness over every metric (the data probes' reading, shared with answers) and the page. A restricted
    caller's page has no charts: they are drawn from every row, once per version."""
    fresh = served.layer.freshness(tuple(served.layer.definitions.metrics), cancel=cancel)
    stalest = next((e.entity for e in fresh.entities if e.latest == fresh.oldest), None) if fresh else None
    freshness = f"{fresh.oldest} ({stalest})" if fresh is not None and fresh.oldest else None
    restricted = served.layer.access(caller).restricted
    page = Catalog(served.layer, {} if restricted else charts.get(served.layer, cancel), freshness, caller)
    return page.html(root + STATIC_PREFIX, root + "/graphql" if graphiql else None)


def catalog_router(ref: ServedRef, auth: TokenAuth, slots: QuestionSlots, graphiql: bool) -> APIRouter:
    """The page and its sign-in; `graphiql` says whether the page may link to GraphiQL (the setting)."""
    router = APIRouter()
    charts = ChartCache()

    def identified(request: Request) -> Caller | None:
        """The caller behind the Authorization header or the sign-in cookie (the page is outside the API's
        middleware, so it identifies its caller itself, unless one already did); None when none is found."""
        if CALLER_STATE in (request.scope.get("state") or {}):
            return caller_of(request.scope)
        cookie = request.cookies.get(COOKIE)
        for authorization in (request.headers.get("authorization"),
                              "Bearer " + unquote(cookie) if cookie is not None else None):
            try:
                return auth.identify(authorization)
            except SemanticError:
                continue
        return None

    @router.get(CATALOG_PATH, include_in_schema=False)
    async def catalog(request: Request) -> Response:
        root = request.scope.get("root_path", "")
        caller = identified(request)
        if caller is None:
            return _refused(request, root)
        served = ref.current  # read once: the whole page describes this version
        render = partial(_render, served, charts, root, graphiql, caller)
        try:
            page = await run_blocking(render, slots, request.is_disconnected)
        except SemanticError as exc:  # every query slot taken (E_SERVER_BUSY): the API's 503 with Retry-After
            return error_response(exc, slots.retry_after_s)
        return HTMLResponse(page, headers={**PRIVATE_HEADERS, VERSION_HEADER: served.version})

    @router.post(SESSION_PATH, include_in_schema=False)
    async def session(request: Request) -> Response:
        root = request.scope.get("root_path", "")
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        if not auth.enabled:  # nothing to remember: the catalog is open
            return RedirectResponse(root + CATALOG_PATH, status_code=303)
        if not token or not auth.allows("Bearer " + token):
            return _refused(request, root, refused=True)
        response = RedirectResponse(root + CATALOG_PATH, status_code=303)
        response.set_cookie(COOKIE, quote(token, safe=""), path=root + CATALOG_PATH, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
        return response

    return router

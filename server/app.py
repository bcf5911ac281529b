"""The app factory: FastAPI + strawberry at /graphql, /query.csv and /query.json, signed links (/shared-links,
/shared/NAME.csv), /health and /ready, /metrics, auth, limits, request ids and optional reload.

The open routes (/health, /ready, and the GraphiQL page) tell nothing about the definitions or the server:
reload errors name metrics and measures, so /health shows only when and how many, and the details are at
/health/reload behind the token. FastAPI's /openapi.json is off: it would describe only the plain HTTP
routes, openly, and GraphQL's own introspection (behind the token) is the API's description.
"""
from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.auth import BearerAuth, TokenAuth
from server.catalog_route import catalog_router
from server.context import RequestContext, caller_of
from server.failures import LastResort
from server.http_errors import PATH_HINTS, api_path_errors
from server.limits import BodySizeLimit
from server.metrics import exposition
from server.observe import Observe
from server.plain_http import PATH_HINTS as PLAIN_PATH_HINTS
from server.plain_http import PREFIX as PLAIN_PREFIX
from server.plain_http import plain_router
from server.plain_waterfall import PREFIX as WATERFALL_PREFIX
from server.plain_waterfall import waterfall_router
from server.questions import QuestionSlots
from server.readiness import readiness
from server.key_checks import check_keys
from server.reload import Reloader
from server.router import VERSION_HEADER, VersionedGraphQLRouter
from server.settings import ServerSettings
from server.shared_links import LINK_PREFIX, MINT_PATH, shared_links_router
from server.shared_links import PATH_HINTS as LINK_PATH_HINTS
from server.state import ServedRef, build_served
from server.static_files import STATIC_PREFIX, static_files

log = logging.getLogger("semantic.server")
RELOAD_PATH = "/health/reload"
METRICS_PATH = "/metrics"
COLLECTOR_THRESHOLDS = (10_000, 10, 10)  # Python's default: (700, 10, 10)


def collect_cycles_less_often() -> None:
    """Raise the cyclic garbage collector's first threshold for a serving process (never lower it).

    A new question allocates thousands of short-lived objects (its plan, its SQLAlchemy statement) while the
    caches hold many long-lived ones, so at Python's default the collector ran every few hundred allocations
    and its passes cost about 1 ms of a new question's 10 (0.3 ms at these thresholds, measured in-process).
    Reference counting frees nearly all of that garbage at once; only cycles wait for the rarer passes.
    """
    if gc.get_threshold()[0] < COLLECTOR_THRESHOLDS[0]:
        gc.set_threshold(*COLLECTOR_THRESHOLDS)


def create_app(project_dir: str | Path, database_url: str | None, settings: ServerSettings | None = None,
               *, auth: TokenAuth | None = None, watch: bool = False) -> FastAPI:
    """Build the app; raises DefinitionsInvalid when the definitions are invalid at start.

    `settings` default to the environment (SEMANTIC_*), `auth` to SEMANTIC_API_TOKENS (off when unset).
    """
    settings = settings or ServerSettings.from_env()
    auth = auth if auth is not None else TokenAuth.load()
    ref = ServedRef(build_served(project_dir, database_url, settings))
    slots = QuestionSlots(settings.max_concurrent_queries, settings.queue_timeout_s)
    reloader = (Reloader(ref, project_dir, lambda: build_served(project_dir, database_url, settings),
                         settings.reload_interval_s, settings.reload_settle_s) if watch else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        collect_cycles_less_often()
        await asyncio.to_thread(check_keys, ref.current.layer)
        if reloader is not None:
            reloader.start()
            log.info("watching %s for definitions changes", Path(project_dir).resolve())
        try:
            yield
        finally:
            if reloader is not None:
                reloader.stop()

    async def get_context(request: Request, response: Response) -> RequestContext:
        served = ref.current  # read once: this request answers from this version to the end
        request.state.semantic_version = served.version
        response.headers[VERSION_HEADER] = served.version
        return RequestContext(served, settings, slots, caller_of(request.scope))

    app = FastAPI(title="Revenue semantic layer", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    router = VersionedGraphQLRouter(ref.current.schema, context_getter=get_context,
                                    graphql_ide="graphiql" if settings.graphiql else None)
    app.include_router(router, prefix="/graphql")
    app.include_router(plain_router(ref, slots))
    app.include_router(waterfall_router(ref, slots))
    app.include_router(catalog_router(ref, auth, slots, settings.graphiql))  # own token check: header or cookie
    app.mount(STATIC_PREFIX, static_files(), name="static")  # open: the pages' script and style files, no data
    app.include_router(shared_links_router(ref, slots))
    app.add_exception_handler(StarletteHTTPException,
                              api_path_errors({"/graphql": PATH_HINTS, PLAIN_PREFIX: PLAIN_PATH_HINTS,
                                               MINT_PATH: LINK_PATH_HINTS, LINK_PREFIX: LINK_PATH_HINTS}))

    @app.get("/health", include_in_schema=False)
    async def health() -> dict:
        """Liveness, the version served, and whether (not why) the last definitions change was refused."""
        served = ref.current
        error = ref.last_reload_error
        return {
            "status": "ok",
            "version": served.version,
            "loaded_at": served.loaded_at.isoformat(),
            "watching": reloader is not None,
            "reloads": ref.reloads,
            "auth": auth.enabled,
            "last_reload_error": None if error is None else {"at": error.at.isoformat(),
                                                             "issue_count": len(error.issues)},
        }

    @app.get(RELOAD_PATH, include_in_schema=False)
    async def reload_details() -> dict:
        """Why the last definitions change was refused (needs the token when auth is on)."""
        error = ref.last_reload_error
        return {"version": ref.current.version,
                "last_reload_error": None if error is None else {"at": error.at.isoformat(),
                                                                 "issues": list(error.issues)}}

    @app.get("/ready", include_in_schema=False)
    async def ready() -> Response:
        """Readiness: the database answers a trivial query quickly (503 E_DATABASE_UNAVAILABLE otherwise)."""
        return await readiness(ref.current.layer)

    @app.get(METRICS_PATH, include_in_schema=False)
    async def prometheus_metrics() -> Response:
        """Prometheus text format, every worker's samples (behind the token when auth is on)."""
        return exposition()

    app.state.served = ref
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes,
                       body_timeout_s=settings.body_timeout_s)
    app.add_middleware(LastResort)
    app.add_middleware(BearerAuth, auth=auth,
                       protected_prefixes=("/graphql", PLAIN_PREFIX, WATERFALL_PREFIX, RELOAD_PATH, MINT_PATH,
                                           METRICS_PATH),
                       ide_path="/graphql")  # refuse before reading
    app.add_middleware(Observe)  # outermost: request id, access line and metrics for every answer, refusals too
    return app

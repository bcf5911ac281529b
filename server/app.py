"""The app factory: FastAPI + strawberry at /graphql, /query.csv and /query.json, /health, auth, limits and
optional reload."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.auth import BearerAuth, TokenAuth
from server.context import RequestContext
from server.http_errors import PATH_HINTS, api_path_errors
from server.limits import BodySizeLimit
from server.plain_http import PATH_HINTS as PLAIN_PATH_HINTS
from server.plain_http import PREFIX as PLAIN_PREFIX
from server.plain_http import plain_router
from server.reload import Reloader
from server.router import VERSION_HEADER, VersionedGraphQLRouter
from server.settings import ServerSettings
from server.state import ServedRef, build_served

log = logging.getLogger("semantic.server")


def create_app(project_dir: str | Path, database_url: str | None, settings: ServerSettings | None = None,
               *, auth: TokenAuth | None = None, watch: bool = False) -> FastAPI:
    """Build the app; raises DefinitionsInvalid when the definitions are invalid at start.

    `settings` default to the environment (SEMANTIC_*), `auth` to SEMANTIC_API_TOKENS (off when unset).
    """
    settings = settings or ServerSettings.from_env()
    auth = auth if auth is not None else TokenAuth.load()
    ref = ServedRef(build_served(project_dir, database_url, settings))
    reloader = (Reloader(ref, project_dir, lambda: build_served(project_dir, database_url, settings),
                         settings.reload_interval_s) if watch else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
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
        return RequestContext(served, settings)

    app = FastAPI(title="Revenue semantic layer", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    router = VersionedGraphQLRouter(ref.current.schema, context_getter=get_context,
                                    graphql_ide="graphiql" if settings.graphiql else None)
    app.include_router(router, prefix="/graphql")
    app.include_router(plain_router(ref))
    app.add_exception_handler(StarletteHTTPException,
                              api_path_errors({"/graphql": PATH_HINTS, PLAIN_PREFIX: PLAIN_PATH_HINTS}))

    @app.get("/health")
    async def health() -> dict:
        """Liveness, the version served, and why the last definitions change was refused (if it was)."""
        served = ref.current
        error = ref.last_reload_error
        return {
            "status": "ok",
            "version": served.version,
            "loaded_at": served.loaded_at.isoformat(),
            "watching": reloader is not None,
            "reloads": ref.reloads,
            "auth": auth.enabled,
            "last_reload_error": None if error is None else {"at": error.at.isoformat(), "issues": list(error.issues)},
        }

    app.state.served = ref
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(BearerAuth, auth=auth, protected_prefixes=("/graphql", PLAIN_PREFIX),
                       ide_path="/graphql")  # outermost: refuse before reading
    return app

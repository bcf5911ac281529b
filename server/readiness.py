"""`GET /ready`: whether this server can answer questions now, for load balancers and orchestrators.

Liveness (`/health`) says the process runs; readiness says the database answers a trivial query within
`READY_TIMEOUT_S`. Both routes are open even with tokens on, so neither may tell anything about the
definitions or the server: a failure is a coded 503 with a fixed message, and the driver's words (which may
name files or hosts) go to the log only.
"""
from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from semantic.errors import SemanticError
from semantic.execute import fetch
from semantic.layer import SemanticLayer
from semantic.dberrors import sanitize
from server.failures import short
from server.http_errors import error_body

log = logging.getLogger("semantic.server")
READY_TIMEOUT_S = 2.0
NOT_READY_HINT = "retry later; the server log says why the database did not answer"


def probe(layer: SemanticLayer) -> None:
    """`SELECT 1` the way questions run: same engine, pool, limits and error codes (blocking)."""
    fetch(layer.database_url, layer.settings, None, lambda conn, _: conn.execute(sa.select(sa.literal(1))), 1)


async def readiness(layer: SemanticLayer, timeout_s: float = READY_TIMEOUT_S) -> Response:
    try:
        await asyncio.wait_for(run_in_threadpool(probe, layer), timeout_s)
    except asyncio.TimeoutError:
        log.warning("not ready: the database did not answer within %g s", timeout_s)
        return _not_ready(f"the database did not answer within {timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - any failure means not ready, said with a code
        code = exc.code if isinstance(exc, SemanticError) else type(exc).__name__
        log.warning("not ready: %s: %s", code, sanitize(short(exc)))
        return _not_ready("the database is not answering")
    return Response('{"status": "ready"}', media_type="application/json")


def _not_ready(message: str) -> Response:
    return Response(error_body(503, message, NOT_READY_HINT, "E_DATABASE_UNAVAILABLE"), status_code=503,
                    media_type="application/json", headers={"Retry-After": "1"})

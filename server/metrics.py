"""Prometheus metrics: requests and latency by operation, errors by code, result cache lookups, database time.

Label values are bounded: an operation is a GraphQL operation name (the first `MAX_OPERATION_NAMES` distinct
well-formed names a process sees, then "other"; unnamed operations are "anonymous") or the route's path
template; a path no route matches is "unmatched". Error codes come from the server's own code list.

With several worker processes, PROMETHEUS_MULTIPROC_DIR must name an empty folder before the workers start
(`semantic serve --workers N` makes one: server/asgi.py, `multiprocess_dir`): each process writes its samples there and `/metrics`, whichever
worker answers it, reads them all. Counters and histograms only: they need no cleanup when a worker exits.
"""
from __future__ import annotations

import os
import re
import threading
import time
from typing import Any, Callable, Mapping

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client import generate_latest
from starlette.responses import Response

from semantic.result_cache import all_cache_stats
from server.asgi import MULTIPROC_ENV

MAX_OPERATION_NAMES = 50
OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
CODE = re.compile(r"[EW]_[A-Z0-9_]{1,40}")
SYNC_INTERVAL_S = 1.0
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter("semantic_requests_total", "HTTP requests answered, by operation and status.",
                   ["operation", "status"])
LATENCY = Histogram("semantic_request_duration_seconds", "Time from a request's arrival to its last byte, by "
                    "operation.", ["operation"], buckets=LATENCY_BUCKETS)
ERRORS = Counter("semantic_errors_total", "Errors answered, by code (GraphQL errors and HTTP refusals).", ["code"])
CACHE_LOOKUPS = Counter("semantic_result_cache_lookups_total", "Result cache lookups, by result (hit or miss).",
                        ["result"])
DATABASE_TIME = Histogram("semantic_database_statement_seconds", "Time the database driver took to execute one "
                          "statement (fetching its rows not included).", buckets=LATENCY_BUCKETS)


class OperationNames:
    """The GraphQL operation names used as labels: well-formed ones, at most `limit` distinct per process."""

    def __init__(self, limit: int = MAX_OPERATION_NAMES) -> None:
        self.limit = limit
        self.seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not OPERATION_NAME.fullmatch(name):
            return "other"
        with self._lock:
            if name in self.seen or len(self.seen) < self.limit:
                self.seen.add(name)
                return name
        return "other"


def error_label(code: str) -> str:
    return code if CODE.fullmatch(code) else "other"


def record(operation: str, status: int, duration_s: float, codes: list[str]) -> None:
    REQUESTS.labels(operation, str(status)).inc()
    LATENCY.labels(operation).observe(duration_s)
    for code in codes:
        ERRORS.labels(error_label(code)).inc()
    CACHE_COUNTS.sync_soon()


class CacheCounts:
    """Moves the result cache's own cumulative counts into Prometheus counters (which multiprocess mode adds
    up across workers): at most every `interval_s` after a request, and always before this process answers
    a scrape, so a scrape is never older than its own process's lookups."""

    def __init__(self, source: Callable[[], Mapping[str, Any]], interval_s: float = SYNC_INTERVAL_S) -> None:
        self.source = source
        self.interval_s = interval_s
        self.hits = self.misses = 0
        self.synced_at = 0.0
        self._lock = threading.Lock()

    def sync_soon(self) -> None:
        if time.monotonic() - self.synced_at >= self.interval_s:
            self.sync()

    def sync(self) -> None:
        self.synced_at = time.monotonic()
        stats = self.source().values()
        hits, misses = sum(s.hits for s in stats), sum(s.misses for s in stats)
        with self._lock:
            new_hits, new_misses = hits - self.hits, misses - self.misses
            self.hits, self.misses = hits, misses
        if new_hits > 0:
            CACHE_LOOKUPS.labels("hit").inc(new_hits)
        if new_misses > 0:
            CACHE_LOOKUPS.labels("miss").inc(new_misses)


CACHE_COUNTS = CacheCounts(all_cache_stats)


def _before_execute(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:
    conn.info.setdefault("semantic_started", []).append(time.perf_counter())


def _after_execute(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:
    started = conn.info.get("semantic_started")
    if started:
        DATABASE_TIME.observe(time.perf_counter() - started.pop())


def time_database_statements() -> None:
    """Observe every statement any engine of this process executes (idempotent)."""
    if not sa.event.contains(sa.engine.Engine, "before_cursor_execute", _before_execute):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", _before_execute)
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", _after_execute)


def exposition() -> Response:
    """The `/metrics` answer: this process's metrics, or every worker's in multiprocess mode."""
    CACHE_COUNTS.sync()
    registry = REGISTRY
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


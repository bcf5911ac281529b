"""When to ask again: transient failures only, with exponential backoff or the server's Retry-After.

Every request this client sends is read-only, so asking again is always safe; it is only useful when the
failure may pass. That is: the connection failed (refused, reset, DNS, connect timeout); the server said it
is busy or its database is unavailable (503 with Retry-After on plain HTTP, the same codes in GraphQL
errors); or a gateway in front of it answered 502/503/504 without the API's error body. Never a 4xx, and
never a coded 502/504 from the API itself (`E_QUERY_FAILED`, `E_QUERY_TIMEOUT`): the same question would
fail the same way. A read timeout is not retried either: the server is still working on the question, and
asking again would pile up work.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from .errors import ApiError, TransportError

log = logging.getLogger("revenue_semantic_client")

BUSY_CODES = frozenset({"E_SERVER_BUSY", "E_DATABASE_BUSY", "E_DATABASE_UNAVAILABLE", "E_QUERY_CANCELLED"})
GATEWAY_STATUSES = frozenset({502, 503, 504})
STILL_WORKING = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; waits `backoff_s`, then twice that, and so on, each capped at `max_wait_s`.

    A Retry-After from the server replaces the computed wait (capped too). `RetryPolicy(attempts=1)`
    turns retrying off.
    """

    attempts: int = 4
    backoff_s: float = 0.5
    max_wait_s: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.backoff_s < 0 or self.max_wait_s < 0:
            raise ValueError("RetryPolicy needs attempts >= 1 and non-negative backoff_s and max_wait_s")

    def wait_s(self, attempt: int, failure: ApiError) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None when `failure` should be raised now."""
        if attempt >= self.attempts or not transient(failure):
            return None
        wait = failure.retry_after_s if failure.retry_after_s is not None else self.backoff_s * 2 ** (attempt - 1)
        return min(wait, self.max_wait_s)

    def note(self, method: str, url: str, attempt: int, failure: ApiError, wait: float) -> None:
        log.warning("retrying %s %s in %.2f s after %s (attempt %d of %d)", method, url, wait, failure.code,
                    attempt + 1, self.attempts)


def transient(failure: ApiError) -> bool:
    """Whether asking the same question again may succeed (see the module docstring)."""
    if isinstance(failure, TransportError):
        return failure.status is None and not isinstance(failure.__cause__, STILL_WORKING)
    if failure.code in BUSY_CODES:
        return True
    return failure.status in GATEWAY_STATUSES and failure.code.startswith("HTTP_")


def transport_error(exc: httpx.TransportError) -> TransportError:
    """A connection-level failure as the client's own family, the httpx exception kept as the cause."""
    error = TransportError("E_TRANSPORT", f"{type(exc).__name__}: {exc}".rstrip(": "),
                           "check the base URL and that the server is running and reachable")
    error.__cause__ = exc
    return error

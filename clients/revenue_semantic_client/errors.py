"""One exception class per error family, each carrying the server's code, message and hint.

The server answers refusals as `{"errors": [{"message", "extensions": {"code", "hint"}}]}`, over plain HTTP
with a status (400, 401, 503...) and over GraphQL with HTTP 200. The family is chosen by the code first
(so a GraphQL error and the same refusal over plain HTTP raise the same class), then by the HTTP status,
so a code this client does not know yet still lands in a sensible family.
"""
from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    """Base class: the request failed; `code` and `hint` say why and how to fix it."""

    def __init__(self, code: str, message: str, hint: str = "", status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(f"{code}: {message}" + (f" (hint: {hint})" if hint else ""))
        self.code, self.message, self.hint, self.status = code, message, hint, status
        self.retry_after_s = retry_after_s  # the server's Retry-After, when it sent one


class AuthError(ApiError):
    """Missing, wrong or expired credentials: a bearer token or a signed link (401, 403)."""


class BadRequestError(ApiError):
    """The question or request is wrong (bad grain, filter, order, argument...); the hint says how to fix it."""


class NotFoundError(ApiError):
    """A name that is not defined (metric, dimension, saved query, funnel, term) or a path that is no endpoint."""


class TooCostlyError(ApiError):
    """A limit refused the question (periods, cells, document size or depth, statement timeout)."""


class ServerBusyError(ApiError):
    """The server or its database is busy or unavailable; raised once the retries are used up."""


class ServerError(ApiError):
    """The server failed: a bug (`E_INTERNAL` with a reference id) or the database refused the SQL."""


class TransportError(ApiError):
    """No usable answer from the server: connection refused or reset, timeout, or a body that is not the API's."""


FAMILY_BY_CODE: dict[str, type[ApiError]] = {
    "E_UNAUTHORIZED": AuthError, "E_LINK_EXPIRED": AuthError, "E_LINK_INVALID": AuthError,
    "E_NOT_FOUND": NotFoundError, "E_UNKNOWN_METRIC": NotFoundError, "E_UNKNOWN_DIMENSION": NotFoundError,
    "E_UNKNOWN_SAVED_QUERY": NotFoundError, "E_UNKNOWN_FUNNEL": NotFoundError, "E_UNKNOWN_TERM": NotFoundError,
    "E_QUERY_TOO_COSTLY": TooCostlyError, "E_QUERY_TIMEOUT": TooCostlyError, "E_TOO_MANY_QUESTIONS": TooCostlyError,
    "E_QUERY_TOO_DEEP": TooCostlyError, "E_TOO_MANY_ALIASES": TooCostlyError, "E_QUERY_TOO_LARGE": TooCostlyError,
    "E_REQUEST_TOO_LARGE": TooCostlyError, "E_VALUE_TOO_DEEP": TooCostlyError,
    "E_EXPRESSION_TOO_DEEP": TooCostlyError,
    "E_SERVER_BUSY": ServerBusyError, "E_DATABASE_BUSY": ServerBusyError,
    "E_DATABASE_UNAVAILABLE": ServerBusyError, "E_QUERY_CANCELLED": ServerBusyError,
    "E_INTERNAL": ServerError, "E_QUERY_FAILED": ServerError, "E_NO_DATABASE": ServerError,
    "E_BAD_DATABASE_URL": ServerError,
}
FAMILY_BY_STATUS: dict[int, type[ApiError]] = {401: AuthError, 403: AuthError, 404: NotFoundError,
                                               413: TooCostlyError, 429: ServerBusyError, 503: ServerBusyError}


def family(code: str | None, status: int) -> type[ApiError]:
    """The class for a refusal: by code when known, else by status (other 4xx: bad request; 5xx: server)."""
    if code in FAMILY_BY_CODE:
        return FAMILY_BY_CODE[code]
    if status in FAMILY_BY_STATUS:
        return FAMILY_BY_STATUS[status]
    return ServerError if status >= 500 else BadRequestError


def error_of(response: httpx.Response) -> ApiError | None:
    """The error a response carries (a non-2xx status, or GraphQL `errors`), or None for a good answer."""
    body = _json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if response.is_success and not errors:
        return None
    retry_after = _seconds(response.headers.get("retry-after"))
    if errors and isinstance(errors, list) and isinstance(errors[0], dict):
        first: dict[str, Any] = errors[0]
        extensions = first.get("extensions") or {}
        code = extensions.get("code")
        cls = family(code, response.status_code if not response.is_success else 400)
        return cls(code or f"HTTP_{response.status_code}", str(first.get("message", "")),
                   str(extensions.get("hint", "")), response.status_code, retry_after)
    cls = family(None, response.status_code)
    if response.is_success:  # 2xx whose body is not the API's: a proxy or a wrong URL answered
        cls = TransportError
    return cls(f"HTTP_{response.status_code}", response.text[:200] or response.reason_phrase,
               "check the base URL: this answer did not come from the semantic layer's API",
               response.status_code, retry_after)


def _json(response: httpx.Response) -> Any:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _seconds(header: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is not used by the API and is ignored."""
    try:
        return max(0.0, float(header)) if header is not None else None
    except ValueError:
        return None

"""The sync and async clients. They differ only in how they wait; requests, errors and retries are shared.

Questions go to `/query.json` (and `/query.csv`), whose parameters mirror `semantic query`, so an answer
here equals the CSV a spreadsheet gets for the same URL. `execute()` sends any GraphQL document with its
variables (names and values never pasted into the document).
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Sequence, Unpack

import httpx

from .answer import Answer
from .errors import ApiError, TransportError, error_of
from .question import Options, query_params
from .retry import RetryPolicy, transport_error

USER_AGENT = "revenue-semantic-client"


class _Requests:
    """What both clients share: the base URL, the token header, the retry policy and reading answers."""

    def __init__(self, base_url: str, token: str | None, retry: RetryPolicy | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {"User-Agent": USER_AGENT, **({"Authorization": f"Bearer {token}"} if token else {})}
        self.retry = retry or RetryPolicy()

    @staticmethod
    def _csv_params(metrics: Sequence[str], by: Sequence[str], escape_formulas: bool | None,
                   options: Options) -> list[tuple[str, str]]:
        params = query_params(metrics, by, options)
        if escape_formulas is not None:
            params.append(("escape_formulas", "true" if escape_formulas else "false"))
        return params

    @staticmethod
    def _graphql_body(document: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        return {"query": document, "variables": variables or {}}

    @staticmethod
    def _answer(response: httpx.Response) -> Answer:
        try:
            return Answer.from_json(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise TransportError("E_BAD_ANSWER", f"the answer is not the API's JSON: {exc}",
                                 "check the base URL points at the semantic layer", response.status_code) from None

    def _outcome(self, attempt: int, response: httpx.Response | None,
                exc: httpx.TransportError | None) -> tuple[httpx.Response | None, ApiError | None, float | None]:
        """(good response, or the failure and how long to wait before trying again, None: raise it now)."""
        failure = transport_error(exc) if exc is not None else error_of(response)  # type: ignore[arg-type]
        if failure is None:
            return response, None, None
        return None, failure, self.retry.wait_s(attempt, failure)


class SemanticClient(_Requests):
    """Blocking client; use it as a context manager (or call `close()`)."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 60.0,
                 retry: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(base_url, token, retry)
        self._http = httpx.Client(base_url=self.base_url, headers=self.headers, timeout=timeout_s,
                                  transport=transport)

    def __enter__(self) -> "SemanticClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def query(self, metrics: Sequence[str] = (), by: Sequence[str] = (), **options: Unpack[Options]) -> Answer:
        """Ask a question; `.to_pandas()`, `.to_polars()` or `.to_arrow()` on the answer give typed frames."""
        return self._answer(self._send("GET", "/query.json", params=query_params(metrics, by, options)))

    def csv(self, metrics: Sequence[str] = (), by: Sequence[str] = (), escape_formulas: bool | None = None,
            **options: Unpack[Options]) -> str:
        """The answer as the CSV text `/query.csv` serves (formula-like text escaped unless told otherwise)."""
        return self._send("GET", "/query.csv", params=self._csv_params(metrics, by, escape_formulas, options)).text

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Any GraphQL document; returns its `data`."""
        return self._send("POST", "/graphql", json=self._graphql_body(document, variables)).json()["data"]

    def share_link(self, saved: str, expires_in: str = "7d") -> dict[str, str]:
        """A signed, read-only URL of a saved query's CSV for tools that cannot send a token (`url`, `expires_at`)."""
        return self._send("POST", "/shared-links", json={"saved": saved, "expires_in": expires_in}).json()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        attempt = 1
        while True:
            response, exc = None, None
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                exc = error
            good, failure, wait = self._outcome(attempt, response, exc)
            if failure is None:
                return good  # type: ignore[return-value]
            if wait is None:
                raise failure
            self.retry.note(method, path, attempt, failure, wait)
            time.sleep(wait)
            attempt += 1


class AsyncSemanticClient(_Requests):
    """The same API for asyncio code: `async with AsyncSemanticClient(url) as client: await client.query(...)`."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 60.0,
                 retry: RetryPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(base_url, token, retry)
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=self.headers, timeout=timeout_s,
                                       transport=transport)

    async def __aenter__(self) -> "AsyncSemanticClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def query(self, metrics: Sequence[str] = (), by: Sequence[str] = (), **options: Unpack[Options]) -> Answer:
        return self._answer(await self._send("GET", "/query.json", params=query_params(metrics, by, options)))

    async def csv(self, metrics: Sequence[str] = (), by: Sequence[str] = (), escape_formulas: bool | None = None,
                  **options: Unpack[Options]) -> str:
        response = await self._send("GET", "/query.csv", params=self._csv_params(metrics, by, escape_formulas, options))
        return response.text

    async def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self._send("POST", "/graphql", json=self._graphql_body(document, variables))
        return response.json()["data"]

    async def share_link(self, saved: str, expires_in: str = "7d") -> dict[str, str]:
        response = await self._send("POST", "/shared-links", json={"saved": saved, "expires_in": expires_in})
        return response.json()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        attempt = 1
        while True:
            response, exc = None, None
            try:
                response = await self._http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                exc = error
            good, failure, wait = self._outcome(attempt, response, exc)
            if failure is None:
                return good  # type: ignore[return-value]
            if wait is None:
                raise failure
            self.retry.note(method, path, attempt, failure, wait)
            await asyncio.sleep(wait)
            attempt += 1

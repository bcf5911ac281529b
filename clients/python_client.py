"""A small typed client for the semantic layer's GraphQL API, for notebooks and scripts.

It sends the question as GraphQL variables (so names and values are never pasted into the document),
raises `ApiError` with the server's code and hint, and can write any answer to CSV for spreadsheet and BI
tools that cannot speak GraphQL. `csv()` asks the server's `/query.csv` directly, for pandas and files.

    client = SemanticClient("http://127.0.0.1:8000", token=None)
    rows = client.query(["bookings", "win_rate"], dimensions=["account.segment"], grain="quarter")
    client.to_csv(rows, "bookings.csv")
    text = client.csv(["bookings"], ["account.segment"], where="opportunity.type = 'new_business'")
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import httpx

QUERY = """
query Ask($metrics: [MetricName!]!, $dimensions: [String!], $grain: Grain, $timeRange: TimeRangeInput,
          $filters: [FilterInput!], $orderBy: [OrderByInput!], $limit: Int, $timeDimension: String) {
  query(metrics: $metrics, dimensions: $dimensions, grain: $grain, timeRange: $timeRange, filters: $filters,
        orderBy: $orderBy, limit: $limit, timeDimension: $timeDimension) {
    columns { name type format label }
    rows
    version
    truncated
  }
}
"""


class ApiError(Exception):
    """The server refused the request; `code` and `hint` say why and how to fix it."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(f"{code}: {message}" + (f" (hint: {hint})" if hint else ""))
        self.code, self.message, self.hint = code, message, hint


@dataclass(frozen=True)
class Answer:
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    version: str
    truncated: bool


class SemanticClient:
    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 60.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s)

    def __enter__(self) -> "SemanticClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Any GraphQL document; returns `data` or raises ApiError."""
        response = self._http.post("/graphql", json={"query": document, "variables": variables or {}})
        try:
            body = response.json()
        except ValueError:
            raise ApiError(f"HTTP_{response.status_code}", response.text[:200]) from None
        _raise_for_errors(body, response.status_code)
        response.raise_for_status()
        return body["data"]

    def csv(self, metrics: Sequence[str] = (), dimensions: Sequence[str] = (), grain: str | None = None,
            start: str | None = None, end: str | None = None, relative: str | None = None,
            where: str | Sequence[str] = (), order_by: Sequence[str] = (), limit: int | None = None,
            time_dimension: str | None = None, saved: str | None = None) -> str:
        """The answer as CSV text from `/query.csv`: header of column names, unformatted values.

        Arguments follow `semantic query` (`where` in its filter syntax, `order_by` as `col` or
        `col:desc`); the server parses them, so this needs no GraphQL and no schema.
        """
        params = {"metrics": ",".join(metrics), "by": list(dimensions), "grain": grain, "from": start,
                  "to": end, "range": relative, "where": [where] if isinstance(where, str) else list(where),
                  "order_by": list(order_by), "limit": limit, "time_dimension": time_dimension, "saved": saved}
        response = self._http.get("/query.csv", params={k: v for k, v in params.items() if v not in (None, "", [])})
        if response.is_success:
            return response.text
        try:
            body = response.json()
        except ValueError:
            raise ApiError(f"HTTP_{response.status_code}", response.text[:200]) from None
        _raise_for_errors(body, response.status_code)
        raise ApiError(f"HTTP_{response.status_code}", response.text[:200])

    def ask(self, metrics: Sequence[str], dimensions: Sequence[str] = (), grain: str | None = None,
            start: str | None = None, end: str | None = None, relative: str | None = None,
            filters: Iterable[dict[str, Any]] = (), order_by: Iterable[dict[str, Any]] = (),
            limit: int | None = None, time_dimension: str | None = None) -> Answer:
        """A metric question, with columns and the version stamp of the definitions that answered it."""
        time_range = {"from": start, "to": end, "relative": relative} if (start or end or relative) else None
        variables = {"metrics": list(metrics), "dimensions": list(dimensions), "grain": grain,
                     "timeRange": time_range, "filters": list(filters), "orderBy": list(order_by),
                     "limit": limit, "timeDimension": time_dimension}
        result = self.execute(QUERY, variables)["query"]
        return Answer(result["columns"], result["rows"], result["version"], result["truncated"])

    def query(self, metrics: Sequence[str], dimensions: Sequence[str] = (), **kwargs: Any) -> list[dict[str, Any]]:
        """Just the rows (one dict per row, keyed by column name)."""
        return self.ask(metrics, dimensions, **kwargs).rows

    @staticmethod
    def to_csv(rows: list[dict[str, Any]], path: str | Path) -> Path:
        """Write rows to CSV with a header; columns keep their API names (e.g. `account.segment`)."""
        target = Path(path)
        names = list(rows[0]) if rows else []
        with target.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
        return target


def _raise_for_errors(body: Any, status: int) -> None:
    """ApiError with the server's code and hint when the answer carries errors (GraphQL or plain HTTP)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        first = errors[0]
        extensions = first.get("extensions") or {}
        raise ApiError(extensions.get("code", f"HTTP_{status}"), first.get("message", ""), extensions.get("hint", ""))

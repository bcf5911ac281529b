"""Where a deck's numbers come from: the library (`LayerAnswers`) or a running API (`ApiAnswers`).

Both answer the same two questions -- a slide's question, and what a metric means -- and return the same plain
shapes (JSON-ready rows, the definitions version, the freshness stamp), so the deck cannot tell them apart and
shows exactly what GraphQL, CSV or BI tools show for the same saved query.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from semantic.definitions.formula_text import formula_text
from semantic.definitions.models import SavedQuery
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question


@dataclass(frozen=True)
class MetricNote:
    """What a metric means, for its footnote."""

    name: str
    label: str | None
    description: str | None
    formula: str
    format: str | None


@dataclass(frozen=True)
class Answer:
    columns: tuple[dict[str, Any], ...]  # name, type, format, label (as GraphQL's `columns`)
    rows: list[dict[str, Any]]
    version: str
    truncated: bool
    freshness: dict[str, Any] | None  # {"oldest": ISO | None, "entities": [{entity, column, latest}]}


class Answers(Protocol):
    def answer(self, saved_name: str | None, question: SavedQuery) -> Answer: ...
    def metric_note(self, name: str) -> MetricNote: ...


class LayerAnswers:
    """Through the library, as `semantic query --saved` and the API's resolvers do."""

    def __init__(self, layer: SemanticLayer) -> None:
        self.layer = layer

    def answer(self, saved_name: str | None, question: SavedQuery) -> Answer:
        result = self.layer.query(Question.from_saved(question))
        columns = tuple({"name": c.name, "type": c.type, "format": c.format, "label": c.label}
                        for c in result.columns)
        return Answer(columns, result.rows, result.version, result.truncated,
                      result.freshness.as_json() if result.freshness else None)

    def metric_note(self, name: str) -> MetricNote:
        metric = self.layer.metric(name)
        return MetricNote(name, metric.label, metric.description, formula_text(metric), metric.format)


SAVED = """query Deck($name: SavedQueryName!) { savedQuery(name: $name) {
  columns { name type format label } rows version truncated freshness } }"""
INLINE = """query Deck($metrics: [MetricName!]!, $dimensions: [String!], $grain: Grain, $timeRange: TimeRangeInput,
  $filters: [FilterInput!], $orderBy: [OrderByInput!], $limit: Int, $timeDimension: String, $compare: Compare,
  $likeForLike: Boolean!, $asOf: String, $asOfEach: AsOfEach) {
  query(metrics: $metrics, dimensions: $dimensions, grain: $grain, timeRange: $timeRange, filters: $filters,
        orderBy: $orderBy, limit: $limit, timeDimension: $timeDimension, compare: $compare,
        likeForLike: $likeForLike, asOf: $asOf, asOfEach: $asOfEach) {
  columns { name type format label } rows version truncated freshness } }"""
METRICS = "{ metrics { name label description formula format } }"


class ApiAnswers:
    """Through a running server's GraphQL endpoint (plain HTTP JSON, bearer token)."""

    def __init__(self, url: str, token: str | None, timeout_s: float = 60.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise SemanticError("E_DECK_API", f"--api {url!r} is not an http(s) URL",
                                "pass the server's base URL, e.g. http://127.0.0.1:8000")
        self.endpoint = url.rstrip("/") + "/graphql"
        self.token = token
        self.timeout_s = timeout_s
        self._notes: dict[str, MetricNote] | None = None

    def answer(self, saved_name: str | None, question: SavedQuery) -> Answer:
        if saved_name:
            body = self._post(SAVED, {"name": saved_name})["savedQuery"]
        else:
            body = self._post(INLINE, _variables(question))["query"]
        return Answer(tuple(body["columns"]), body["rows"], body["version"], body["truncated"], body["freshness"])

    def metric_note(self, name: str) -> MetricNote:
        if self._notes is None:
            self._notes = {m["name"]: MetricNote(m["name"], m["label"], m["description"], m["formula"], m["format"])
                           for m in self._post(METRICS, {})["metrics"]}
        if name not in self._notes:
            raise SemanticError("E_UNKNOWN_METRIC", f"the API at {self.endpoint} has no metric '{name}'",
                                "the server serves other definitions than --project: deploy them, or point "
                                "--project at the served definitions")
        return self._notes[name]

    def _post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.endpoint, json.dumps({"query": query, "variables": variables}).encode(),
                                         headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # http(s) only: see __init__
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise _http_error(self.endpoint, exc) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SemanticError("E_DECK_API", f"cannot read an answer from {self.endpoint}: {exc}",
                                "check --api (the server's base URL, e.g. http://127.0.0.1:8000) and that "
                                "`semantic serve` is running") from None
        if body.get("errors"):
            first = body["errors"][0]
            extensions = first.get("extensions") or {}
            raise SemanticError(extensions.get("code", "E_DECK_API"), first.get("message", "the API refused"),
                                extensions.get("hint", "see docs/api.md"))
        return body["data"]


def _http_error(endpoint: str, exc: urllib.error.HTTPError) -> SemanticError:
    """A refused request (401, 429, 5xx) as the server's own coded error when it sent one."""
    try:
        detail = json.loads(exc.read())
        first = detail["errors"][0] if "errors" in detail else detail
        code, message = first.get("extensions", first).get("code"), first.get("message")
        hint = first.get("extensions", first).get("hint", "")
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        code, message, hint = None, None, ""
    return SemanticError(code or "E_DECK_API", message or f"{endpoint} answered HTTP {exc.code}",
                         hint or ("pass --token (or set SEMANTIC_API_TOKEN)" if exc.code == 401 else "see docs/api.md"))


def _variables(question: SavedQuery) -> dict[str, Any]:
    """An inline question as GraphQL variables (enum values are the YAML's own lowercase words)."""
    q = question.model_dump(by_alias=True, mode="json")
    return {"metrics": q["metrics"], "dimensions": q["dimensions"] or None, "grain": q["grain"],
            "timeRange": q["time_range"], "filters": q["filters"] or None, "orderBy": q["order_by"] or None,
            "limit": q["limit"], "timeDimension": q["time_dimension"], "compare": q["compare"],
            "likeForLike": q["like_for_like"], "asOf": q["as_of"], "asOfEach": q["as_of_each"]}

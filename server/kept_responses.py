"""Whole GraphQL responses kept as the bytes sent, so asking again skips GraphQL, the layer and JSON.

A response is decided by the request (document, operation name, variables), the caller's access context,
the definitions version and the day (relative ranges such as `this_quarter`), and, when it read data, by the
data version. Those are its key. Two kinds of operation are kept:

- catalogue-only ones (metrics, metric, glossary, term, stages, entities, savedQueries, version,
  dimensions), which read no data: kept under no data version;
- questions (query, savedQuery, funnel, waterfall, beside catalogue fields), kept under the one data
  version all their answers carry, and looked up only when the current data version is known without
  waiting (`SemanticLayer.settled_data_version`): when a probe is due the request takes the usual path,
  which probes.

`history` is never kept (it is read from git, which moves without the definitions), nor a response with
errors. Entries live in the database's result cache (semantic/result_cache.py), counted by their bytes in
its one budget; a hit counts as a cache hit. A reload or a data change is never answered from an old
entry: its key is simply not asked for again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Literal

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, OperationType, SelectionSetNode

from server.documents import parsed_or_none

Kind = Literal["catalogue", "question"]
CATALOGUE_FIELDS = frozenset({"metrics", "metric", "glossary", "term", "stages", "entities", "savedQueries",
                              "version", "dimensions", "__typename"})
QUESTION_FIELDS = frozenset({"query", "savedQuery", "funnel", "waterfall"})
NEVER_KEPT = frozenset({"history"})
KEPT_HEADERS = ("content-type", "x-semantic-version", "x-semantic-data-version", "x-semantic-data-freshness")


def _field_names(selections: SelectionSetNode | None) -> Iterable[str]:
    for selection in selections.selections if selections is not None else ():
        if isinstance(selection, FieldNode):
            yield selection.name.value
        yield from _field_names(getattr(selection, "selection_set", None))


@lru_cache(maxsize=512)
def operation_kind(query: str, operation_name: str | None, max_tokens: int) -> tuple[Kind | None, str | None]:
    """(what kind of keepable operation the document runs, or None; the operation's name)."""
    document = parsed_or_none(query, max_tokens)
    if document is None:
        return None, None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                  and (operation_name is None or (d.name is not None and d.name.value == operation_name))]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return None, None
    operation = operations[0]
    name = operation.name.value if operation.name is not None else None
    roots = {s.name.value if isinstance(s, FieldNode) else None for s in operation.selection_set.selections}
    if not roots <= CATALOGUE_FIELDS | QUESTION_FIELDS:
        return None, name
    every_field = set(_field_names(operation.selection_set))
    for fragment in (d for d in document.definitions if isinstance(d, FragmentDefinitionNode)):
        every_field |= set(_field_names(fragment.selection_set))
    if every_field & NEVER_KEPT:
        return None, name
    return ("question" if roots & QUESTION_FIELDS else "catalogue"), name


@dataclass(frozen=True)
class Asked:
    """What a POSTed GraphQL request asks, read from its JSON body."""

    query: str
    operation_name: str | None
    variables: str  # canonical JSON: equal variables give equal keys

    @classmethod
    def read(cls, body: bytes) -> Asked | None:
        """The request, or None for anything but one plain operation (the usual path reports problems)."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            return None
        name, variables = data.get("operationName"), data.get("variables")
        if not (name is None or isinstance(name, str)) or not (variables is None or isinstance(variables, dict)):
            return None
        try:
            shown = json.dumps(variables, sort_keys=True, separators=(",", ":")) if variables else ""
        except (TypeError, ValueError):
            return None
        return cls(data["query"], name, shown)


@dataclass(frozen=True)
class Keepable:
    """A request whose response may be kept once it is answered cleanly: what, and on which day it was asked."""

    asked: Asked
    kind: Kind
    operation: str | None
    day: str


@dataclass(frozen=True)
class KeptResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    operation: str | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


def response_key(asked: Asked, caller_key: str, definitions_version: str, day: str,
                 data_version: str | None) -> tuple:
    return ("response", definitions_version, day, data_version, asked.query, asked.operation_name, asked.variables,
            caller_key)


def kept_headers(headers: Any) -> tuple[tuple[str, str], ...]:
    """The headers a kept response repeats: its type, and the definitions and data it was made from."""
    return tuple((name, headers[name]) for name in KEPT_HEADERS if name in headers)


def common_data_version(answers: list[Any]) -> str | None:
    """The data version every answer of a response carries, or None when one lacks it or they differ."""
    versions = {getattr(answer, "data_version", None) for answer in answers}
    return versions.pop() if len(versions) == 1 and None not in versions else None

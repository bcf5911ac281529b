"""Whole answers to catalogue-only GraphQL operations, kept per definitions version.

An operation that reads only the catalogue (metrics, metric, glossary, term, stages, entities, savedQueries,
version, dimensions) has one answer per definitions version, caller and request (document, operation name,
variables): executing it again would walk the same objects and build the same response. Such answers are
kept, least recently used first out, `ANSWERS_PER_VERSION` per version, and dropped with their version
(server/per_version.py). `history` is never kept: it is read from git, which moves without the definitions.
The caller's `cache_key()` is part of the key, so access policies that hide metrics from some callers never
see another caller's catalogue. Answers with errors are not kept: they are rare and must stay logged.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Iterable

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, OperationType, SelectionSetNode
from strawberry.types import ExecutionResult

from semantic.definitions import Definitions
from server.documents import parsed_or_none
from server.per_version import per_version

CATALOGUE_FIELDS = frozenset({"metrics", "metric", "glossary", "term", "stages", "entities", "savedQueries",
                              "version", "dimensions", "__typename"})
NEVER_KEPT = frozenset({"history"})
ANSWERS_PER_VERSION = 256
NOT_CATALOGUE = (False, None)


def _field_names(selections: SelectionSetNode | None) -> Iterable[str]:
    for selection in selections.selections if selections is not None else ():
        if isinstance(selection, FieldNode):
            yield selection.name.value
        yield from _field_names(getattr(selection, "selection_set", None))


@lru_cache(maxsize=512)
def catalogue_operation(query: str, operation_name: str | None, max_tokens: int) -> tuple[bool, str | None]:
    """(whether the operation reads only the catalogue, its name) for one document text."""
    document = parsed_or_none(query, max_tokens)
    if document is None:
        return NOT_CATALOGUE
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                  and (operation_name is None or (d.name is not None and d.name.value == operation_name))]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return NOT_CATALOGUE
    operation = operations[0]
    roots = operation.selection_set.selections
    if not all(isinstance(s, FieldNode) and s.name.value in CATALOGUE_FIELDS for s in roots):
        return NOT_CATALOGUE
    every_field = set(_field_names(operation.selection_set))
    for fragment in (d for d in document.definitions if isinstance(d, FragmentDefinitionNode)):
        every_field |= set(_field_names(fragment.selection_set))
    if every_field & NEVER_KEPT:
        return NOT_CATALOGUE
    return True, operation.name.value if operation.name is not None else None


class Answers:
    """A small least-recently-used map from request keys to execution results."""

    def __init__(self, size: int = ANSWERS_PER_VERSION) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, ExecutionResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> ExecutionResult | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, result: ExecutionResult) -> None:
        with self._lock:
            self._entries[key] = result
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def answer_key(context: Any, query: Any, operation_name: str | None, variables: Any) -> tuple | None:
    """The key a catalogue-only request is kept under, or None when the request is not catalogue-only."""
    if not isinstance(query, str):
        return None
    only_catalogue, _ = catalogue_operation(query, operation_name, context.settings.max_tokens)
    if not only_catalogue:
        return None
    try:
        shown_variables = json.dumps(variables, sort_keys=True) if variables else ""
    except (TypeError, ValueError):
        return None
    return query, operation_name, shown_variables, context.caller.cache_key()


def answers_of(defs: Definitions) -> Answers:
    return per_version(defs, "catalogue_answers", Answers)

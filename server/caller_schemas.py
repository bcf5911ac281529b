"""The GraphQL schema a caller executes on: its enums list only the names the caller's roles show.

The enums carry every name with its description, so one schema for everyone would let a restricted caller
read the hidden metrics, saved queries and dimensions through introspection (and GraphiQL's completion).
Which names a caller sees follows from its view alone (restricted, known roles: `semantic.access.view_of`),
so callers with the same roles share one schema. An unrestricted caller gets `Served.schema`, built with the
version; a restricted view's schema is built on its first request and kept with its definitions version
(server/per_version.py), `VIEWS_PER_VERSION` at most, least recently used out, so a flood of role
combinations costs rebuilds, never memory.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

import strawberry

from semantic.access import Caller, View, names_access, view_of
from server.per_version import per_version
from server.settings import ServerSettings
from server.state import Served

VIEWS_PER_VERSION = 32


class ViewSchemas:
    """Schemas by view, least recently used first out; two requests racing on a new view may both build it."""

    def __init__(self, size: int = VIEWS_PER_VERSION) -> None:
        self.size = size
        self._schemas: OrderedDict[View, strawberry.Schema] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, view: View, build: Callable[[], strawberry.Schema]) -> strawberry.Schema:
        with self._lock:
            found = self._schemas.get(view)
            if found is not None:
                self._schemas.move_to_end(view)
                return found
        schema = build()
        with self._lock:
            schema = self._schemas.setdefault(view, schema)
            self._schemas.move_to_end(view)
            while len(self._schemas) > self.size:
                self._schemas.popitem(last=False)
            return schema

    def __len__(self) -> int:
        return len(self._schemas)


def views_of(served: Served) -> ViewSchemas:
    """The restricted schemas kept for the version `served` serves."""
    return per_version(served.layer.definitions, "caller_schemas", ViewSchemas)


def schema_for(served: Served, caller: Caller, settings: ServerSettings) -> strawberry.Schema:
    """The schema `caller` executes on in `served`'s version."""
    from server.schema import build_schema  # not at the top: server.schema imports the router, which imports this

    defs = served.layer.definitions
    view = view_of(defs, caller)
    if not view[0]:
        return served.schema
    return views_of(served).get(view, lambda: build_schema(served.layer, settings, names_access(defs, view)))

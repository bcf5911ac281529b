"""What the server is serving right now: one definitions version, its layer and its GraphQL schema.

The schema is generated from the definitions (metric names become an enum for autocompletion), so layer
and schema are built together and swapped together as one immutable `Served` (its schema lists every name;
a restricted caller's own is built from the same layer when first asked, server/caller_schemas.py).
`ServedRef.current` is the only mutable thing: a request reads it once when it starts and keeps that
`Served` to the end, so a reload never mixes two versions inside one response.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import strawberry

from semantic.layer import SemanticLayer
from server.settings import ServerSettings

log = logging.getLogger("semantic.server")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Served:
    layer: SemanticLayer
    schema: strawberry.Schema
    loaded_at: datetime = field(default_factory=_now)

    @property
    def version(self) -> str:
        return str(self.layer.version)


@dataclass(frozen=True)
class ReloadError:
    """A refused definitions change: when, and every issue rendered as `file:line:col: error[...]`."""

    at: datetime
    issues: tuple[str, ...]


class ServedRef:
    """The swap point. Assigning one attribute is atomic in Python, so readers never see a half update."""

    def __init__(self, served: Served) -> None:
        self.current = served
        self.last_reload_error: ReloadError | None = None
        self.reloads = 0
        self._lock = threading.Lock()

    def swap(self, served: Served) -> None:
        with self._lock:  # serialises writers only; readers just read `current`
            previous = self.current
            self.current = served
            self.last_reload_error = None
            self.reloads += 1
        log.info("definitions reloaded: now serving %s (was %s)", served.version, previous.version)

    def refuse(self, issues: list[str]) -> None:
        with self._lock:
            self.last_reload_error = ReloadError(_now(), tuple(issues))
        for line in issues:
            log.error("definitions change refused: %s", line)
        log.error("still serving %s", self.current.version)


def build_served(project_dir: str | Path, database_url: str | None, settings: ServerSettings) -> Served:
    """Open and validate the project and generate its schema; raises DefinitionsInvalid when invalid."""
    from server.schema import build_schema

    layer = SemanticLayer.open(project_dir, database_url, settings.execution())
    return Served(layer, build_schema(layer, settings))

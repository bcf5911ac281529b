"""Source adapters: one module per export format, each a pure parser `read(path, options) -> Iterator[Record]`.

`ADAPTERS` maps the name used on the command line (each module's `SOURCE`) to its module. Options are
one frozen value for every adapter so the CLI can pass them without knowing which adapter needs what.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class AdapterOptions:
    mapping: Path | None = None  # the call-log adapter's column mapping (YAML)


def _registry() -> dict[str, ModuleType]:
    # Imported here, after AdapterOptions exists, because every adapter module imports it from this package.
    from semantic.ingest.adapters import call_log, gmail_api, google_calendar, hubspot, mbox, zoom

    return {module.SOURCE: module for module in (gmail_api, mbox, google_calendar, zoom, hubspot, call_log)}


ADAPTERS: dict[str, ModuleType] = _registry()

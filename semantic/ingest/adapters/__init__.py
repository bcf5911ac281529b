"""The source adapters: SOURCE name (as typed on the CLI) -> the module that parses that source's exports.

Every adapter module exposes `SOURCE`, a docstring listing the fields it reads, and
`read(path, options) -> Iterator[Record]`, a streamed parser that yields records and rejects and raises only
`IngestError` for a file it cannot read at all. It may also expose `file_order(path) -> int`: the store ingests
the files of one run in that order (parents before children, e.g. Salesforce Accounts before Contacts).
"""
from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO

from semantic.errors import did_you_mean, known_names_hint
from semantic.ingest.errors import UNKNOWN_SOURCE, IngestError, unreadable
from semantic.ingest.records import Record

ADAPTERS: dict[str, str] = {
    "salesforce": "semantic.ingest.adapters.salesforce",
    "gmail_api": "semantic.ingest.adapters.gmail_api",
    "mbox": "semantic.ingest.adapters.mbox",
    "google_calendar": "semantic.ingest.adapters.google_calendar",
    "zoom": "semantic.ingest.adapters.zoom",
    "hubspot": "semantic.ingest.adapters.hubspot",
    "call_log": "semantic.ingest.adapters.call_log",
}


@dataclass(frozen=True)
class AdapterOptions:
    """What a run tells every adapter; most adapters need none of it."""

    mapping: Path | None = None                     # the call-log adapter's YAML column mapping
    on_bytes: Callable[[int], None] | None = None   # told the bytes read so far, for a progress bar


def adapter(source: str) -> ModuleType:
    """The adapter module for a SOURCE name; an unknown name is a coded error listing the known ones."""
    if source not in ADAPTERS:
        raise IngestError(UNKNOWN_SOURCE, f"unknown source '{source}'{did_you_mean(source, ADAPTERS)}",
                          known_names_hint("sources", ADAPTERS))
    return importlib.import_module(ADAPTERS[source])


def read(source: str, path: Path, options: AdapterOptions) -> Iterator[Record]:
    return adapter(source).read(path, options)


def file_order(source: str, path: Path) -> int:
    """Where `path` goes in the run's file order (0 when the adapter does not care)."""
    order = getattr(adapter(source), "file_order", None)
    return order(path) if order else 0


class _CountingReader(io.RawIOBase):
    """A binary file that reports the bytes read so far, so a progress bar can follow any text parser."""

    def __init__(self, raw: io.RawIOBase, report: Callable[[int], None]) -> None:
        self._raw = raw
        self._report = report
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int | None:  # type: ignore[override]
        count = self._raw.readinto(buffer)
        self._done += count or 0
        self._report(self._done)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_text(path: Path, options: AdapterOptions, *, newline: str | None = None,
              errors: str = "strict") -> IO[str]:
    """Open a UTF-8 text export for streaming (reporting progress to options.on_bytes); unreadable -> IngestError.

    A leading byte order mark (Excel writes one) is skipped; with `errors="strict"` invalid UTF-8 surfaces later
    as a UnicodeDecodeError, which adapters turn into `unreadable(...)` (JSON and CSV readers replace it instead).
    """
    return io.TextIOWrapper(open_binary(path, options), encoding="utf-8-sig", newline=newline, errors=errors)


def open_binary(path: Path, options: AdapterOptions) -> io.BufferedReader:
    """Open an export as bytes for streaming, reporting progress to options.on_bytes; unreadable -> IngestError."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the returned wrapper
    except IsADirectoryError:
        raise unreadable(path, "it is a folder", "name the export files themselves") from None
    except FileNotFoundError:
        raise unreadable(path, "no such file") from None
    except OSError as exc:
        raise unreadable(path, exc.strerror or str(exc)) from None
    binary: io.RawIOBase = raw if options.on_bytes is None else _CountingReader(raw, options.on_bytes)
    return io.BufferedReader(binary, buffer_size=1 << 16)

"""CSV rows one at a time with their line numbers and text, where a broken row is a value, not an exception.

`csv.reader` raises on a NUL byte or a field past its size limit (which also bounds memory on a file whose
quote never closes); the reader can go on afterwards, so the row becomes a reject and reading continues. The
row's text as written (quoted fields, line breaks inside them) is kept for the reject.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from semantic.ingest.adapters import AdapterOptions, open_text


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int                  # the physical line the row starts on (1-based)
    cells: list[str]
    text: str                  # the row as written in the file, without its line break
    error: str | None = None   # why the row could not be read; cells are then empty


def csv_rows(path: Path, options: AdapterOptions = AdapterOptions()) -> Iterator[CsvRow]:
    with open_text(path, options, newline="", errors="replace") as stream:
        lines: list[str] = []
        reader = csv.reader(_recorded(stream, lines))
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield CsvRow(start, [], _text(lines), f"not valid CSV ({exc})")
                continue
            yield CsvRow(start, cells, _text(lines))


def _recorded(stream: TextIO, lines: list[str]) -> Iterator[str]:
    """The stream's lines, each also appended to `lines` (which the caller empties per row)."""
    for line in stream:
        lines.append(line)
        yield line


def _text(lines: list[str]) -> str:
    text = "".join(lines).rstrip("\r\n")
    lines.clear()
    return text

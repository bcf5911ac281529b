"""CSV rows one at a time with their line numbers, where a broken row is a value instead of an exception.

`csv.reader` raises on a NUL byte or a field past its size limit (which also bounds memory on a file whose
quote never closes); the reader can go on afterwards, so the row becomes a reject and reading continues.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from semantic.ingest.adapters.json_stream import open_text


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int                  # the physical line the row starts on (1-based)
    cells: list[str]
    error: str | None = None   # why the row could not be read; cells are then empty

    @property
    def text(self) -> str:
        return ",".join(self.cells)


def csv_rows(path: Path) -> Iterator[CsvRow]:
    with open_text(path) as stream:
        reader = csv.reader(stream)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield CsvRow(start, [], f"not valid CSV ({exc})")
                continue
            yield CsvRow(start, cells)

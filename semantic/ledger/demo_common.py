"""Shared plumbing of the demo generator: the clock, random streams and Arrow conversions.

Times are carried as int64 seconds since the Unix epoch (naive UTC) so every step stays a numpy
vector operation; they become Arrow timestamps only when a table is assembled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Table

from semantic.ledger.schema import metadata

DAY = 86_400
HISTORY_DAYS = 3 * 365
PART_ROWS = 250_000
"""Rows per part of a table drawn in parts (activities, leads): what memory holds of it at any time."""

FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dan", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kara", "Liam",
               "Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wes", "Yuki",
               "Zane", "Aiko", "Bruno", "Carmen", "Diego", "Elena", "Femi", "Gita", "Hana", "Ivan", "Jana")
LAST_NAMES = ("Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
              "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tanaka",
              "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Berg", "Novak", "Murphy", "Schmidt")


@dataclass
class Clock:
    """The time window of the demo: about three years of history ending just before `as_of`."""

    as_of: date
    end: int = field(init=False)    # first second of as_of: nothing happens at or after it
    start: int = field(init=False)  # first second of the history window

    def __post_init__(self) -> None:
        midnight = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=timezone.utc)
        self.end = int(midnight.timestamp())
        self.start = self.end - HISTORY_DAYS * DAY


class Streams:
    """Independent random generators per table, so changing one table's draws does not reshuffle another."""

    def __init__(self, seed: int, as_of: date) -> None:
        self._root = np.random.SeedSequence([seed, as_of.toordinal()])
        self._names: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        if name not in self._names:
            key = [ord(c) for c in name]
            self._names[name] = np.random.default_rng(np.random.SeedSequence(self._root.entropy, spawn_key=key))
        return self._names[name]

    def part(self, name: str, k: int) -> np.random.Generator:
        """The stream of part `k` of a table drawn in parts: the table's own for the first part."""
        return self(name if k == 0 else f"{name}#{k}")


def count(base: float, scale: float, minimum: int) -> int:
    return max(minimum, int(round(base * scale)))


def part_sizes(rows: int) -> list[int]:
    """The sizes of the parts `rows` is drawn in: PART_ROWS each, the last one what is left."""
    return [min(PART_ROWS, rows - first) for first in range(0, rows, PART_ROWS)]


def business_time(rng: np.random.Generator, day_start: np.ndarray) -> np.ndarray:
    """Move each day onto a weekday (mostly) and add a time of day in office hours (08:00-18:00)."""
    days = day_start // DAY
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday == 0
    move = (weekday >= 5) & (rng.random(days.size) < 0.85)
    days = np.where(move & (weekday == 5), days - 1, days)
    days = np.where(move & (weekday == 6), days + 1, days)
    return days * DAY + 8 * 3600 + rng.integers(0, 10 * 3600, days.size)


def pick(rng: np.random.Generator, choices: tuple[str, ...], size: int, p: list[float] | None = None) -> np.ndarray:
    """Indices into `choices` (kept as integers until the Arrow table is built)."""
    return rng.choice(len(choices), size=size, p=p)


def labels(choices: tuple[str, ...], idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Dictionary-decode indices to an Arrow string column; `valid` False gives NULL."""
    arr = pa.array(choices, pa.string()).take(pa.array(idx.astype(np.int64)))
    if valid is None:
        return arr
    return pc.if_else(pa.array(valid), arr, pa.nulls(len(arr), pa.string()))


def people_names(rng: np.random.Generator, size: int) -> tuple[pa.Array, pa.Array]:
    """Random (display name, lowercase first.last) pairs, built column-wise."""
    first = labels(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), size))
    last = labels(LAST_NAMES, rng.integers(0, len(LAST_NAMES), size))
    display = pc.binary_join_element_wise(first, last, " ")
    handle = pc.utf8_lower(pc.binary_join_element_wise(first, last, "."))
    return display, handle


def ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(seconds.astype(np.int64) * 1_000_000, type=pa.timestamp("us"), mask=mask)


def dates(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array((seconds // DAY).astype(np.int32), type=pa.date32(), mask=mask)


def ids(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(values.astype(np.int64), type=pa.int64(), mask=mask)


def money(whole_units: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Whole currency units to DECIMAL(18,2); amounts are generated in whole units to keep sums exact."""
    return ids(whole_units, valid).cast(pa.decimal128(21, 2)).cast(pa.decimal128(18, 2))


_ARROW_TYPES = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "VARCHAR": pa.string(), "BOOLEAN": pa.bool_(),
                "DATE": pa.date32(), "DATETIME": pa.timestamp("us"), "NUMERIC(18, 2)": pa.decimal128(18, 2)}


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a ledger (or ingest bookkeeping) table, column for column."""
    return pa.schema([(c.name, _ARROW_TYPES[str(c.type)]) for c in table.columns])


def empty_table(name: str) -> pa.Table:
    """A table of the ledger schema with no rows (for tables only ingest fills)."""
    return arrow_schema(metadata.tables[name]).empty_table()

"""What a query returns: typed columns, rows keyed by column name, the SQL, the definitions version, a
stamp of the data it was read from, and warnings about what the numbers rest on."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # semantic.freshness compiles SQL, which imports this module
    from semantic.freshness import Freshness


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # date | string | number | integer | boolean | timestamp
    format: str | None = None  # currency | percent | number | integer | days (metrics only)
    label: str | None = None
    note: str | None = None  # how a comparison was made: like for like (the same days) or whole periods


@dataclass(frozen=True)
class AnswerWarning:
    """Something the numbers rest on is doubtful (a key that repeats, say); the answer is given regardless."""

    code: str  # W_KEY_NOT_UNIQUE, W_KEY_NULL, W_JOIN_ORPHANS, W_KEY_UNCHECKED, W_KEYS_UNVERIFIED
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Result:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    version: str
    truncated: bool
    compiled: Any  # the CompiledQuery; its SQL text is rendered only if a client asks for it
    data_version: str | None = None  # the file identity and data probes it was read under (semantic/probes.py);
    # None when the database cannot tell (then the answer is not cached)
    warnings: tuple[AnswerWarning, ...] = ()
    freshness: Freshness | None = None  # newest row of each entity read, and the oldest of those (metric questions)

    @property
    def sql(self) -> str:
        return self.compiled.sql

    @property
    def params(self) -> dict[str, Any]:
        return self.compiled.params

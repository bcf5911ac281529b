"""What a query returns: typed columns, rows keyed by column name, the SQL and the definitions version."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # date | string | number | integer | boolean
    format: str | None = None  # currency | percent | number | integer | days (metrics only)
    label: str | None = None


@dataclass(frozen=True)
class Result:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    sql: str
    version: str
    params: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False

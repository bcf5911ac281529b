"""Swap the shown SQL's parameter markers for SQL literals so sqlglot can parse the statement.

The shown text carries each database's native markers (semantic/sql/shown.py): `$1` (DuckDB, PostgreSQL),
`:1` (Snowflake), `@param_1` (BigQuery), `?` (Trino) and `:param_1` (Spark), keyed in `params` as `$1`, `:1`,
`@param_1`, `?1`, `:param_1`.
sqlglot reads them in some dialects only, so every marker becomes the literal of its bound value: that also
makes the parser see the types the database would (a DATE literal where a date is bound).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_MARKER = re.compile(r"\$\d+\b|(?<![:\w]):\w+\b|(?<![@\w])@[A-Za-z_]\w*")  # `:1`, not `::TYPE`


def literal(value: Any) -> str:
    """A dialect-neutral SQL literal for a bound value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (list, tuple)):  # a bound list (DuckDB): its list literal
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def header(params: dict[str, Any]) -> str:
    """Snapshot header: one `-- name = literal` comment line per bound parameter, in compile order."""
    return "".join(f"-- {name} = {literal(value)}\n" for name, value in params.items())


def read_header(text: str) -> dict[str, str]:
    """The literals recorded by `header`, so a snapshot file can be parsed on its own."""
    return dict(re.findall(r"^-- ([$:?@]\w+) = (.*)$", text, flags=re.MULTILINE))


def inline(sql: str, literals: dict[str, str]) -> str:
    """`sql` (header lines dropped) with every `$1`, `:1`, `@name` or `?` marker replaced by its literal."""
    sql = re.sub(r"^-- [$:?@]\w+ = .*\n", "", sql, flags=re.MULTILINE)
    sql = _MARKER.sub(lambda m: literals.get(m.group(0), m.group(0)), sql)
    if "?" in sql:  # positional markers follow compile order, which the header preserves
        queue = iter(v for k, v in literals.items() if k.startswith("?"))
        sql = re.sub(r"\?", lambda m: next(queue), sql)
    return sql

"""Swap a driver's bind-parameter markers for SQL literals so sqlglot can parse the statement.

The compiled text carries the marker style of each SQLAlchemy dialect: pyformat `%(param_1)s` (psycopg,
Snowflake, DuckDB), named `:param_1` (BigQuery and Trino when compiled without a live driver), and in other
setups qmark `?`, numeric `$1` or BigQuery's `@param_1`. sqlglot reads `:name`, `?` and `@name` in some
dialects only and never reads `%(name)s`, so every marker becomes the literal of its bound value: that also
makes the parser see the types the database would (a DATE literal where a date is bound).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_PYFORMAT = re.compile(r"%\((\w+)(?::\w+)?\)s")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")  # not the second colon of a `::TYPE` cast
_AT = re.compile(r"(?<![@\w])@([A-Za-z_]\w*)")
_NUMERIC = re.compile(r"\$(\d+)")


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
    return dict(re.findall(r"^-- (\w+) = (.*)$", text, flags=re.MULTILINE))


def inline(sql: str, literals: dict[str, str]) -> str:
    """`sql` with every pyformat, named, @, numeric or positional marker replaced by its literal."""
    def named(m: re.Match) -> str:
        return literals.get(m.group(1), m.group(0))

    sql = _PYFORMAT.sub(named, sql)
    sql = _NAMED.sub(named, sql)
    sql = _AT.sub(named, sql)
    ordered = list(literals.values())
    sql = _NUMERIC.sub(lambda m: ordered[int(m.group(1)) - 1], sql)
    if "?" in sql:  # positional markers follow compile order, which the header preserves
        queue = iter(ordered)
        sql = re.sub(r"\?", lambda m: next(queue), sql)
    return sql

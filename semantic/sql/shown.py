"""The SQL a user is shown: the database's own text, with its parameters beside it or inlined as literals.

Drivers with a `format`/`pyformat` paramstyle (psycopg, duckdb-engine's default, Snowflake, BigQuery) make
SQLAlchemy double every `%` of the text, so `strftime(d, '%Y')` compiled for them reads `'%%Y'`: pasted into
a console it runs and answers something else. The shown text is therefore compiled with the placeholder
style each database reads natively (its facts in semantic/dialects/), where a `%` stays a `%`:

| dialect | placeholders | why it is what ran |
| --- | --- | --- |
| duckdb | `$1, $2, ...` | duckdb-engine executes this very text (numeric_dollar) |
| postgresql | `$1, $2, ...` | psycopg 3 sends its `%(name)s` text to the server as exactly this |
| snowflake | `:1, :2, ...` | Snowflake's server-side binding |
| bigquery | `@param_1, ...` | BigQuery's named query parameters |
| trino | `?` | `EXECUTE ... USING` |
| spark | `:name` | `spark.sql(text, args={name: value})` binds these very markers |

The literal form (`semantic compile --literals`, the default for consoles that bind no parameters:
docs/warehouses.md) inlines every value with the dialect's quoting: strings through SQLAlchemy's literal
processors (quotes doubled, Snowflake's backslashes doubled) or the dialect's own (BigQuery's backslash
escapes), dates and timestamps as typed `DATE '...'` / `TIMESTAMP '...'` literals so they compare as dates
everywhere. Values are the layer's bound parameters, never SQL text a user typed, so inlining them cannot
change the SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from semantic.dialects import DialectFacts, dialect_for, facts

_MARKER = {"numeric_dollar": "${}", "numeric": ":{}", "qmark": "?{}"}


def _typed_literal(value: Any, found: DialectFacts) -> str | None:
    """Literals whose default rendering loses the type (a date as a bare string); None: the dialect's own."""
    if isinstance(value, datetime):
        return f"{found.timestamp_keyword} '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str) and found.string_literal is not None:
        return found.string_literal(value)
    return None


@lru_cache(maxsize=None)
def shown_dialect(name: str) -> Dialect:
    """`name`'s SQLAlchemy dialect with its native placeholders and no `%` doubling."""
    base = type(dialect_for(name))
    found = facts(name)

    class ShownCompiler(base.statement_compiler):  # type: ignore[name-defined,misc]
        def render_literal_value(self, value: Any, type_: Any) -> str:
            if isinstance(value, (list, tuple)):  # a bound list (DuckDB's spine of periods)
                return found.array_literal.format(", ".join(self.render_literal_value(v, type_) for v in value))
            typed = _typed_literal(value, found)
            return typed if typed is not None else super().render_literal_value(value, type_)

        def bindparam_string(self, *args: Any, **kwargs: Any) -> str:
            text = super().bindparam_string(*args, **kwargs)
            return found.named_marker + text[1:] if text.startswith(":") else text

    dialect_class = type(f"Shown{base.__name__}", (base,), {"statement_compiler": ShownCompiler})
    dialect = dialect_class(paramstyle=found.placeholder_style)
    dialect.identifier_preparer._double_percents = False
    return dialect


@dataclass(frozen=True)
class ShownSQL:
    """The text and its parameters keyed by the marker that stands for each (`$1`, `:1`, `?1`, `@param_1`,
    `:param_1`)."""

    text: str
    params: dict[str, Any]


def shown_sql(statement: sa.Select, name: str) -> ShownSQL:
    compiled = statement.compile(dialect=shown_dialect(name))
    values = compiled.construct_params()
    if compiled.positional:
        marker = _MARKER[facts(name).placeholder_style]
        params = {marker.format(i): values[key] for i, key in enumerate(compiled.positiontup or (), 1)}
    else:
        params = {f"{facts(name).named_marker}{key}": value for key, value in values.items()}
    return ShownSQL(str(compiled), params)


def literal_sql(statement: sa.Select, name: str) -> str:
    """The statement with every parameter written as a literal of the dialect (runs with no parameters)."""
    return str(statement.compile(dialect=shown_dialect(name), compile_kwargs={"literal_binds": True}))


def json_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON values (dates in ISO form), for the `params` beside the `sql` of JSON answers."""
    def value(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [value(item) for item in v]
        return v.isoformat() if isinstance(v, (date, datetime)) else v

    return {k: value(v) for k, v in params.items()}

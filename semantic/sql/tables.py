"""Where a step's rows come from: an entity's table (or derived SELECT) under an alias, and its columns.

Shared by the step renderers (steps.py) and the history renderers (history.py), which read the same tables.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlglot import exp

from semantic.definitions.expressions import parse_select
from semantic.definitions.project import Definitions
from semantic.dialects import facts
from semantic.sql.history_rows import generated_sql
from semantic.sql.render import needs_quotes, require_dialect, today_literal


@lru_cache(maxsize=8192)
def _qualified_text(alias: str, column: str, dialect: str) -> str:
    node = exp.column(column, table=exp.to_identifier(alias, quoted=needs_quotes(alias, dialect)),
                      quoted=needs_quotes(column, dialect))
    return node.sql(dialect=facts(dialect).sqlglot_name)


def qualified(alias: str, column: str, dialect: str) -> ColumnElement:
    """`alias.column`, each quoted only where the dialect needs it (as SQLAlchemy quotes the alias); the text
    is cached, since sqlglot takes a quarter of a millisecond to build it and a history step names dozens."""
    return sa.literal_column(_qualified_text(alias, column, dialect))


def every_column(alias: str, dialect: str) -> ColumnElement:
    """`alias.*`, the alias quoted as `qualified` quotes it."""
    return sa.literal_column(_qualified_text(alias, "x", dialect)[:-1] + "*")


def entity_source(defs: Definitions, entity_name: str, alias: str, dialect: str,
                  today: date | None = None) -> sa.FromClause:
    """The entity's rows: its table, or its SELECT as a subquery (`current_date` in it as `today` when given)."""
    entity = defs.entities[entity_name]
    if entity.table:
        schema, _, name = entity.table.rpartition(".")
        return sa.table(name, schema=schema or None).alias(alias)
    text, columns = _select_text(defs, entity_name, dialect, today)
    return sa.text(text).columns(*[sa.column(c) for c in columns]).subquery(alias)


@lru_cache(maxsize=64)  # keyed by the definitions object: a reload's old versions age out
def _select_text(defs: Definitions, entity_name: str, dialect: str, today: date | None) -> tuple[str, tuple[str, ...]]:
    """A derived or history-generated entity's SELECT in the dialect, and its columns: transpiling a generated
    SELECT takes milliseconds, and every question on the entity (per definitions version and day) needs it."""
    entity = defs.entities[entity_name]
    if entity.from_history is not None:
        tree, columns = parse_select(generated_sql(defs, entity_name))
    else:
        tree, columns = parse_select(entity.sql or "")
    if today is not None:
        tree = tree.transform(lambda n: today_literal(today) if isinstance(n, exp.CurrentDate) else n)
    require_dialect(tree, dialect, f"derived entity '{entity_name}' sql")
    return tree.sql(dialect=facts(dialect).sqlglot_name), tuple(columns)

"""Optional check of the definitions against a live database: every table and column they use exists.

Not one of RULES: it needs a connection, so `semantic validate --database URL` runs it on request. It only
reads the catalogue (SQLAlchemy inspect; Spark's catalog API for a `sc://` URL), never the data, and opens
DuckDB files read-only so that a mistyped path is reported instead of silently creating an empty database.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, inspect, literal_column, select, table
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlglot import exp

from semantic.definitions.expressions import ExpressionError, parse_scalar, parse_select
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context
from semantic.dialects import facts_of, facts_of_url
from semantic.errors import IssueList, Position, did_you_mean


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    dialect = facts_of(parsed.get_backend_name())
    args = {"read_only": True} if dialect is not None and dialect.data_file(parsed) else {}  # a DuckDB file
    return create_engine(parsed, connect_args=args)


def used_columns(defs: Definitions, entity: str) -> dict[str, Position | None]:
    """Raw columns an entity's definitions read, each with the first place it is written."""
    ent = defs.entities[entity]
    found: dict[str, Position | None] = {}
    if ent.primary_key:
        found[ent.primary_key] = defs.where_value("entities", entity, "primary_key")
    for i, col in enumerate(ent.columns):
        found.setdefault(col, defs.where_value("entities", entity, "columns", i))
    for role, join in ent.joins.items():
        found.setdefault(join.foreign_key, defs.where_value("entities", entity, "joins", role, "foreign_key"))
    computed = {d for d, dim in ent.dimensions.items() if dim.expr is not None}
    for d in ent.dimensions:
        if d not in computed:
            found.setdefault(d, defs.where("entities", entity, "dimensions", d))
    for mname, meas in ent.measures.items():
        if meas.expr is None and meas.agg != "count":
            found.setdefault(mname, defs.where("entities", entity, "measures", mname))
    for site in context(defs).expr_sites:
        if site.entity == entity:
            try:
                names = parse_scalar(site.text).identifiers
            except ExpressionError:
                continue
            for name in sorted(names - computed):
                found.setdefault(name, site.position)
    return found


def _split(table: str) -> tuple[str | None, str]:
    schema, _, name = table.rpartition(".")
    return schema or None, name


def check_database(defs: Definitions, url: str, issues: IssueList) -> None:
    """Report E_DB_TABLE / E_DB_COLUMN for what the database lacks; E_DB_CONNECT when it cannot be read."""
    try:
        own = facts_of_url(url)  # a dialect reached without SQLAlchemy lists its catalogue itself
        engine = None if own is not None and own.catalog is not None else _engine(url)
        try:
            inspector: Any = own.catalog(url) if engine is None else inspect(engine)  # type: ignore[union-attr]
            for name, ent in defs.entities.items():
                if ent.table:
                    _check_table(defs, inspector, name, ent.table, issues)
                elif ent.sql:
                    _check_sql_tables(defs, inspector, name, ent.sql, issues)
        finally:
            if engine is not None:
                engine.dispose()
    except Exception as exc:  # any driver or network failure becomes one clear issue, never a traceback
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        issues.add("E_DB_CONNECT", f"cannot read the database catalogue: {detail}", None,
                   "check the --database URL, that the database is running and that the file exists")


def _check_table(defs: Definitions, inspector: Any, entity: str, table: str, issues: IssueList) -> None:
    schema, name = _split(table)
    if not inspector.has_table(name, schema=schema):
        known = inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema)
        if name not in known:
            issues.add("E_DB_TABLE", f"entity '{entity}': table '{table}' does not exist" + did_you_mean(name, known),
                       defs.where_value("entities", entity, "table"), "fix `table:` or create the table")
            return
    existing = _column_names(inspector, name, schema)
    lowered = {c.lower() for c in existing}
    for column, pos in used_columns(defs, entity).items():
        if column not in existing and column.lower() not in lowered:
            issues.add("E_DB_COLUMN", f"entity '{entity}': column '{column}' does not exist in table '{table}'"
                       + did_you_mean(column, existing), pos, f"columns of {table}: {', '.join(sorted(existing))}")


def _column_names(inspector: Any, name: str, schema: str | None) -> set[str]:
    """Columns from the catalogue. duckdb-engine cannot reflect columns under SQLAlchemy 2.1 (its pg_catalog
    emulation lacks pg_collation), so DuckDB reads the names of an empty `select * ... limit 0` instead."""
    dialect = facts_of(inspector.bind.dialect.name) if hasattr(inspector, "bind") else None
    if dialect is None or dialect.reflects_columns:
        try:
            return {c["name"] for c in inspector.get_columns(name, schema=schema)}
        except SQLAlchemyError:
            pass
    query = select(literal_column("*")).select_from(table(name, schema=schema)).limit(0)
    with inspector.bind.connect() as conn:
        return set(conn.execute(query).keys())


def _check_sql_tables(defs: Definitions, inspector: Any, entity: str, sql: str, issues: IssueList) -> None:
    try:
        tree = parse_select(sql)[0]
    except ExpressionError:
        return
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name in ctes:
            continue
        schema = table.db or None
        if not inspector.has_table(table.name, schema=schema) and \
                table.name not in inspector.get_view_names(schema=schema):
            issues.add("E_DB_TABLE", f"derived entity '{entity}' reads table '{'.'.join(filter(None, (table.db, table.name)))}', which does not exist",
                       defs.where_value("entities", entity, "sql"), "fix the table name in its sql")

"""A small ledger written as YAML rows, loaded into an in-memory DuckDB for definition tests.

A test's expected numbers are counted by hand from rows a reviewer can read, so the rows live next to the
tests as YAML (typed values, and a file:line:col for every mistake). Column types come from, in order: the
file's `types:`, the canonical ledger's columns (`schema: canonical`, typed like semantic/ledger/schema.py
but without its keys and NOT NULLs, so a fixture gives only the columns its tests read), the values
written. An in-memory database needs no cleanup and cannot touch a real ledger.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from semantic.definitions.model_types import Model
from semantic.definitions.schema_check import parse_item
from semantic.definitions.yaml_source import SourceMap, load_yaml_file
from semantic.errors import IssueList, Position, first_line

ColumnType = Literal["integer", "number", "text", "boolean", "date", "timestamp"]
SQL_TYPES: dict[str, Any] = {"integer": sa.BigInteger, "number": sa.Double, "text": sa.String,
                             "boolean": sa.Boolean, "date": sa.Date, "timestamp": sa.DateTime}
Rows = list[dict[str, Any]]


class LedgerFile(Model):
    schema_: Literal["canonical"] | None = Field(None, alias="schema", description="canonical: create every "
                                                 "canonical ledger table, typed, before the rows are added.")
    types: dict[str, dict[str, ColumnType]] = Field({}, description="table -> column -> type, for columns no "
                                                    "row gives a value to (or to override the values' type).")
    tables: dict[str, Rows] = Field(description="table -> its rows, each a mapping of column: value.")


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, datetime):
        return "timestamp"
    if isinstance(value, date):
        return "date"
    return "text"


WIDER = {frozenset({"integer", "number"}): "number", frozenset({"date", "timestamp"}): "timestamp"}


def _canonical_columns() -> dict[str, dict[str, Any]]:
    from semantic.ledger.schema import metadata  # the canonical ledger is only needed when a fixture asks

    return {t.name: {c.name: c.type for c in t.columns} for t in metadata.sorted_tables}


def _columns(file: str, table: str, rows: Rows, declared: dict[str, Any], smap: SourceMap,
             issues: IssueList) -> dict[str, Any]:
    """Each column's SQL type: declared, else the one type all its values share (a column of only nulls
    is text: declare it under `types:` if an expression computes with it)."""
    seen: dict[str, str] = {}
    for i, row in enumerate(rows):
        for column, value in row.items():
            if value is None or column in declared:
                continue
            kind, before = _value_type(value), seen.get(column)
            if before is None or before == kind:
                seen[column] = kind
            elif frozenset({before, kind}) in WIDER:
                seen[column] = WIDER[frozenset({before, kind})]
            else:
                issues.add("E_FIXTURE_TYPE", f"column '{column}' of table '{table}' holds a {kind} value here and "
                           f"{before} values before", smap.value(file, ("tables", table, i, column)),
                           f"write every value of '{column}' as a {before}, or declare its type under `types:`")
    columns = dict(declared)
    for row in rows:
        for column in row:
            columns.setdefault(column, SQL_TYPES[seen.get(column, "text")])
    return columns


def load_fixture_ledger(path: Path, shown: str, issues: IssueList) -> sa.Engine | None:
    """An engine on a new in-memory DuckDB holding the fixture's tables, or None (issues say why)."""
    smap = SourceMap()
    data = load_yaml_file(path, shown, smap, issues)
    if data is None:
        return None
    ledger = parse_item(LedgerFile, data, shown, (), smap, issues)
    if ledger is None:
        return None
    before = len(issues.errors)
    schema = _canonical_columns() if ledger.schema_ == "canonical" else {}
    metadata = sa.MetaData()
    for table in sorted(set(schema) | set(ledger.tables) | set(ledger.types)):
        rows = ledger.tables.get(table, [])
        declared = {**schema.get(table, {}), **{c: SQL_TYPES[t] for c, t in ledger.types.get(table, {}).items()}}
        if table in schema:
            for i, row in enumerate(rows):
                for column in set(row) - set(declared):
                    issues.add("E_FIXTURE_COLUMN", f"table '{table}' of the canonical ledger has no column "
                               f"'{column}'", smap.key(shown, ("tables", table, i, column)),
                               "fix the name, or declare the column under `types:`")
        columns = _columns(shown, table, rows, declared, smap, issues)
        sa.Table(table, metadata, *(sa.Column(name, kind) for name, kind in columns.items()))
    if len(issues.errors) > before:
        return None
    engine = sa.create_engine("duckdb:///:memory:", poolclass=StaticPool)  # one connection: the data stays
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            for table, rows in ledger.tables.items():
                if rows:
                    conn.execute(metadata.tables[table].insert(), _complete(rows, metadata.tables[table]))
    except SQLAlchemyError as exc:
        engine.dispose()
        issues.add("E_FIXTURE_LOAD", f"the fixture's rows could not be loaded: {first_line(exc)}",
                   smap.key(shown, ("tables",)) or Position(shown, 1, 1), "check the values against the column types")
        return None
    return engine


def _complete(rows: Rows, table: sa.Table) -> Rows:
    """Every row with every column (missing ones null), so one INSERT shape fits all rows."""
    return [{c.name: row.get(c.name) for c in table.columns} for row in rows]

"""Spark SQL (and Databricks SQL, the same language) as a compile-only SQLAlchemy dialect.

No SQLAlchemy driver for Spark ships with the layer: questions are compiled here and sent through Spark
Connect (semantic/spark_connect.py) with `spark.sql(text, args=...)`. So this dialect only has to write
Spark's SQL: backtick-quoted identifiers, named `:name` parameters (the markers Spark binds itself), Spark's
type names in CASTs (its date constructs are facts in semantic/dialects/spark.py). String literals escape with a backslash: in Spark SQL `'it''s'` is two adjacent literals
that concatenate to `its`, not a quoted quote.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.engine import default
from sqlalchemy.sql import compiler

RESERVED = frozenset("""all and any anti array as asc authorization between both by case cast check collate column
constraint create cross cube current current_date current_time current_timestamp current_user date day desc
distinct drop else end escape except exists false fetch filter for foreign from full function global grant group
grouping having hour in inner intersect interval into is join lateral leading left like limit minus minute month
natural not null of on only or order outer overlaps partition position primary range references right rollup row
rows second select semi session_user set some start table tablesample then time timestamp to trailing true union
unique unknown user using values when where window with year""".split())


def spark_string(value: str) -> str:
    """A Spark SQL string literal: backslash escapes (a doubled quote would end the literal)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


class SparkIdentifierPreparer(compiler.IdentifierPreparer):
    reserved_words = RESERVED

    def __init__(self, dialect: Any) -> None:
        super().__init__(dialect, initial_quote="`", escape_quote="`")


class SparkTypeCompiler(compiler.GenericTypeCompiler):
    """Spark's names: STRING for text, DOUBLE for floats (Spark's FLOAT is 32-bit), TIMESTAMP for DATETIME."""

    def visit_string(self, type_: Any, **kw: Any) -> str:
        return "STRING"

    visit_VARCHAR = visit_CHAR = visit_NVARCHAR = visit_TEXT = visit_unicode = visit_unicode_text = visit_string

    def visit_float(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"

    visit_FLOAT = visit_REAL = visit_double = visit_DOUBLE = visit_float

    def visit_datetime(self, type_: Any, **kw: Any) -> str:
        return "TIMESTAMP"

    visit_DATETIME = visit_TIMESTAMP = visit_datetime

    def visit_integer(self, type_: Any, **kw: Any) -> str:
        return "INT"

    def visit_big_integer(self, type_: Any, **kw: Any) -> str:
        return "BIGINT"


class SparkCompiler(compiler.SQLCompiler):
    def render_literal_value(self, value: Any, type_: Any) -> str:
        if isinstance(value, str):
            return spark_string(value)
        return super().render_literal_value(value, type_)

    def visit_true(self, expr: Any, **kw: Any) -> str:
        return "true"

    def visit_false(self, expr: Any, **kw: Any) -> str:
        return "false"


class SparkDialect(default.DefaultDialect):
    """Compile-only: Spark SQL text with `:name` parameters, never a DB-API connection."""

    name = "spark"
    paramstyle = "named"
    statement_compiler = SparkCompiler
    type_compiler_cls = SparkTypeCompiler
    preparer = SparkIdentifierPreparer
    supports_native_boolean = True
    supports_simple_order_by_label = True
    div_is_floordiv = False
    supports_multivalues_insert = True
    colspecs: dict[Any, Any] = {}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("paramstyle", "named")
        super().__init__(**kwargs)

"""Least privilege for SQL written in definitions: allow-lists of functions and table sources.

A definitions file is code that runs on the database with the server's connection. Whatever a definition
may call is listed here (an allow-list, checked on sqlglot's parse tree, not by patterns): functions that
compute from the row, aggregate or window over rows, and read nothing outside the query. Anything else
(`pg_read_file`, `lo_import`, `dblink`, `read_csv`, `getenv`, `current_setting`, `set_config`, `version()`,
`current_user`, ...) is refused on every engine, even if the database role would allow it.
A derived entity reads the tables other entities declare, or plain tables of the schemas they use; never
a system catalogue, a file, or a table function other than the series generators.
"""
from __future__ import annotations

import re

from sqlglot import exp

from semantic.dialects import DIALECTS, facts

_FUNCTION_NAMES = (
    # aggregates
    "Sum", "Count", "Avg", "Min", "Max", "Median", "Quantile", "PercentileCont", "PercentileDisc", "ApproxDistinct",
    "ApproxQuantile", "CountIf", "ArrayAgg", "GroupConcat", "Stddev", "StddevPop", "StddevSamp", "Variance",
    "VariancePop", "LogicalAnd", "LogicalOr", "AnyValue", "First", "Last", "ArgMax", "ArgMin", "Corr", "CovarPop",
    "CovarSamp", "Mode",
    # window
    "RowNumber", "Rank", "DenseRank", "Lag", "Lead", "FirstValue", "LastValue", "NthValue", "Ntile", "PercentRank",
    "CumeDist",
    # conditional and conversion
    "Coalesce", "Nullif", "Case", "If", "Cast", "TryCast", "Greatest", "Least",
    # numbers
    "Abs", "Round", "Floor", "Ceil", "Trunc", "Sqrt", "Pow", "Ln", "Log", "Exp", "Sign", "SafeDivide", "Rand",
    # text
    "Lower", "Upper", "Trim", "Length", "Substring", "Concat", "ConcatWs", "Replace", "StrPosition", "Left", "Right",
    "Pad", "Initcap", "Reverse", "SplitPart", "RegexpLike", "RegexpILike", "RegexpExtract", "RegexpReplace",
    "StartsWith", "EndsWith", "Contains", "MD5", "SHA", "SHA2",
    # dates and times
    "DateTrunc", "TimestampTrunc", "DatetimeTrunc", "DateAdd", "DateSub", "DateDiff", "TimestampAdd", "TimestampSub",
    "TimestampDiff", "DatetimeAdd", "DatetimeSub", "DatetimeDiff", "Extract", "CurrentDate", "CurrentTimestamp",
    "CurrentTime", "CurrentDatetime", "StrToDate", "StrToTime", "TsOrDsToDate", "TsOrDsAdd", "TimeToStr",
    "TimeStrToTime", "TimeToUnix", "UnixToTime", "DateFromParts", "TimestampFromParts", "Date", "Year", "Month", "Day",
    "Quarter", "Week", "WeekOfYear", "DayOfWeek", "DayOfWeekIso", "DayOfMonth", "DayOfYear", "LastDay", "DateToDi",
    "DiToDate", "ToChar",
    # collections built from the row's own values
    "Array", "Unnest", "GenerateSeries", "ArrayContains", "ArraySize",
)
ALLOWED_FUNCTIONS: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name) for name in _FUNCTION_NAMES if isinstance(getattr(exp, name, None), type))
# Functions sqlglot does not model are passed through as written, so each runs only where the database has
# it: the dialects whose facts list it (semantic/dialects/; DuckDB and PostgreSQL tested,
# tests/definitions/test_functions.py; the others from their vendors' references). Compiling one for another
# dialect is E_FUNCTION_NOT_IN_DIALECT.
PASS_THROUGH: dict[str, frozenset[str]] = {
    name: frozenset(d for d in DIALECTS if name in facts(d).functions)
    for name in sorted({name for d in DIALECTS for name in facts(d).functions})}
FILE_LIKE = re.compile(r"[/\\:]|\.(csv|tsv|parquet|json|jsonl|txt|xlsx?)$", re.IGNORECASE)
SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "system", "temp"})
SYSTEM_PREFIXES = ("pg_", "duckdb_", "sqlite_", "pragma_")
STATEMENT_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name) for name in ("Insert", "Update", "Delete", "Create", "Drop", "Command", "Alter", "Into",
                                    "Lock", "Pragma", "Set", "Copy", "Attach", "Detach", "Use", "Merge", "Placeholder",
                                    "Parameter", "SessionParameter", "Transaction", "Commit", "Rollback")
    if isinstance(getattr(exp, name, None), type))


class NotAllowed(ValueError):
    """SQL that reaches outside the query; the message names what and why."""


def function_problem(node: exp.Expression, extra_names: frozenset[str] = frozenset()) -> str | None:
    """Why a function call is refused, or None when it is on the allow-list (operators are not calls)."""
    if not isinstance(node, exp.Func) or isinstance(node, (exp.Binary, exp.Unary)):
        return None
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        return None if name in PASS_THROUGH or name in extra_names else name
    if isinstance(node, ALLOWED_FUNCTIONS):
        return None
    written = node.sql(dialect="duckdb").split("(")[0].strip().lower()  # as the writer spelt it, e.g. version
    return written if written.replace("_", "").isalnum() else type(node).__name__.lower()


def check_functions(tree: exp.Expression, where: str, extra_names: frozenset[str] = frozenset()) -> None:
    for node in tree.walk():
        name = function_problem(node, extra_names)
        if name:
            raise NotAllowed(f"function '{name}' is not allowed in {where}: definitions may use only functions "
                             "that compute from the query's own rows (see 'Allowed SQL' in docs/definitions.md)")


def dialect_problem(tree: exp.Expression, dialect: str) -> str | None:
    """The first pass-through function in `tree` that `dialect` does not have, or None."""
    for node in tree.find_all(exp.Anonymous):
        dialects = PASS_THROUGH.get(node.name.lower())
        if dialects is not None and dialect not in dialects:
            return f"function '{node.name.lower()}' exists on {', '.join(sorted(dialects))} only"
    return None


def table_problem(table: exp.Table, declared: frozenset[str], schemas: frozenset[str],
                  ctes: frozenset[str]) -> str | None:
    """Why a derived entity may not read this table source, or None when it may."""
    source = table.this
    if isinstance(source, exp.GenerateSeries):
        return None
    if not isinstance(source, exp.Identifier):
        return f"a derived entity reads tables and views, not '{source.sql()}' (table functions can read files " \
               "on the server)"
    name, schema = table.name.lower(), table.db.lower()
    full = ".".join(part for part in (table.catalog.lower(), schema, name) if part)
    if full in declared or (not schema and name in ctes):
        return None
    if schema in SYSTEM_SCHEMAS or name.startswith(SYSTEM_PREFIXES) or table.catalog.lower() in SYSTEM_SCHEMAS:
        return f"'{full}' is a system catalogue; a derived entity reads only the project's own tables"
    if FILE_LIKE.search(table.name):
        return f"a derived entity reads tables and views, not the file '{table.name}'"
    if table.catalog or (schema and schema not in schemas):
        return (f"'{full}' is in a schema no entity uses; a derived entity reads tables of the schemas the "
                "entities' `table:` names use" + (f" ({', '.join(sorted(schemas))})" if schemas else ""))
    return None

"""SQL expressions written in definitions, parsed once with sqlglot and checked for safety.

Definitions are written in DuckDB's SQL dialect (the embedded default); the compiler re-generates each
parsed expression in the target dialect. Only scalar expressions are allowed: no subqueries, no
statements, no unknown functions. The glossary's stages are available as functions
(`stage_probability(stage)`, `stage_order(stage)`, ... : semantic/definitions/stage_functions.py), expanded by
the compiler into CASE expressions, so the stage list is written once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from semantic.definitions.sql_limits import MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, TooDeep, check_sql_size
from semantic.definitions.sql_policy import STATEMENT_NODES, NotAllowed, check_functions, table_problem
from semantic.definitions.stage_functions import STAGE_VALUES

READ_DIALECT = "duckdb"
STAGE_FUNCTIONS = frozenset(STAGE_VALUES)
FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = (
    exp.Select, exp.Subquery, exp.Union, exp.Placeholder, exp.Parameter, exp.Star, *STATEMENT_NODES,
)
DERIVED_FUNCTIONS = (exp.Coalesce, exp.Nullif, exp.Abs, exp.Round, exp.Greatest, exp.Least, exp.Case, exp.If)
TOO_DEEP_HINT = (f"split it into dimensions or measures that build on each other; an expression may nest at most "
                 f"{MAX_EXPRESSION_DEPTH} levels (brackets, CASE, NOT, casts) and be at most "
                 f"{MAX_EXPRESSION_LENGTH:,} characters")


class ExpressionError(ValueError):
    """A definition expression that cannot be used; the message says why, `code` which rule it breaks."""

    def __init__(self, message: str, code: str = "E_INVALID_EXPRESSION", hint: str = "") -> None:
        super().__init__(message)
        self.code, self.hint = code, hint


@dataclass(frozen=True)
class ParsedExpression:
    text: str
    tree: exp.Expression
    identifiers: frozenset[str]


def _describe(exc: ParseError) -> str:
    """sqlglot's parse error in an analyst's words, with the column it stopped at."""
    first = exc.errors[0] if exc.errors else {}
    text = str(first.get("description") or exc).splitlines()[0]
    if text.startswith("Required keyword"):
        text = "the expression is incomplete (an operator or function is missing an argument)"
    elif text.startswith("Invalid expression / Unexpected token"):
        text = f"unexpected '{first.get('highlight', '')}'" if first.get("highlight") else "unexpected token"
    col = first.get("col")
    return f"{text} (at column {col})" if col else text


def _single(text: str) -> exp.Expression:
    if not text or not text.strip():
        raise ExpressionError("the expression is empty")
    try:
        check_sql_size(text)  # before sqlglot, whose parser and generator recurse once per level
        trees = sqlglot.parse(text, read=READ_DIALECT)
    except TooDeep as exc:
        raise ExpressionError(str(exc), "E_EXPRESSION_TOO_DEEP", TOO_DEEP_HINT) from None
    except RecursionError:  # last line of defence: the scan is meant to make this unreachable
        raise ExpressionError("the expression nests too deeply to parse", "E_EXPRESSION_TOO_DEEP",
                              TOO_DEEP_HINT) from None
    except ParseError as exc:
        raise ExpressionError(f"cannot parse SQL expression: {_describe(exc)}") from None
    except TokenError:
        raise ExpressionError("cannot parse SQL expression: check quotes and brackets") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise ExpressionError("write exactly one expression (no ';' separated statements)")
    return trees[0]


@lru_cache(maxsize=4096)
def parse_scalar(text: str) -> ParsedExpression:
    """Parse a dimension, measure or filter expression; raise ExpressionError when it is not allowed."""
    tree = _single(text)
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            what = "a subquery or statement" if not isinstance(node, exp.Star) else "'*'"
            raise ExpressionError(f"{what} is not allowed in an expression; define a derived entity (sql:) "
                                  "instead")
    _allowed_functions(tree, "an expression", STAGE_FUNCTIONS)
    names = set()
    for column in tree.find_all(exp.Column):
        if column.table:
            raise ExpressionError(f"'{column.sql()}': refer to columns of the same entity without a prefix")
        names.add(column.name)
    return ParsedExpression(text, tree, frozenset(names))


@lru_cache(maxsize=1024)
def parse_derived(text: str) -> ParsedExpression:
    """Parse a derived metric formula: arithmetic over metric names and a few null-safe functions."""
    tree = _single(text)
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise ExpressionError("only arithmetic over metric names is allowed in a derived metric")
        if isinstance(node, exp.Func) and not isinstance(node, DERIVED_FUNCTIONS):
            name = node.sql_name() if not isinstance(node, exp.Anonymous) else node.name
            raise ExpressionError(f"function '{name}' is not allowed in a derived metric (allowed: coalesce, "
                                  "nullif, abs, round, greatest, least, case)")
        if isinstance(node, exp.Column) and node.table:
            raise ExpressionError(f"'{node.sql()}': a derived metric refers to other metrics by name")
    names = frozenset(c.name for c in tree.find_all(exp.Column))
    return ParsedExpression(text, tree, names)


def _allowed_functions(tree: exp.Expression, where: str, extra: frozenset[str] = frozenset()) -> None:
    try:
        check_functions(tree, where, extra)
    except NotAllowed as exc:
        raise ExpressionError(str(exc), hint="compute it from the row's columns with the allowed functions, or "
                              "prepare it in the database") from None


@lru_cache(maxsize=256)
def parse_select(text: str) -> tuple[exp.Select, tuple[str, ...]]:
    """Parse a derived entity's SELECT; return it with its output column names.

    Which tables it may read depends on the project (see `select_table_problems`); which functions it may
    call does not, so that is checked here."""
    tree = _single(text)
    if not isinstance(tree, exp.Select):
        raise ExpressionError("a derived entity's sql must be a single SELECT statement")
    for node in tree.walk():
        if isinstance(node, STATEMENT_NODES):
            raise ExpressionError("only SELECT is allowed in a derived entity (no INTO, locks, parameters or other "
                                  "statements)")
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, (exp.Identifier, exp.GenerateSeries)):
            raise ExpressionError(f"a derived entity reads tables and views, not '{table.this.sql()}' (table "
                                  "functions can read files on the server)")
    _allowed_functions(tree, "a derived entity")
    columns = []
    for projection in tree.expressions:
        name = projection.alias_or_name
        if not name or name == "*":
            raise ExpressionError("name every output column of a derived entity (no '*'; use `expr as name`)")
        columns.append(name)
    return tree, tuple(columns)


def select_table_problems(tree: exp.Select, declared: frozenset[str]) -> list[str]:
    """Why each table source of a derived entity's SELECT may not be read (empty when all may).

    `declared` holds the (lower-case) `table:` names of the project's entities; their schemas may be read."""
    schemas = frozenset(name.rsplit(".", 1)[0].rsplit(".", 1)[-1] for name in declared if "." in name)
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    problems = [table_problem(table, declared, schemas, ctes) for table in tree.find_all(exp.Table)]
    return [p for p in problems if p]

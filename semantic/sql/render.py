"""Definition expressions (parsed once by sqlglot) rendered for one table alias in one SQL dialect.

Column names are qualified with the entity's alias, a reference to a computed dimension is replaced by
that dimension's expression, and the glossary's stage functions become CASE expressions over the stage
list, so `stage_probability(stage)` always uses the probabilities written in glossary.yaml.

`current_date` (and `today()`) is the layer's today, written as a date literal: the `--today` setting when
one is given, else today in the calendar's timezone. So "stale" or "past due" is judged on the very day the
relative ranges of the question are, not on the database server's clock.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import literal_column
from sqlalchemy.sql.elements import ColumnElement
from sqlglot import exp

from semantic.definitions.expressions import parse_scalar
from semantic.definitions.models import Entity
from semantic.definitions.project import Definitions
from semantic.definitions.sql_policy import dialect_problem
from semantic.definitions.stage_functions import stage_case
from semantic.errors import SemanticError
from semantic.dialects import dialect_for, facts


ATOMS = (exp.Column, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Case, exp.Cast)
OPERATORS = (exp.Binary, exp.Unary, exp.Connector, exp.Predicate)  # sqlglot models these as Func subclasses


def _self_contained(tree: exp.Expression) -> bool:
    return isinstance(tree, ATOMS) or (isinstance(tree, exp.Func) and not isinstance(tree, OPERATORS))


def needs_quotes(name: str, dialect: str) -> bool:
    """Whether SQLAlchemy will quote this identifier in the dialect (aliases must match on both sides)."""
    return bool(dialect_for(dialect).identifier_preparer._requires_quotes(name))


def today_literal(today: date) -> exp.Expression:
    """The layer's today as `CAST('YYYY-MM-DD' AS DATE)`: a date the layer computed, never text a user typed."""
    return exp.Cast(this=exp.Literal.string(today.isoformat()), to=exp.DataType.build(exp.DataType.Type.DATE))


def require_dialect(tree: exp.Expression, dialect: str, where: str) -> None:
    """Refuse a pass-through function the target database does not have (sql_policy.PASS_THROUGH)."""
    problem = dialect_problem(tree, dialect)
    if problem:
        raise SemanticError("E_FUNCTION_NOT_IN_DIALECT", f"{where}: {problem}; this question compiles for {dialect}",
                            "use a function the layer translates for every database (docs/definitions.md, "
                            "'Functions by database'), or compute the column in the database")


def _qualify(tree: exp.Expression, alias: str, entity: Entity, defs: Definitions, dialect: str,
             expand_dimensions: bool, today: date | None) -> exp.Expression:
    quoted = needs_quotes(alias, dialect)

    def visit(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table:
            dim = entity.dimensions.get(node.name)
            if expand_dimensions and dim is not None and dim.expr and dim.expr.strip() != node.name:
                inner = _qualify(parse_scalar(dim.expr).tree.copy(), alias, entity, defs, dialect, False, today)
                return exp.Paren(this=inner)
            return exp.column(node.name, table=exp.to_identifier(alias, quoted=quoted),
                              quoted=needs_quotes(node.name, dialect))
        if isinstance(node, exp.Anonymous) and node.name.lower().startswith("stage_"):
            arg = node.expressions[0].copy() if node.expressions else exp.Null()
            arg = _qualify(arg, alias, entity, defs, dialect, expand_dimensions, today)
            return stage_case(arg, defs.stages, node.name.lower(), defs.calendar.stale_after_days)
        if today is not None and isinstance(node, exp.CurrentDate):  # sqlglot reads today() as this too
            return today_literal(today)
        return node

    return tree.transform(visit)


@lru_cache(maxsize=8192)
def _render_text(text: str, alias: str, entity_name: str, defs: Definitions, dialect: str,
                 expand_dimensions: bool, today: date | None) -> str:
    entity = defs.entities[entity_name]
    tree = _qualify(parse_scalar(text).tree.copy(), alias, entity, defs, dialect, expand_dimensions, today)
    require_dialect(tree, dialect, f"entity '{entity_name}' expression `{text}`")
    if not _self_contained(tree):  # `a or b` must stay one operand next to AND, =, IN ...
        tree = exp.Paren(this=tree)
    return tree.sql(dialect=facts(dialect).sqlglot_name)


def render(text: str, alias: str, entity_name: str, defs: Definitions, dialect: str,
           expand_dimensions: bool = True, today: date | None = None) -> ColumnElement:
    """A definition expression as a SQLAlchemy column element for `alias` in `dialect` (`current_date` as
    `today` when given, else left to the database)."""
    return literal_column(_render_text(text, alias, entity_name, defs, dialect, expand_dimensions, today))


@lru_cache(maxsize=4096)
def _formula_text(tree: exp.Expression, dialect: str) -> str:
    tree = tree.transform(lambda n: exp.column(n.name, quoted=needs_quotes(n.name, dialect))
                          if isinstance(n, exp.Column) else n)
    return tree.sql(dialect=facts(dialect).sqlglot_name)


def render_formula(tree: exp.Expression, dialect: str) -> ColumnElement:
    """A metric formula over measure columns (already safe: names are generated, not user text).

    Cached by the tree's structure: sqlglot expressions hash and compare by content.
    """
    return literal_column(_formula_text(tree, dialect))

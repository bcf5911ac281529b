"""Expression rules: every SQL snippet parses, is safe, and uses only columns its entity really has.

Catching a misspelt column here (with a did-you-mean) saves the analyst from a database error at query
time that points at generated SQL they never wrote.
"""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.expressions import STAGE_FUNCTIONS, ExpressionError, parse_scalar
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import ExprSite, context, mentions_stage_function, report_unknown
from semantic.errors import IssueList


def _stage_call_problem(tree: exp.Expression) -> str | None:
    """Stage functions take exactly one column (the stage column); the compiler expands nothing else."""
    for call in tree.find_all(exp.Anonymous):
        if call.name.lower() in STAGE_FUNCTIONS:
            args = call.expressions
            if len(args) != 1 or not isinstance(args[0], exp.Column):
                return f"{call.name}() takes exactly one argument, the stage column, e.g. {call.name}(stage)"
    return None


def _check_site(defs: Definitions, site: ExprSite, issues: IssueList) -> None:
    try:
        parsed = parse_scalar(site.text)
    except ExpressionError as exc:
        issues.add(exc.code, f"{site.owner}: {exc}", site.position,
                   exc.hint or "write one SQL scalar expression (DuckDB syntax) over the entity's columns")
        return
    problem = _stage_call_problem(parsed.tree) if mentions_stage_function(site.text) else None
    if problem:
        issues.add("E_INVALID_EXPRESSION", f"{site.owner}: {problem}", site.position,
                   "see 'Stage functions' in docs/definitions.md")
    ctx = context(defs)
    allowed = ctx.raw_columns.get(site.entity) if site.raw_only else ctx.usable(site.entity)
    if allowed is None:
        return  # unknown entity or broken SELECT: reported by their own rules
    dimensions = defs.entities[site.entity].dimensions
    for name in sorted(parsed.identifiers - allowed):
        if site.raw_only and name in dimensions:
            issues.add("E_UNKNOWN_COLUMN",
                       f"{site.owner} uses '{name}', a computed dimension; a dimension's expr may use only raw "
                       "columns", site.position,
                       f"repeat the expression of '{site.entity}.{name}' here, or list its column under `columns:`")
        else:
            report_unknown(issues, "E_UNKNOWN_COLUMN", "column", site.owner, name, allowed, site.position,
                           f"declare raw columns of entity '{site.entity}' under `columns:` (or as dimensions)")


def check_scalar_expressions(defs: Definitions, issues: IssueList) -> None:
    """Dimension, measure, term and metric expressions: parse errors and unknown identifiers."""
    for site in context(defs).expr_sites:
        _check_site(defs, site, issues)


def check_measure_defaults(defs: Definitions, issues: IssueList) -> None:
    """A measure without `expr` counts rows (one per key, hence the key) or aggregates the column named like
    the measure."""
    ctx = context(defs)
    for ename, ent in defs.entities.items():
        usable = ctx.usable(ename)
        for mname, meas in ent.measures.items():
            if meas.expr is not None:
                continue
            pos = defs.where("entities", ename, "measures", mname)
            if meas.agg == "count":
                if not ent.primary_key:
                    issues.add("E_MEASURE_EXPR",
                               f"count measure '{mname}' has no expr and entity '{ename}' has no primary_key", pos,
                               f"add `expr:` (the column to count) or `primary_key:` to entity '{ename}'")
            elif usable is not None and mname not in usable:
                issues.add("E_MEASURE_EXPR",
                           f"measure '{mname}' has no expr and '{mname}' is not a column of entity '{ename}'", pos,
                           f"add `expr:` with the column or expression to {meas.agg}, or list '{mname}' "
                           "under `columns:` if the table has it")


RULES = (check_scalar_expressions, check_measure_defaults)

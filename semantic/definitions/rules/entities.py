"""Entity rules: where rows come from, their keys, their joins, their default time axis and freshness column.

These come first because every later rule leans on them: a join without a target key cannot be walked,
and an entity without a source cannot be queried at all.
"""
from __future__ import annotations

import re

from semantic.definitions.expressions import ExpressionError, parse_select, select_table_problems
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList
from semantic.graph import MAX_PATH_STEPS

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$")
COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_entity_source(defs: Definitions, issues: IssueList) -> None:
    """Exactly one of `table` / `sql`; a table is a plain (schema.)name; the SELECT must parse and be allowed."""
    declared = frozenset(ent.table.lower() for ent in defs.entities.values() if ent.table)
    for name, ent in defs.entities.items():
        sources = [key for key in ("table", "sql", "from_history") if getattr(ent, key)]
        if len(sources) != 1:
            issues.add("E_ENTITY_SOURCE",
                       f"entity '{name}' needs exactly one of `table`, `sql` or `from_history`"
                       + (f" (it has {' and '.join(sources)})" if sources else " (it has none)"),
                       defs.where("entities", name, sources[-1]) if sources else defs.where("entities", name),
                       "use `table:` for a table or view, `sql:` for a derived entity defined by a SELECT, "
                       "`from_history:` for rows derived from a change log")
        if ent.table and not TABLE_NAME.match(ent.table):
            issues.add("E_ENTITY_SOURCE", f"entity '{name}': '{ent.table}' is not a table name",
                       defs.where_value("entities", name, "table"),
                       "write `table: name` or `table: schema.name`; use `sql:` for anything else")
        if ent.sql:
            _check_select(defs, name, ent.sql, declared, issues)


def _check_select(defs: Definitions, name: str, sql: str, declared: frozenset[str], issues: IssueList) -> None:
    """The SELECT parses, calls only allowed functions and reads only tables the project may read."""
    pos = defs.where_value("entities", name, "sql")
    try:
        tree = parse_select(sql)[0]
    except ExpressionError as exc:
        issues.add(exc.code, f"entity '{name}' sql: {exc}", pos,
                   exc.hint or "write a single SELECT naming every output column")
        return
    for problem in select_table_problems(tree, declared):
        issues.add("E_INVALID_EXPRESSION", f"entity '{name}' sql: {problem}", pos,
                   "read the tables other entities declare (or plain tables of their schemas); prepare anything "
                   "else as a view in the database")


def check_declared_columns(defs: Definitions, issues: IssueList) -> None:
    """Keys and declared columns must be plain column names, and outputs of a derived entity's SELECT."""
    ctx = context(defs)
    for name, ent in defs.entities.items():
        outputs = ctx.select_outputs.get(name)
        declared: list[tuple[str, tuple]] = []
        if ent.primary_key:
            declared.append((ent.primary_key, ("primary_key",)))
        declared += [(col, ("columns", i)) for i, col in enumerate(ent.columns)]
        declared += [(d, ("dimensions", d)) for d, dim in ent.dimensions.items() if dim.expr is None]
        declared += [(j.foreign_key, ("joins", role, "foreign_key")) for role, j in ent.joins.items()]
        for column, sub in declared:
            pos = defs.where_value("entities", name, *sub) if sub[0] != "dimensions" else defs.where(
                "entities", name, *sub)
            if not COLUMN_NAME.match(column):
                issues.add("E_JOIN_KEY" if sub[0] in ("joins", "primary_key") else "E_UNKNOWN_COLUMN",
                           f"entity '{name}': '{column}' is not a plain column name", pos,
                           "keys and columns are column names; compute values in a dimension's expr")
            elif outputs is not None and column not in outputs:
                report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"derived entity '{name}'", column, outputs,
                               pos, f"its sql selects: {', '.join(outputs)}; add `{column}` to the SELECT")


def check_joins(defs: Definitions, issues: IssueList) -> None:
    """A join needs a known target with a primary key, and must not use a computed dimension as its key."""
    for name, ent in defs.entities.items():
        for role, join in ent.joins.items():
            target = join.entity or role
            if target not in defs.entities:
                if not defs.is_broken("entities", target):
                    pos = defs.where_value("entities", name, "joins", role, "entity") if join.entity else \
                        defs.where("entities", name, "joins", role)
                    report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", f"join '{name}.{role}'", target,
                                   defs.entities, pos,
                                   "set `entity:` to the target entity, or name the join after it")
                continue
            if not defs.entities[target].primary_key:
                issues.add("E_JOIN_KEY", f"join '{name}.{role}' targets entity '{target}', which has no primary_key",
                           defs.where("entities", name, "joins", role),
                           f"add `primary_key:` to entity '{target}' so rows can be matched")
            dim = ent.dimensions.get(join.foreign_key)
            if dim is not None and dim.expr is not None:
                issues.add("E_JOIN_KEY",
                           f"join '{name}.{role}': foreign_key '{join.foreign_key}' is a computed dimension",
                           defs.where_value("entities", name, "joins", role, "foreign_key"),
                           "a foreign key must be a raw column of the entity")


def check_join_ambiguity(defs: Definitions, issues: IssueList) -> None:
    """Two equally short join paths make 'by account.segment' mean two different things: say which."""
    graph = context(defs).graph
    for name in defs.entities:
        for target, paths in sorted(graph.ambiguities(name).items()):
            described = " and ".join(p.describe() for p in paths[:2])
            issues.add("W_AMBIGUOUS_JOIN_PATH",
                       f"entity '{name}' reaches '{target}' by {graph.tie_count(name, target)} equally short join "
                       f"paths: {described}",
                       defs.where("entities", name, "joins"),
                       f"questions must name the way to '{target}' (e.g. '<entity on the path>.{target}.<dimension>'); "
                       "to make one path the default, remove one of the joins or add a direct join",
                       severity="warning")


def check_join_depth(defs: Definitions, issues: IssueList) -> None:
    """Join paths are walked at most MAX_PATH_STEPS deep; an entity only reachable beyond is said so."""
    graph = context(defs).graph
    for name in defs.entities:
        far = sorted(graph.too_far(name))
        if far:
            issues.add("W_JOIN_PATH_TOO_LONG",
                       f"entity '{name}' reaches {', '.join(far[:5])}{' ...' if len(far) > 5 else ''} only through "
                       f"more than {MAX_PATH_STEPS} joins, so questions cannot slice it by them",
                       defs.where("entities", name, "joins"),
                       "add a direct join to the entity you need, or shorten the chain", severity="warning")


def check_entity_time(defs: Definitions, issues: IssueList) -> None:
    """An entity's default time dimension must be one of its own `type: time` dimensions."""
    for name, ent in defs.entities.items():
        dim_name = ent.default_time_dimension
        if dim_name is None:
            continue
        pos = defs.where_value("entities", name, "default_time_dimension")
        if dim_name not in ent.dimensions:
            report_unknown(issues, "E_UNKNOWN_DIMENSION", "dimension", f"entity '{name}' default_time_dimension",
                           dim_name, [d for d, x in ent.dimensions.items() if x.type == "time"], pos,
                           "declare it under dimensions with `type: time`")
        elif ent.dimensions[dim_name].type != "time":
            issues.add("E_TIME_DIMENSION", f"entity '{name}' default_time_dimension '{dim_name}' is not `type: time`",
                       pos, f"set `type: time` on dimension '{dim_name}' or pick a time dimension")


def check_freshness_column(defs: Definitions, issues: IssueList) -> None:
    """The `freshness:` column must be one of the entity's raw columns, so the probe stamping every answer with
    its data's age (semantic/freshness.py) cannot fail at query time on a typo."""
    raw_columns = context(defs).raw_columns
    for name, entity in defs.entities.items():
        column = entity.freshness_column
        known = raw_columns.get(name)
        if column is None or known is None or column in known:
            continue
        position = defs.where_value("entities", name, "freshness", "column")  # None for the shorthand
        report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"entity '{name}' freshness", column, sorted(known),
                       position or defs.where_value("entities", name, "freshness"),
                       "name a raw column holding a load or change time (a time dimension without `expr`, or a "
                       "column listed under `columns:`)")


RULES = (check_entity_source, check_declared_columns, check_joins, check_join_ambiguity, check_join_depth,
         check_entity_time, check_freshness_column)

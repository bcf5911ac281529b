"""History rules: an entity declared as the change log of another (`history:`) can rebuild that entity's rows.

The as-of state of a deal is only as right as the mapping from history columns to the deal's columns: a
misspelt key, a field mapped onto a computed dimension, or a `created_at` the deal table does not have would
each give a plausible but wrong pipeline. The SQL of `fields` and `before` is checked by the expression rules
(context.expr_sites lists it, evaluated on the history entity), so a bad function or column is reported there.
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList


def _check_history_columns(defs: Definitions, name: str, history: m.History, issues: IssueList) -> None:
    """`key`, `changed_at` and `tie_break` are raw columns of the history entity itself."""
    raw = context(defs).raw_columns.get(name)
    if raw is None:
        return  # a broken SELECT: reported by the entity rules
    named = [(history.key, ("key",)), (history.changed_at, ("changed_at",))]
    named += [(col, ("tie_break", i)) for i, col in enumerate(history.tie_break)]
    for column, sub in named:
        if column not in raw:
            report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"entity '{name}' history {sub[0]}", column, raw,
                           defs.where_value("entities", name, "history", *sub),
                           f"name a raw column of '{name}' (declare it under `columns:` or as a dimension)")


def _check_target_columns(defs: Definitions, name: str, history: m.History, issues: IssueList) -> None:
    """`created_at` and the keys of `fields`/`before` are raw columns of the `of` entity (not its key, not a
    computed dimension: the state replaces a stored column, and computed dimensions follow from it)."""
    target = defs.entities[history.of]
    raw = context(defs).raw_columns.get(history.of)
    if raw is None:
        return
    if history.created_at not in raw:
        report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"entity '{name}' history created_at",
                       history.created_at, raw, defs.where_value("entities", name, "history", "created_at"),
                       f"name the column of '{history.of}' holding when each row was created")
    for section in ("fields", "before"):
        for column in getattr(history, section):
            where = defs.where("entities", name, "history", section, column)
            dim = target.dimensions.get(column)
            if dim is not None and dim.expr is not None:
                issues.add("E_HISTORY", f"entity '{name}' history {section}: '{history.of}.{column}' is a computed "
                           "dimension", where, f"map the raw column its expr reads ({dim.expr}); computed "
                           "dimensions follow from it")
            elif column not in raw:
                report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"entity '{name}' history {section}", column,
                               sorted(raw - {target.primary_key or ""}), where,
                               f"keys of `{section}` are raw columns of '{history.of}'")
            elif column == target.primary_key:
                issues.add("E_HISTORY", f"entity '{name}' history {section}: '{column}' is the primary key of "
                           f"'{history.of}', which never changes", where, "remove it; `key` names the history "
                           "column holding it")
            elif section == "before" and column not in history.fields:
                issues.add("E_HISTORY", f"entity '{name}' history before: '{column}' is not in `fields`", where,
                           f"add `{column}:` to `fields` (its value after each change), or remove it here")


def check_histories(defs: Definitions, issues: IssueList) -> None:
    """The `of` entity exists, has a primary key and has one change log; every column named exists."""
    logs: dict[str, str] = {}
    for name, ent in defs.entities.items():
        history = ent.history
        if history is None:
            continue
        _check_history_columns(defs, name, history, issues)
        of_pos = defs.where_value("entities", name, "history", "of")
        if history.of not in defs.entities:
            if not defs.is_broken("entities", history.of):
                report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", f"entity '{name}' history", history.of,
                               defs.entities, of_pos, "`of` names the entity these rows are the change log of")
            continue
        if history.of == name:
            issues.add("E_HISTORY", f"entity '{name}' is declared as its own history", of_pos,
                       "`of` names another entity: the one whose changes these rows record")
            continue
        if not defs.entities[history.of].primary_key:
            issues.add("E_HISTORY", f"entity '{name}' is the history of '{history.of}', which has no primary_key",
                       of_pos, f"add `primary_key:` to entity '{history.of}' so changes can be matched to its rows")
        if history.of in logs:
            issues.add("E_HISTORY", f"entity '{history.of}' has two histories: '{logs[history.of]}' and '{name}'",
                       of_pos, "keep one `history:` block per entity (merge the change logs in a derived entity)")
        logs.setdefault(history.of, name)
        _check_target_columns(defs, name, history, issues)


def _as_of_problem(defs: Definitions, sq: m.SavedQuery) -> tuple[str, tuple, str] | None:
    """(what is wrong, where under the saved query, how to fix it) for a saved query asked as of."""
    if sq.as_of is not None and sq.as_of_each is not None:
        return "has both as_of and as_of_each", ("as_of_each",), "keep one: an instant, or a series of them"
    if sq.as_of_each is not None and (sq.grain is None or sq.time_range is None):
        return "asks as_of_each without a grain and a time range", ("as_of_each",), \
            "add `grain:` and `time_range:`: they choose the instants"
    ctx = context(defs)
    known = [x for x in sq.metrics if x in defs.metrics and x not in ctx.unresolved_metrics]
    for name in known:
        read = (name,) + ctx.lineages.of(name).metrics
        if any(isinstance(defs.metrics.get(x), (m.PeriodOverPeriodMetric, m.CumulativeMetric)) for x in read):
            return f"asks metric '{name}' as of, which compares periods or is cumulative", ("metrics",), \
                "ask its simple, ratio or derived parts as of"
    entities = sorted(frozenset().union(*(ctx.metric_entities(x) for x in known)))
    logged = {ent.history.of for ent in defs.entities.values() if ent.history is not None}
    if len(entities) > 1 or any(e not in logged for e in entities):
        return f"asks as of metrics of {', '.join(entities)}; as of reads one entity with a change log", \
            ("metrics",), "ask metrics of an entity some `history:` block declares (`of:`)"
    return None


def check_saved_as_of(defs: Definitions, issues: IssueList) -> None:
    """A saved query asked as of can be answered as of (the question would be refused the same way)."""
    for q, sq in defs.saved_queries.items():
        if sq.as_of is None and sq.as_of_each is None:
            continue
        problem = _as_of_problem(defs, sq)
        if problem is not None:
            message, sub, hint = problem
            issues.add("E_AS_OF", f"saved query '{q}' {message}", defs.where("saved_queries", q, *sub), hint)


RULES = (check_histories, check_saved_as_of)

"""Saved query rules: a saved query is checked like a question would be at run time, so a dashboard built
on it cannot break on the first request after a definitions change.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlglot import exp

from semantic.definitions import models as m
from semantic.definitions.expressions import ExpressionError, parse_scalar
from semantic.definitions.project import Definitions
from semantic.definitions.relative_ranges import HELP, NAMES, bound_problem, normalise, relative_problem
from semantic.definitions.rules.context import Context, context, report_unknown
from semantic.definitions.rules.metrics import check_dimension_ref, uses_comparison
from semantic.definitions.standings import window_columns
from semantic.graph import split_dimension_ref
from semantic.definitions.rules.stages import value_domain
from semantic.errors import IssueList, Position, did_you_mean, did_you_mean_value, known_names_hint

LIST_OPS = ("in", "not_in")
NO_VALUE_OPS = ("is_null", "not_null")


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _yaml_type_surprise(value: Any, dim_type: str) -> tuple[str, str] | None:
    """(what YAML made of an unquoted value, the fix) when that type does not fit the dimension (`NO` -> false)."""
    if isinstance(value, bool):
        kind, fits, fix = "a boolean (unquoted yes/no/on/off/true/false)", "boolean", "quote it as written, e.g. 'NO'"
    elif isinstance(value, date):
        kind, fits, fix = "a date", "time", f"quote it: '{value.isoformat()}'"
    elif isinstance(value, (int, float)):
        kind, fits, fix = "a number", "number", "quote it as written if the column holds text (YAML reads 0123 as 83)"
    else:
        return None
    return None if dim_type == fits else (kind, fix)


def _check_value_types(defs: Definitions, issues: IssueList, q: str, i: int, flt: m.Filter, dim_type: str) -> None:
    """Warn where YAML's implicit typing changed a filter value behind the writer's back."""
    placed = [(flt.value, ("value",))] if flt.value is not None else []
    placed += [(v, ("values", j)) for j, v in enumerate(flt.values or ())]
    for value, sub in placed:
        surprise = _yaml_type_surprise(value, dim_type)
        if surprise:
            shown = str(value).lower() if isinstance(value, bool) else value
            issues.add("W_FILTER_VALUE_TYPE", f"saved query '{q}' filter on '{flt.dimension}' ({dim_type}): YAML "
                       f"read the value as {surprise[0]}: {shown}",
                       defs.where_value("saved_queries", q, "filters", i, *sub), surprise[1], severity="warning")


def _check_filter(ctx: Context, issues: IssueList, q: str, i: int, flt: m.Filter,
                  entities: frozenset[str]) -> None:
    defs = ctx.defs
    who = f"saved query '{q}' filter"
    check_dimension_ref(ctx, issues, flt.dimension, who, defs.where_value("saved_queries", q, "filters", i,
                                                                          "dimension"), entities)
    pos: Position | None = defs.where("saved_queries", q, "filters", i, "op")
    if flt.op in LIST_OPS and not flt.values:
        problem, fix = f"op '{flt.op}' needs `values:`", "write `values: [a, b]`"
    elif flt.op == "between" and (flt.values is None or len(flt.values) != 2):
        problem, fix = "op 'between' needs exactly two `values:`", "write `values: [low, high]`"
    elif flt.op in NO_VALUE_OPS and (flt.value is not None or flt.values):
        problem, fix = f"op '{flt.op}' takes no value", "remove `value:` / `values:`"
    elif flt.op not in LIST_OPS + NO_VALUE_OPS + ("between",) and flt.value is None:
        problem, fix = f"op '{flt.op}' needs `value:`", "write `value: ...` (or use op is_null)"
    else:
        problem = fix = ""
    if problem:
        issues.add("E_FILTER_VALUE", f"{who} on '{flt.dimension}': {problem}", pos or
                   defs.where("saved_queries", q, "filters", i), fix)
    _, entity_name, dim_name = split_dimension_ref(flt.dimension)
    dim = defs.entities[entity_name].dimensions.get(dim_name) if entity_name in defs.entities else None
    if dim is None:
        return
    _check_value_types(defs, issues, q, i, flt, dim.type)
    try:
        declared = dim_name == defs.entities[entity_name].stage_dimension
        node = parse_scalar(dim.expr).tree if dim.expr and not declared else exp.column(dim_name)
    except ExpressionError:
        return
    domain = value_domain(ctx, entity_name, node)
    if domain is None:
        return
    kind, allowed = domain
    values = list(flt.values or ()) + ([flt.value] if flt.value is not None else [])
    for value in values:
        if isinstance(value, str) and value not in allowed:
            issues.add("E_UNKNOWN_STAGE", f"{who} on '{flt.dimension}' uses unknown {kind} '{value}'"
                       + did_you_mean_value(value, allowed), defs.where_value("saved_queries", q, "filters", i),
                       known_names_hint(f"{kind} values", allowed))


def check_saved_queries(defs: Definitions, issues: IssueList) -> None:
    """Metrics, dimensions, filters, time axis and ordering of every saved query resolve."""
    ctx = context(defs)
    for q, sq in defs.saved_queries.items():
        known = [x for x in sq.metrics if x in defs.metrics and x not in ctx.unresolved_metrics]
        for i, metric in enumerate(sq.metrics):
            if metric not in defs.metrics and not defs.is_broken("metrics", metric):
                report_unknown(issues, "E_UNKNOWN_METRIC", "metric", f"saved query '{q}'", metric, defs.metrics,
                               defs.where_value("saved_queries", q, "metrics", i))
        entities = frozenset().union(*(ctx.metric_entities(x) for x in known))
        if sq.funnel in defs.funnels and defs.funnels[sq.funnel].entity in defs.entities:  # filters its rows
            entities = frozenset({defs.funnels[sq.funnel].entity})
        for i, ref in enumerate(sq.dimensions):
            check_dimension_ref(ctx, issues, ref, f"saved query '{q}'",
                                defs.where_value("saved_queries", q, "dimensions", i), entities)
        for i, flt in enumerate(sq.filters):
            _check_filter(ctx, issues, q, i, flt, entities)
        if sq.time_dimension:
            check_dimension_ref(ctx, issues, sq.time_dimension, f"saved query '{q}' time_dimension",
                                defs.where_value("saved_queries", q, "time_dimension"), entities, need_time=True)
        elif sq.grain or sq.time_range:
            for metric in known:
                if not ctx.metric_has_time(metric):
                    issues.add("E_NO_TIME_DIMENSION",
                               f"saved query '{q}' asks for a {'grain' if sq.grain else 'time range'} but metric "
                               f"'{metric}' has no time dimension",
                               defs.where("saved_queries", q, "grain" if sq.grain else "time_range"),
                               "set `time_dimension:` on the saved query or the metric, or a default on its entity")
        _check_time_range(defs, issues, q, sq, known)
        _check_comparison(defs, issues, q, sq, known)
        columns = list(sq.metrics) + list(sq.dimensions) + (["period"] if sq.grain else []) + window_columns(sq)
        for i, order in enumerate(sq.order_by):
            if order.column not in columns:
                report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"saved query '{q}' order_by", order.column,
                               columns, defs.where_value("saved_queries", q, "order_by", i, "column"),
                               "order by one of the query's metrics or dimensions (or 'period' with a grain)")


def _not_comparable(ctx: Context, name: str) -> str | None:
    """Why `compare` would be refused for this metric at run time (it, or a metric its formula uses, is a
    comparison already), or None."""
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        metric = ctx.defs.metrics.get(current)
        if metric is None or current in seen or current in ctx.too_deep:
            continue
        seen.add(current)
        built_on = "" if current == name else f" is built on '{current}', which"
        if isinstance(metric, m.PeriodOverPeriodMetric):
            return f"{built_on} compares periods already".lstrip()
        todo += ctx.derived_refs.get(current, ())
    return None


def _check_comparison(defs: Definitions, issues: IssueList, q: str, sq: m.SavedQuery, known: list[str]) -> None:
    """`compare` compares every metric, which a comparison cannot be; `like_for_like: false` only changes a
    comparison, so without one it is a mistake worth a warning."""
    if sq.compare is not None:
        for metric in known:
            problem = _not_comparable(context(defs), metric)
            if problem:
                issues.add("E_INVALID_VALUE", f"saved query '{q}' compares every metric ({sq.compare}) but "
                           f"metric '{metric}' {problem}", defs.where_value("saved_queries", q, "compare"),
                           "drop `compare:`, or move that metric to a saved query of its own")
    elif not sq.like_for_like and not any(uses_comparison(context(defs), x) for x in known):
        issues.add("W_NOTHING_COMPARED", f"saved query '{q}' sets `like_for_like: false` but compares nothing",
                   defs.where_value("saved_queries", q, "like_for_like"),
                   "add `compare: same_period_last_year` (or previous_period), or drop `like_for_like`",
                   severity="warning")


def _check_time_range(defs: Definitions, issues: IssueList, q: str, sq: m.SavedQuery, known: list[str]) -> None:
    tr = sq.time_range
    comparisons = known if sq.compare else [x for x in known if uses_comparison(context(defs), x)]
    bounded = tr is not None and (tr.relative or (tr.start and tr.end))
    if comparisons and not bounded:
        what = f"compares its metrics ({sq.compare})" if sq.compare else \
            f"asks for period-over-period metric(s) {', '.join(comparisons)}"
        issues.add("E_TIME_RANGE", f"saved query '{q}' {what} without a time range with both ends",
                   defs.where("saved_queries", q, "time_range" if tr is not None else "metrics"),
                   "add `time_range: {relative: this_fiscal_year}` or both `from` and `to`")
    if tr is None:
        return
    if tr.relative and (tr.start or tr.end):
        issues.add("E_TIME_RANGE", f"saved query '{q}' time_range has both `relative` and `from`/`to`",
                   defs.where("saved_queries", q, "time_range", "relative"), "keep one of them")
    for key, text, check in (("relative", tr.relative, relative_problem), ("from", tr.start, bound_problem),
                             ("to", tr.end, bound_problem)):
        problem = check(text) if text is not None else None
        if problem:
            guess = did_you_mean(normalise(text), NAMES) if problem.startswith("unknown") else ""
            issues.add("E_TIME_RANGE", f"saved query '{q}' time_range {key} '{text}': {problem}{guess}",
                       defs.where_value("saved_queries", q, "time_range", key),
                       f"use a date YYYY-MM-DD or one of: {HELP}" if key != "relative" else f"use one of: {HELP}")
    start, end = _iso(tr.start), _iso(tr.end)
    if start and end and start > end:
        issues.add("E_TIME_RANGE", f"saved query '{q}' time_range starts ({start}) after it ends ({end})",
                   defs.where_value("saved_queries", q, "time_range", "to"), "swap `from` and `to`")


RULES = (check_saved_queries,)

"""Metric rules: every metric resolves to existing measures, derived formulas are acyclic, and a metric's
time axis exists, is a time, and can be joined to from the metric's rows.
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.durations import parse_duration
from semantic.definitions.expressions import ExpressionError, parse_derived
from semantic.definitions.project import Definitions
from semantic.definitions.rules import metric_graph
from semantic.definitions.rules.context import Context, context, report_unknown
from semantic.errors import IssueList, Position, SemanticError
from semantic.definitions.date_parts import DATE_PARTS, misspelt_part, part_of_time
from semantic.graph import JoinPath, split_dimension_ref


def check_metric_measures(defs: Definitions, issues: IssueList) -> None:
    """Simple, cumulative and ratio metrics name measures that exist."""
    ctx = context(defs)
    for name, metric in defs.metrics.items():
        if isinstance(metric, (m.SimpleMetric, m.CumulativeMetric)):
            refs = [("measure", metric.measure)]
        elif isinstance(metric, m.RatioMetric):
            refs = [("numerator", metric.numerator), ("denominator", metric.denominator)]
        else:
            continue
        for key, measure in refs:
            if not ctx.measure_is_known(measure):
                hint = (f"'{measure}' is a metric; a {metric.type} metric is built from measures "
                        "(use a derived metric to combine metrics)") if measure in defs.metrics else ""
                report_unknown(issues, "E_UNKNOWN_MEASURE", "measure", f"metric '{name}'", measure, defs.measures,
                               defs.where_value("metrics", name, key), hint)


def check_derived_formulas(defs: Definitions, issues: IssueList) -> None:
    """A derived formula parses and uses only metric names; a comparison names an existing metric."""
    for name, metric in defs.metrics.items():
        if isinstance(metric, m.PeriodOverPeriodMetric):
            if metric.metric not in defs.metrics and not defs.is_broken("metrics", metric.metric):
                report_unknown(issues, "E_UNKNOWN_METRIC", "metric", f"metric '{name}'", metric.metric,
                               defs.metrics, defs.where_value("metrics", name, "metric"))
            elif metric.metric in defs.metrics and uses_comparison(context(defs), metric.metric, frozenset({name})):
                issues.add("E_INVALID_VALUE", f"metric '{name}' compares '{metric.metric}', which is itself "
                           "(or is built on) a period-over-period metric", defs.where_value("metrics", name, "metric"),
                           "compare the base metric instead")
            continue
        if not isinstance(metric, m.DerivedMetric):
            continue
        pos = defs.where_value("metrics", name, "expr")
        try:
            parsed = parse_derived(metric.expr)
        except ExpressionError as exc:
            issues.add(exc.code, f"metric '{name}': {exc}", pos,
                       exc.hint or "write arithmetic over other metrics' names, e.g. `bookings / won_deals`")
            continue
        for ref in sorted(parsed.identifiers):
            if ref not in defs.metrics and not defs.is_broken("metrics", ref):
                hint = (f"'{ref}' is a measure; add a simple metric over it and use that metric"
                        if ref in defs.measures else "")
                report_unknown(issues, "E_UNKNOWN_METRIC", "metric", f"metric '{name}'", ref, defs.metrics, pos,
                               hint)


def uses_comparison(ctx: Context, name: str, _seen: frozenset[str] = frozenset()) -> bool:
    """Whether a metric is, or is built on, a period-over-period metric (such metrics need a time range).

    Metrics in `_seen` are not followed, so a cycle is left to the cycle rule."""
    metric = ctx.defs.metrics.get(name)
    if metric is None or name in _seen or name in ctx.too_deep:
        return False
    if isinstance(metric, m.PeriodOverPeriodMetric):
        return True
    return any(uses_comparison(ctx, dep, _seen | {name}) for dep in ctx.derived_refs.get(name, ()))


def metric_cycles(ctx: Context) -> list[list[str]]:
    """Each cycle among derived metrics once, as its members in order (found without recursion)."""
    refs, cycles, seen = ctx.derived_refs, [], set()
    for _, dep, path in metric_graph.walk(refs, sorted(refs)):
        if dep is not None and dep in path:
            cycle = path[path.index(dep):]
            if frozenset(cycle) not in seen:
                seen.add(frozenset(cycle))
                cycles.append(cycle)
    return cycles


def check_metric_cycles(defs: Definitions, issues: IssueList) -> None:
    """Derived metrics must not depend on themselves; each cycle is reported once, at its first member."""
    for cycle in metric_cycles(context(defs)):
        first = cycle[0]
        shown = cycle if len(cycle) <= 10 else cycle[:5] + [f"... ({len(cycle) - 6} more)"] + cycle[-1:]
        issues.add("E_METRIC_CYCLE", "derived metrics form a cycle: " + " -> ".join(shown + [first]),
                   defs.where_value("metrics", first, "expr"),
                   "a derived metric cannot depend on itself; compute one of them from measures")


def check_metric_depth(defs: Definitions, issues: IssueList) -> None:
    """Metrics built on metrics, at most MAX_METRIC_DEPTH levels: reported once per chain, where it crosses."""
    ctx = context(defs)
    cyclic = {name for cycle in metric_cycles(ctx) for name in cycle}  # depth means nothing there: reported
    for name, depth in ctx.metric_depths.items():
        if depth == metric_graph.MAX_METRIC_DEPTH + 1 and name not in cyclic:
            key = "metric" if isinstance(defs.metrics[name], m.PeriodOverPeriodMetric) else "expr"
            issues.add("E_EXPRESSION_TOO_DEEP", f"derived metrics are stacked {depth} levels deep at metric '{name}'; "
                       f"the limit is {metric_graph.MAX_METRIC_DEPTH}", defs.where_value("metrics", name, key),
                       "compute intermediate metrics from measures instead of from other derived metrics")


def check_dimension_ref(ctx: Context, issues: IssueList, ref: str, who: str, position: Position | None,
                        from_entities: frozenset[str], need_time: bool = False) -> None:
    """One `[via.]entity.dimension` reference: it exists, is a time when it must be, and is reachable safely
    (through the named entities, in order, when the reference names the way)."""
    defs = ctx.defs
    date_part = part_of_time(defs.entities, ref)
    if date_part is not None:  # a whole number computed from a time dimension: check that dimension
        if need_time:
            issues.add("E_TIME_DIMENSION", f"{who}: '{ref}' is a date part (a number), not a time dimension",
                       position, f"use '{date_part[0]}' itself")
            return
        ref = date_part[0]
    misspelt = misspelt_part(defs.entities, ref)
    if misspelt is not None:
        report_unknown(issues, "E_UNKNOWN_DIMENSION", "date part", f"{who}: '{misspelt[0]}'", misspelt[1],
                       DATE_PARTS, position)
        return
    via, entity_name, dim_name = split_dimension_ref(ref)
    for name in via + (entity_name,):
        if name not in defs.entities:
            if not defs.is_broken("entities", name):
                report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", who, name, defs.entities, position)
            return
    entity = defs.entities[entity_name]
    dim = entity.dimensions.get(dim_name)
    if dim is None:
        known = [d for d, x in entity.dimensions.items() if x.type == "time" or not need_time]
        report_unknown(issues, "E_UNKNOWN_DIMENSION", "dimension", who, ref,
                       [".".join(via + (entity_name, d)) for d in known], position)
        return
    if need_time and dim.type != "time":
        issues.add("E_TIME_DIMENSION", f"{who}: '{ref}' is not a time dimension", position,
                   f"set `type: time` on '{ref}' or pick a time dimension")
    for source in sorted(from_entities):
        path = ctx.graph.path_through(source, via + (entity_name,))
        if isinstance(path, JoinPath):
            continue
        why = ("is reachable by several equally short join paths: " + " and ".join(p.describe() for p in path[:2])
               + "; name the way by writing the entities to go through before the dimension") if path else \
            "has no many-to-one join path to it" + (f" through {', '.join(via)}" if via else "")
        issues.add("E_UNREACHABLE_DIMENSION", f"{who}: '{ref}' cannot be used: from entity '{source}', "
                   f"'{entity_name}' {why}", position,
                   f"add a join from '{source}' (or an entity it joins) to '{entity_name}', or drop the dimension")
        return


def check_metric_time(defs: Definitions, issues: IssueList) -> None:
    """A metric's explicit time_dimension is an existing, reachable `type: time` dimension."""
    ctx = context(defs)
    for name, metric in defs.metrics.items():
        if metric.time_dimension:
            check_dimension_ref(ctx, issues, metric.time_dimension, f"metric '{name}' time_dimension",
                                defs.where_value("metrics", name, "time_dimension"), ctx.metric_entities(name),
                                need_time=True)


def check_cumulative(defs: Definitions, issues: IssueList) -> None:
    """A cumulative metric totals a sum or count measure by day, over a well-formed window or a period to date."""
    for name, metric in defs.metrics.items():
        if not isinstance(metric, m.CumulativeMetric):
            continue
        found = defs.measures.get(metric.measure)
        if found is not None and found[1].agg not in m.ADDITIVE_BY_DAY:
            issues.add("E_INVALID_VALUE", f"metric '{name}': measure '{metric.measure}' is a {found[1].agg}, which "
                       "cannot be added up day by day", defs.where_value("metrics", name, "measure"),
                       "a cumulative metric needs a sum or count measure (a distinct count or an average over a "
                       "window is not the total of its days)")
        if metric.window is not None and metric.grain_to_date is not None:
            issues.add("E_INVALID_VALUE", f"metric '{name}' has both `window` and `grain_to_date`",
                       defs.where_value("metrics", name, "grain_to_date"),
                       "keep one: a trailing `window: 90 days`, or a reset with `grain_to_date: quarter`")
        elif metric.window is not None:
            try:
                parse_duration(metric.window)
            except SemanticError as exc:
                issues.add("E_INVALID_VALUE", f"metric '{name}': {exc.message}",
                           defs.where_value("metrics", name, "window"),
                           "write a whole number and a unit: `90 days`, `12 weeks` or `3 months` (at most a century)")


RULES = (check_metric_measures, check_cumulative, check_derived_formulas, check_metric_cycles, check_metric_depth,
         check_metric_time)

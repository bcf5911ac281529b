"""Resolve a question against the definitions and the graph into a `Plan`.

This is where a question is refused when it cannot be answered correctly: unknown names (with 'did you
mean'), a dimension that would fan a measure out, an ambiguous join path, a time axis a measure cannot use.
"""
from __future__ import annotations

from datetime import date

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import SemanticGraph, split_dimension_ref
from semantic.plan.calendar import periods, resolve_range, today_in
from semantic.plan.filters import resolve_filter
from semantic.plan.joins import aliased_joins, join_path
from semantic.plan.metrics import MeasureNeed, MetricFormulas, output_type
from semantic.plan.model import DimensionUse, MeasureUse, MetricOutput, Plan, SourceGroup
from semantic.question import Question


def dimension_use(defs: Definitions, ref: str) -> DimensionUse:
    """`[via.]entity.dimension` checked against the definitions (every entity named must exist)."""
    via, entity_name, dim_name = split_dimension_ref(ref)
    for name in via + (entity_name,):
        if name not in defs.entities:
            raise SemanticError("E_UNKNOWN_DIMENSION", f"unknown entity '{name}' in dimension '{ref}'"
                                + did_you_mean(name, defs.entities), known_names_hint("entities", defs.entities))
    entity = defs.entities[entity_name]
    dim = entity.dimensions.get(dim_name)
    if dim is None:
        raise SemanticError("E_UNKNOWN_DIMENSION", f"entity '{entity_name}' has no dimension '{dim_name}'"
                            + did_you_mean(dim_name, entity.dimensions),
                            known_names_hint(f"dimensions of {entity_name}", entity.dimensions))
    return DimensionUse(ref, entity_name, dim_name, dim, via)


def _time_dimension(defs: Definitions, need: MeasureNeed, question: Question) -> DimensionUse | None:
    entity_name, measure = defs.measures[need.measure]
    entity = defs.entities[entity_name]
    ref = question.time_dimension or need.time_dimension
    if ref:
        use = dimension_use(defs, ref)
    else:
        name = measure.time_dimension or entity.default_time_dimension
        if name is None:
            return None
        use = dimension_use(defs, f"{entity_name}.{name}")
    if use.dimension.type != "time":
        raise SemanticError("E_NOT_A_TIME_DIMENSION", f"'{use.ref}' is not a time dimension",
                            "pick a dimension declared with `type: time`")
    return use


def _conditions(defs: Definitions, need: MeasureNeed) -> tuple[str, ...]:
    entity_name, measure = defs.measures[need.measure]
    out: list[str] = []
    for term_name in measure.terms + need.extra_terms:
        term = defs.terms.get(term_name)
        if term is None:
            raise SemanticError("E_UNKNOWN_TERM", f"unknown term '{term_name}'" + did_you_mean(term_name, defs.terms),
                                known_names_hint("terms", defs.terms))
        if term.filter:
            out.append(term.filter)
    out += [f for f in (measure.filter, need.extra_filter) if f]
    return tuple(dict.fromkeys(out))


def _refuse_own_time_axis(tdim: DimensionUse, dims: tuple[DimensionUse, ...], filters: tuple) -> None:
    """A comparison reads last year's rows: slicing or filtering them by the very date it shifts would put
    last year's dates in this year's answer (or filter them all away), so the time range and grain say it."""
    for use in list(dims) + [f.dimension for f in filters]:
        if (use.entity, use.name) == (tdim.entity, tdim.name):
            raise SemanticError("E_BAD_REQUEST", f"'{use.ref}' is the time axis a period-over-period metric "
                                "compares along, so it cannot also be a dimension or a filter",
                                "use the time range and the grain for it (or a different time dimension)")


def build_plan(defs: Definitions, graph: SemanticGraph, question: Question, today: date | None = None) -> Plan:
    time_range = resolve_range(question.time_range, today or today_in(defs.calendar), defs.calendar)
    formulas = MetricFormulas(defs, question.grain, time_range)
    metric_outputs = []
    for name in dict.fromkeys(question.metrics):
        tree = formulas.formula(name)
        metric = defs.metrics[name]
        metric_outputs.append(MetricOutput(name, metric.label, metric.format, output_type(defs, name), tree))
    dims = tuple(dimension_use(defs, ref) for ref in dict.fromkeys(question.dimensions))
    filters = tuple(resolve_filter(dimension_use(defs, f.dimension), f) for f in question.filters)
    needs_time = question.grain is not None or time_range is not None
    if question.time_dimension and not needs_time:
        raise SemanticError("E_BAD_REQUEST", f"time dimension '{question.time_dimension}' is given without a grain "
                            "or a time range, so it would change nothing", "add a grain or a time range, or drop it")

    groups: dict[tuple, list[tuple[MeasureNeed, str]]] = {}
    time_dims: dict[tuple, DimensionUse | None] = {}
    for key, need in formulas.needs.items():
        entity_name = defs.measures[need.measure][0]
        tdim = _time_dimension(defs, need, question) if needs_time else None
        if needs_time and tdim is None:
            raise SemanticError("E_NO_TIME_DIMENSION", f"measure '{need.measure}' has no time dimension, so it "
                                "cannot be cut by a grain or a time range",
                                f"set `time_dimension:` on the measure or `default_time_dimension:` on '{entity_name}'")
        group_key = (entity_name, tdim.ref if tdim else None, need.shift)
        groups.setdefault(group_key, []).append((need, formulas.columns[key]))
        time_dims[group_key] = tdim

    source_groups = []
    for (entity_name, tref, shift), members in groups.items():
        tdim = time_dims[(entity_name, tref, shift)]
        if shift and tdim is not None:
            _refuse_own_time_axis(tdim, dims, filters)
        uses = [(d, f"dimension '{d.ref}'") for d in dims] + \
            [(f.dimension, f"filter on '{f.dimension.ref}'") for f in filters] + \
            ([(tdim, f"time dimension '{tdim.ref}'")] if tdim is not None else [])
        paths = [(use.ref, join_path(graph, entity_name, use, why)) for use, why in uses]
        joins, aliases = aliased_joins(graph, entity_name, paths)
        measures = tuple(
            MeasureUse(column, need.measure, entity_name, defs.measures[need.measure][1].agg,
                       defs.measures[need.measure][1].expr, _conditions(defs, need))
            for need, column in members
        )
        name = f"{entity_name}_by_{tdim.name}" if tdim else f"{entity_name}_totals"
        name += f"_{shift[0]}_{shift[1]}s_before" if shift else ""
        source_groups.append(SourceGroup(name, entity_name, tdim, measures, joins, aliases, shift))

    bounded = time_range is not None and None not in time_range  # an open side has no spine to fill
    spine = tuple(periods(*time_range, question.grain, defs.calendar)) if question.grain and bounded else None
    columns = (["period"] if question.grain else []) + [d.ref for d in dims] + [m.name for m in metric_outputs]
    order = tuple((o.column, o.descending) for o in question.order_by)
    for column, _ in order:
        if column not in columns:
            raise SemanticError("E_BAD_ORDER_BY", f"cannot order by '{column}': it is not an output column"
                                + did_you_mean(column, columns), f"output columns: {', '.join(columns)}")
    return Plan(tuple(source_groups), dims, question.grain, time_range, spine, filters, tuple(metric_outputs),
                order or tuple((c, False) for c in columns[: len(columns) - len(metric_outputs)]), question.limit)


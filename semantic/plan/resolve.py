"""Resolve a question against the definitions and the graph into a `Plan`.

This is where a question is refused when it cannot be answered correctly: unknown names (with 'did you
mean'), a dimension that would fan a measure out, an ambiguous join path, a time axis a measure cannot use.
"""
from __future__ import annotations

from datetime import date

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import JoinPath, SemanticGraph
from semantic.plan.calendar import periods, resolve_range, today_in
from semantic.plan.filters import resolve_filter
from semantic.plan.metrics import MeasureNeed, MetricFormulas, output_type
from semantic.plan.model import DimensionUse, MeasureUse, MetricOutput, Plan, SourceGroup
from semantic.question import Question


def dimension_use(defs: Definitions, ref: str) -> DimensionUse:
    entity_name, _, dim_name = ref.partition(".")
    entity = defs.entities.get(entity_name)
    if entity is None:
        raise SemanticError("E_UNKNOWN_DIMENSION", f"unknown entity '{entity_name}' in dimension '{ref}'"
                            + did_you_mean(entity_name, defs.entities), known_names_hint("entities", defs.entities))
    dim = entity.dimensions.get(dim_name)
    if dim is None:
        raise SemanticError("E_UNKNOWN_DIMENSION", f"entity '{entity_name}' has no dimension '{dim_name}'"
                            + did_you_mean(dim_name, entity.dimensions),
                            known_names_hint(f"dimensions of {entity_name}", entity.dimensions))
    return DimensionUse(ref, entity_name, dim_name, dim)


def join_path(graph: SemanticGraph, start: str, target: str, why: str) -> JoinPath:
    path = graph.path(start, target)
    if isinstance(path, JoinPath):
        return path
    if isinstance(path, list):
        options = "; ".join(p.describe() for p in path)
        raise SemanticError("E_AMBIGUOUS_PATH", f"{why}: '{start}' reaches '{target}' by several equally short "
                            f"join paths: {options}",
                            "the paths can give different answers, so the layer will not pick one: remove one of "
                            "these joins in metrics.yaml, or slice by a dimension of an entity on the path you mean "
                            "(a derived entity with `sql:` can carry the value along that path)")
    raise SemanticError("E_FANOUT", f"{why}: '{target}' cannot be reached from '{start}' along many-to-one joins",
                        f"joining '{start}' to '{target}' would repeat each {start} row once per matching "
                        f"{target} row and count it several times; slice by a dimension of '{start}' or of an "
                        "entity it points to")


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


def build_plan(defs: Definitions, graph: SemanticGraph, question: Question, today: date | None = None) -> Plan:
    formulas = MetricFormulas(defs)
    metric_outputs = []
    for name in dict.fromkeys(question.metrics):
        tree = formulas.formula(name)
        metric = defs.metrics[name]
        metric_outputs.append(MetricOutput(name, metric.label, metric.format, output_type(defs, name), tree))
    dims = tuple(dimension_use(defs, ref) for ref in dict.fromkeys(question.dimensions))
    filters = tuple(resolve_filter(dimension_use(defs, f.dimension), f) for f in question.filters)
    time_range = resolve_range(question.time_range, today or today_in(defs.calendar), defs.calendar)
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
        group_key = (entity_name, tdim.ref if tdim else None)
        groups.setdefault(group_key, []).append((need, formulas.columns[key]))
        time_dims[group_key] = tdim

    source_groups = []
    for (entity_name, tref), members in groups.items():
        paths: dict[str, JoinPath] = {}
        for dim in dims:
            paths[dim.entity] = join_path(graph, entity_name, dim.entity, f"dimension '{dim.ref}'")
        for flt in filters:
            paths[flt.dimension.entity] = join_path(graph, entity_name, flt.dimension.entity,
                                                    f"filter on '{flt.dimension.ref}'")
        tdim = time_dims[(entity_name, tref)]
        if tdim is not None:
            paths[tdim.entity] = join_path(graph, entity_name, tdim.entity, f"time dimension '{tdim.ref}'")
        measures = tuple(
            MeasureUse(column, need.measure, entity_name, defs.measures[need.measure][1].agg,
                       defs.measures[need.measure][1].expr, _conditions(defs, need))
            for need, column in members
        )
        name = f"{entity_name}_by_{tdim.name}" if tdim else f"{entity_name}_totals"
        source_groups.append(SourceGroup(name, entity_name, tdim, measures,
                                         tuple(p for p in paths.values() if p.steps)))

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


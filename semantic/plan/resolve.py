"""Resolve a question against the definitions and the graph into a `Plan` of steps.

This is where a question is refused when it cannot be answered correctly: unknown names (with 'did you
mean'), a dimension that would fan a measure out, an ambiguous join path, a time axis a measure cannot use.
"""
from __future__ import annotations

from datetime import date

from semantic.definitions.project import Definitions
from semantic.definitions.standings import RANK_SUFFIX
from semantic.errors import SemanticError, did_you_mean
from semantic.graph import SemanticGraph
from semantic.plan.as_of import as_of_log, as_of_notes, as_of_state, series_range
from semantic.plan.calendar import periods, resolve_range, today_in
from semantic.plan.compare import comparison_note, compare_outputs
from semantic.plan.conversion import conversion_step
from semantic.plan.dimensions import column_type, dimension_use, measure_time_dimension
from semantic.plan.empty_rows import drops_empty_rows
from semantic.plan.filter_tree import FilterResolver
from semantic.plan.formulas import MetricFormulas, output_type
from semantic.plan.metric_ranges import metric_windows
from semantic.plan.metric_types.base import MeasureNeed
from semantic.plan.model import DimensionUse, EntityMetricUse, MetricOutput, filter_leaves
from semantic.plan.recorded_grain import refuse_cut, refuse_reach
from semantic.plan.standings import check_options, option_outputs, rank_order
from semantic.plan.sources import SharedParts, Source, source_steps, unique_name, window_step
from semantic.plan.steps import Combine, Compute, Plan, Spine, Step, internal_name
from semantic.plan.window import Window
from semantic.question import Question
from semantic.result import Column

def _refuse_own_time_axis(tdim: DimensionUse, dims: tuple[DimensionUse, ...], filters: tuple) -> None:
    """A comparison reads last year's rows: slicing or filtering them by the very date it shifts would put
    last year's dates in this year's answer (or filter them all away), so the time range and grain say it."""
    for use in list(dims) + [f.dimension for f in filter_leaves(filters)]:
        if (use.entity, use.name) == (tdim.entity, tdim.name):
            raise SemanticError("E_BAD_REQUEST", f"'{use.ref}' is the time axis a period-over-period metric "
                                "compares along, so it cannot also be a dimension or a filter",
                                "use the time range and the grain for it (or a different time dimension)")


def _refuse_split_periods(defs: Definitions, need: MeasureNeed, recorded: str, grain: str | None,
                          time_range: tuple | None) -> None:
    """A measure recorded per period (semantic/plan/recorded_grain.py) is never cut into parts of a period."""
    if need.reach is not None:
        refuse_reach(need.measure, recorded, defs.calendar)
    refuse_cut(need.measure, recorded, grain, time_range, defs.calendar, need.shift)


def _refuse_entity_metrics(question: Question, formulas: MetricFormulas, filters: tuple) -> None:
    """A metric per entity is computed from today's rows over its own range: beside a conversion's cohorts or
    an as-of reading it would mix two different readings of the rows."""
    if not any(isinstance(f, EntityMetricUse) for f in filter_leaves(filters)):
        return
    if formulas.conversions:
        raise SemanticError("E_BAD_FILTER", "a conversion metric cannot take a metric filter computed per entity",
                            "ask for the conversion metric in a question of its own")
    if question.as_of is not None or question.as_of_each:
        raise SemanticError("E_AS_OF", "a metric filter computed per entity reads today's rows, so it cannot "
                            "filter a question read as of an instant", "drop --as-of, or filter on dimensions")


def build_plan(defs: Definitions, graph: SemanticGraph, question: Question, today: date | None = None) -> Plan:
    today = today or today_in(defs.calendar)
    time_range = resolve_range(question.time_range, today, defs.calendar)
    formulas = MetricFormulas(defs, question.grain, time_range, question.like_for_like,
                              dimensions=tuple(question.dimensions), windows=metric_windows(defs, question, today))
    check_options(question)
    metric_outputs = []
    for name in dict.fromkeys(question.metrics):
        tree = formulas.metric(name)
        metric = defs.metrics[name]
        output = MetricOutput(name, metric.label, metric.format, output_type(defs, name), tree)
        metric_outputs += [output] + (compare_outputs(formulas, output, question.compare) if question.compare else [])
        metric_outputs += option_outputs(defs, formulas, output, question)
    notes = {m.name: comparison_note(formulas, m, today, defs.calendar) for m in metric_outputs}
    taken: set[str] = set()  # before the as-of checks: a metric condition adds the measures its metric needs
    filters, kept = FilterResolver(defs, graph, formulas, today, taken).split(question.filters)
    _refuse_entity_metrics(question, formulas, filters)
    log = as_of_log(defs, question, formulas, today)
    time_range = series_range(question, time_range, today) if log else time_range
    dims = tuple(dimension_use(defs, ref) for ref in dict.fromkeys(question.dimensions))
    needs_time = question.grain is not None or time_range is not None
    if question.time_dimension and not needs_time:
        raise SemanticError("E_BAD_REQUEST", f"time dimension '{question.time_dimension}' is given without a grain "
                            "or a time range, so it would change nothing", "add a grain or a time range, or drop it")

    groups: dict[tuple, list[tuple[MeasureNeed, str]]] = {}
    time_dims: dict[tuple, DimensionUse | None] = {}
    for key, need in formulas.needs.items():
        entity_name, measure = defs.measures[need.measure]
        if measure.grain:
            _refuse_split_periods(defs, need, measure.grain, question.grain, need.window or time_range)
        timed = needs_time or need.reach is not None or need.window is not None  # a cumulative total is always
        # laid out in time
        tdim = measure_time_dimension(defs, need, question.time_dimension) if timed else None
        if timed and tdim is None:
            raise SemanticError("E_NO_TIME_DIMENSION", f"measure '{need.measure}' has no time dimension, so it "
                                "cannot be cut by a grain or a time range",
                                f"set `time_dimension:` on the measure or `default_time_dimension:` on '{entity_name}'")
        group_key = (entity_name, tdim.ref if tdim else None, need.shift, need.reach, need.window)
        groups.setdefault(group_key, []).append((need, formulas.columns[key]))
        time_dims[group_key] = tdim

    spine = None
    # empty periods are added only to be shown: not when the metric conditions drop them all (a cumulative
    # metric and an as-of series read their periods from the spine, so they keep it)
    fill = not drops_empty_rows(kept) or log is not None or any(n.reach for n in formulas.needs.values())
    if fill and question.grain and time_range is not None and None not in time_range:  # an open side has none
        dates = tuple(periods(*time_range, question.grain, defs.calendar))
        spine = Spine(unique_name("spine", taken), question.grain, dates)
    as_of = as_of_state(defs, log, question, spine, today, unique_name("as_of_state", taken)) if log else None
    shared = SharedParts(dims, filters, question.grain, time_range, today, as_of.state if as_of else None)
    aggregates: list[Step] = [conversion_step(defs, graph, prefix, metric, shared, today, taken)
                              for prefix, metric in formulas.conversions.values()]
    if formulas.conversions and question.time_dimension:
        raise SemanticError("E_BAD_REQUEST", "a conversion metric is placed in time by its base event's date, so "
                            f"time dimension '{question.time_dimension}' cannot apply to it",
                            "drop the time dimension, or ask for the conversion metric separately")
    for (entity_name, tref, shift, reach, window), members in groups.items():
        tdim = time_dims[(entity_name, tref, shift, reach, window)]
        if shift and tdim is not None:
            _refuse_own_time_axis(tdim, dims, filters)
        source = Source(entity_name, tdim, shift, tuple(members), window=window)
        aggregates.append(window_step(defs, graph, source, shared, spine, taken) if reach is not None
                          else source_steps(defs, graph, source, shared, taken))

    columns = (["period"] if question.grain else []) + [d.ref for d in dims] + [m.name for m in metric_outputs]
    if len(set(columns)) < len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise SemanticError("E_BAD_REQUEST", f"the answer would have two columns named '{twice}'",
                            f"ask for '{twice}' once: a share or rank column is named <metric>_share, <metric>_rank")
    order = tuple((o.column, o.descending) for o in question.order_by)
    for column, _ in order:
        if column not in columns:
            raise SemanticError("E_BAD_ORDER_BY", f"cannot order by '{column}': it is not an output column"
                                + did_you_mean(column, columns), f"output columns: {', '.join(columns)}")
    keys = (("period", "period"),) * bool(question.grain) + tuple((d.ref, internal_name(d.ref)) for d in dims)
    # a lone aggregate is the answer's rows as they are, unless periods without rows must be added to it (a
    # window over the spine without dimensions already has every period)
    lone = len(aggregates) == 1 and (spine is None or isinstance(aggregates[0], Window) and not dims)
    top: Step = aggregates[0] if lone else \
        Combine(unique_name("combined", taken), tuple(aggregates), spine, tuple(k for _, k in keys))
    default_order = rank_order(question, columns) if question.rank_by else \
        tuple((c, False) for c in columns[: len(columns) - len(metric_outputs)])
    top_rows = (f"{question.rank_by}{RANK_SUFFIX}", question.top) if question.top is not None else None
    final = Compute(unique_name("metrics", taken), top, keys, tuple(metric_outputs), order or default_order,
                    question.limit, kept, top_rows)
    plan = Plan(final, ())
    dim_notes: dict[str, str] = {}
    if as_of is not None:
        note, dim_notes = as_of_notes(defs, as_of, question, plan.steps, dims)
        notes = dict.fromkeys(notes, note)
    return Plan(final, _columns(question.grain, dims, metric_outputs, notes, dim_notes), today)


def _columns(grain: str | None, dims: tuple[DimensionUse, ...], metrics: list[MetricOutput],
             notes: dict[str, str | None], dim_notes: dict[str, str]) -> tuple[Column, ...]:
    cols = [Column("period", "date", None, f"Period ({grain})")] if grain else []
    cols += [Column(d.ref, column_type(d), None, d.dimension.label, dim_notes.get(d.ref)) for d in dims]
    cols += [Column(m.name, m.type, m.format, m.label, notes[m.name]) for m in metrics]
    return tuple(cols)

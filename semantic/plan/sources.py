"""The steps that turn one entity's rows into one aggregate: read -> join -> shift -> filter -> aggregate.

Measures of one entity placed in time by one time dimension (and read from one window) share one chain,
so one scan serves them all. Steps that would do nothing are left out (no Join without parents, no Filter
without a condition), so the SQL holds only what the question needs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import SemanticGraph
from semantic.plan.calendar import (Bounds, days_after_today, days_moved_onto, last_day_moved_onto, next_period,
                                   period_start, reach_start, reading_days, shift_back)
from semantic.plan.history import AS_OF_PERIOD, StateEach
from semantic.plan.joins import aliased_joins, join_path
from semantic.plan.metric_types.base import MeasureNeed, Shift
from semantic.plan.model import DimensionUse, RowFilter, filter_leaves
from semantic.plan.steps import (PRIMARY_KEY, TIME, Aggregate, AggregateMeasure, Filter, Join, JoinEdge, Read,
                                 ReadColumn, Shift as ShiftStep, Spine, Step, internal_name)
from semantic.plan.window import Window

MAX_NAME = 63  # PostgreSQL truncates longer identifiers, which could make two CTE names one


@dataclass(frozen=True)
class Source:
    """One chain to build: an entity, its time axis, the window shift, and the measures it aggregates."""

    entity: str
    time_dimension: DimensionUse | None
    shift: Shift | None
    members: tuple[tuple[MeasureNeed, str], ...]  # (need, output column)
    label: str = ""  # added to the chain's step names
    window: Bounds | None = None  # the measures' own time range (semantic/plan/metric_ranges.py)


@dataclass(frozen=True)
class SharedParts:
    """The parts of a resolved question every chain shares."""

    dimensions: tuple[DimensionUse, ...]
    filters: tuple[RowFilter, ...]
    grain: str | None
    time_range: Bounds | None
    today: date | None = None  # a like-for-like comparison stops today's period at today
    as_of: Step | None = None  # the rows of the measures' entity as they stood (semantic/plan/as_of.py)


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, shortened below PostgreSQL's identifier limit and made unique among the plan's steps."""
    if len(name) > MAX_NAME:
        name = f"{name[:MAX_NAME - 6]}_{len(taken)}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def conditions(defs: Definitions, need: MeasureNeed) -> tuple[str, ...]:
    """Boolean SQL over the measure's entity every counted row meets: terms, measure and metric filters."""
    _, measure = defs.measures[need.measure]
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


def source_steps(defs: Definitions, graph: SemanticGraph, source: Source, q: SharedParts, taken: set[str]) -> Aggregate:
    entity, tdim, shift = source.entity, source.time_dimension, source.shift
    series = isinstance(q.as_of, StateEach)  # the period is the instant the rows are read at, not a time axis
    tdim = None if series else tdim
    name = f"{entity}_by_{tdim.name}" if tdim else f"{entity}_as_of_each_{q.grain}" if series else f"{entity}_totals"
    name += (f"_{shift[0]}_{shift[1]}s_before{'' if shift[2] else '_whole'}" if shift else "") + source.label
    name += f"_{_days_slug(source.window)}" if source.window is not None else ""
    uses = [(d, f"dimension '{d.ref}'") for d in q.dimensions] + \
        [(f.dimension, f"filter on '{f.dimension.ref}'") for f in filter_leaves(q.filters)] + \
        ([(tdim, f"time dimension '{tdim.ref}'")] if tdim is not None else [])
    joins, aliases = aliased_joins(graph, entity, [(u.ref, join_path(graph, entity, u, why)) for u, why in uses])
    alias_of = dict(aliases)
    columns: dict[str, dict[str, ReadColumn]] = {entity: {}, **{j.target_alias: {} for j in joins}}

    def add(alias: str, column: ReadColumn) -> None:
        columns[alias].setdefault(column.name, column)

    for j in joins:
        add(j.target_alias, ReadColumn(PRIMARY_KEY, (j.step.target_key,), key=True))
        add(j.source_alias, ReadColumn(f"fk__{j.target_alias}", (j.step.foreign_key,), key=True))
    if series:
        add(entity, ReadColumn(TIME, (AS_OF_PERIOD,), key=True))
    elif tdim is not None:
        add(alias_of[tdim.ref], ReadColumn(TIME, (tdim.dimension.expr or tdim.name,), False, about=tdim.ref))
    for d in q.dimensions + tuple(f.dimension for f in filter_leaves(q.filters)):
        add(alias_of[d.ref], ReadColumn(internal_name(d.ref), (d.dimension.expr or d.name,), False, about=d.ref,
                                                    part=d.part))

    needs = {column: conditions(defs, need) for need, column in source.members}
    per_measure = len(set(needs.values())) > 1  # else one filter for every measure: a plain WHERE
    condition_of: dict[tuple[str, ...], str] = {}
    measures = []
    for need, column in source.members:
        measure = defs.measures[need.measure][1]
        value = None if measure.agg == "count" and not measure.expr else column
        if value is not None:
            add(entity, ReadColumn(value, (measure.expr or need.measure,), about=need.measure))
        conds = needs[column]
        if conds and conds not in condition_of:
            condition_of[conds] = f"{column}__if"
            add(entity, ReadColumn(condition_of[conds], conds))
        measures.append(AggregateMeasure(column, need.measure, measure.agg, value,
                                         condition_of[conds] if per_measure and conds else None))

    reads = {alias: Read(unique_name(f"{name}__rows" if alias == entity else f"{name}__{alias}", taken),
                         entity if alias == entity else _entity_of(joins, alias), alias,
                         tuple(cols.values()), q.as_of if alias == entity else None)
             for alias, cols in columns.items()}
    step: Step = reads[entity]
    if joins:
        edges = tuple(JoinEdge(j.source_alias, j.step.role, reads[j.target_alias]) for j in joins)
        step = Join(unique_name(f"{name}__joined", taken), reads[entity], edges)
    window, moved_back = (source.window or q.time_range) if tdim is not None else None, None
    to_date = days_after_today(window, q.today, q.grain, defs.calendar) \
        if shift and shift[2] and window is not None and q.today is not None else None
    if shift and window is not None and q.grain:  # the rows kept are those the shift moves into the range
        cut = to_date is not None and to_date[1] == window[1]  # today's period ends the range: stop at today
        if cut:
            window, to_date = (window[0], q.today), None
        moved_back = f"{shift[0]} {shift[1]}s" + (", up to the day today moves back to (like for like)" if cut else "")
        window = days_moved_onto(*window, shift)
        to_date = days_moved_onto(*to_date, shift) if to_date else None
    elif shift and window is not None:
        last = last_day_moved_onto(q.today, shift) if to_date and q.today else shift_back(window[1], shift)
        cut = ", up to the day today moves back to (like for like)" if to_date else ""
        moved_back = f"{shift[0]} {shift[1]}s{cut}"
        window, to_date = (shift_back(window[0], shift), last), None
    shared = tuple(condition_of.values()) if not per_measure else ()
    if window is not None or shared or q.filters:  # on the unmoved date, so the scan can skip rows
        step = Filter(unique_name(f"{name}__filtered", taken), step, entity, tdim.name if tdim else None, window,
                      moved_back, shared, q.filters, to_date, own_range=source.window is not None)
    if shift and q.grain:
        step = ShiftStep(unique_name(f"{name}__shifted", taken), step, entity, shift[0], shift[1],
                         q.grain == "day" and shift[1] == "month")
    return Aggregate(unique_name(name, taken), step, entity, tdim, q.grain, q.dimensions, tuple(measures))


def _days_slug(window: Bounds) -> str:
    """`from_20250101_to_20250331` for a chain of a metric's own range (open sides left out)."""
    first, last = window
    return "_".join(f"{word}_{day:%Y%m%d}" for word, day in (("from", first), ("to", last)) if day is not None)


def _entity_of(joins: tuple, alias: str) -> str:
    return next(j.step.target for j in joins if j.target_alias == alias)


def window_step(defs: Definitions, graph: SemanticGraph, source: Source, q: SharedParts, spine: Spine | None,
                taken: set[str]) -> Window:
    """A cumulative measure: its daily totals from the first day the shown values reach back to (before the
    time range if the reach needs it) up to the last day one is read on, then the Window step over them.
    Compared with an earlier period, each period is read on the day its earlier period is (reading_days)."""
    reach, shift = source.members[0][0].reach, source.shift
    assert reach is not None and source.time_dimension is not None
    first, last = q.time_range or (None, None)
    shown_from = period_start(first, q.grain, defs.calendar) if first and q.grain else None
    read_on: tuple[date, ...] = ()
    if last is not None and (spine is not None or not q.grain):  # the reading days are known here
        today = q.today if shift and shift[2] else None
        read_on = reading_days(spine.periods if spine else (), q.grain, last, shift, today, defs.calendar)
    assert shift is None or read_on, "a comparison has a time range with both ends"
    anchor = min(read_on) if read_on else last  # the earliest day a shown value is read on
    if not read_on and shown_from and q.grain:
        first_end = next_period(shown_from, q.grain) - timedelta(days=1)
        anchor = min(first_end, last) if last else first_end
    lower = reach_start(anchor, reach, defs.calendar) if anchor else None
    upper = max(read_on) if read_on else last
    before = f"_{shift[0]}_{shift[1]}s_before" if shift else ""
    daily = source_steps(defs, graph, replace(source, shift=None, label=f"_daily_{reach.slug}{before}"),
                         replace(q, grain="day", time_range=(lower, upper) if lower or upper else None), taken)
    if isinstance(daily.input, Filter) and daily.input.window is not None:  # say the range reaches back
        daily = replace(daily, input=replace(daily.input, moved_back="to the first day a shown value reads"))
    name = unique_name(f"{source.entity}_{reach.slug}_by_{source.time_dimension.name}{before}", taken)
    earlier = f"{shift[0]} {shift[1]}s before" + (" (like for like)" if shift[2] else "") if shift else ""
    return Window(name, daily, spine, q.grain, reach, shown_from, last, read_on, earlier)

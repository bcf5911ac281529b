"""The steps of a conversion metric: instances placed in cohorts by their base event, and which of them converted.

See steps.py for what a step is; metric_types/conversion.py asks for these steps and semantic/sql/conversion.py
renders them. The base rows are read like any entity's rows (a Read, joined to parents for dimensions and
keys). When both events are dates of one row (lead created -> became MQL) the Conversion step counts those
rows directly, with no join at all. Otherwise the base rows become a Cohort (each instance once, by its first
base event when the rows are another entity's), the conversion rows are a second chain, and the two meet on
the key of the `through` entity. `entity_rows` is shared with funnels (semantic/plan/funnel.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from semantic.definitions.models import ConversionEvent, ConversionMetric
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.graph import JoinPath, SemanticGraph
from semantic.plan.formulas import CONVERSION_COLUMNS
from semantic.plan.joins import aliased_joins, join_path
from semantic.plan.metric_types.conversion import Within, parse_within
from semantic.plan.model import DimensionUse, RowFilter, filter_leaves
from semantic.plan.sources import SharedParts, unique_name
from semantic.plan.steps import TIME, AggregateMeasure, Join, JoinEdge, Read, ReadColumn, Step, internal_name

SUBJECT = "subject"  # the counted instance's key
LINK = "link"  # the key of the entity the two events meet on
BASE_IF = "base__if"  # the base term's filter
CONVERSION_TIME = "conversion_time"  # the conversion's date, when it is a column of the base row
CONVERSION_IF = "conversion__if"  # the conversion term's filter


@dataclass(frozen=True)
class Cohort(Step):
    """The counted instances with their cohort day and the key conversion events meet them on: the base rows
    meeting the base term, the filters and the time range (each instance by its first base event when the rows
    are another entity's, such as stage history rows)."""

    input: Step  # base rows: TIME, SUBJECT, LINK, BASE_IF?, dimension and filter columns
    entity: str
    first_event: bool
    dimensions: tuple[DimensionUse, ...]
    filters: tuple[RowFilter, ...]
    window: tuple[date | None, date | None] | None

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (SUBJECT, LINK, TIME) + tuple(internal_name(d.ref) for d in self.dimensions)

    def describe(self) -> str:
        first = ", each by its first base event" if self.first_event else ""
        return f"{self.entity} instances with their cohort day{first}" + (" in the time range" if self.window else "")


@dataclass(frozen=True)
class Conversion(Step):
    """Per cohort period and dimensions: the instances whose base event falls in it, those with a conversion
    event on or after that day (within the window), and whether the period's window is still open today."""

    entity: str  # what is counted
    base: Step  # the Cohort; or, when the conversion is a date of the same row, the base rows themselves (with
    # TIME, BASE_IF?, CONVERSION_TIME, CONVERSION_IF? and dimension columns; filters and window applied here)
    converted: Step | None  # conversion event rows: TIME, LINK, CONVERSION_IF?; None: on the base row itself
    base_ref: str  # entity.dimension of the base date, for the description
    conversion_ref: str
    grain: str | None
    dimensions: tuple[DimensionUse, ...]
    filters: tuple[RowFilter, ...]
    window: tuple[date | None, date | None] | None  # the cohorts shown: inclusive days of the base date
    within: Within | None
    today: date  # a cohort whose window ends today or later is open
    prefix: str  # output columns are prefix__cohort, prefix__converted, prefix__open

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.base,) + ((self.converted,) if self.converted else ())

    @property
    def measures(self) -> tuple[AggregateMeasure, ...]:
        return tuple(AggregateMeasure(f"{self.prefix}__{c}", self.prefix, "count", None)
                     for c in CONVERSION_COLUMNS)

    @property
    def keys(self) -> tuple[str, ...]:
        return (("period",) if self.grain else ()) + tuple(internal_name(d.ref) for d in self.dimensions)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.keys + tuple(m.column for m in self.measures)

    def describe(self) -> str:
        per = f"per {self.grain} of {self.base_ref}" if self.grain else "in total"
        within = f" {self.within.describe()}" if self.within else ""
        return (f"count {self.entity} instances {per}, and those with {self.conversion_ref} on or after "
                f"{self.base_ref}{within}")


def _event_entity(metric: ConversionMetric, event: ConversionEvent) -> str:
    return event.entity or metric.entity


def _path(graph: SemanticGraph, start: str, waypoints: tuple[str, ...], what: str) -> JoinPath:
    path = graph.path_through(start, waypoints)
    if not isinstance(path, JoinPath):  # validation reports it with a position; a question never gets here
        raise SemanticError("E_CONVERSION_PATH", f"{what}: '{start}' does not reach '{waypoints[-1]}' along "
                            "one many-to-one join path", "fix the conversion's entities or `through`")
    return path


def _conditions(defs: Definitions, event: ConversionEvent) -> tuple[str, ...]:
    term = defs.terms.get(event.term)
    return (term.filter,) if term is not None and term.filter else ()


def entity_rows(defs: Definitions, graph: SemanticGraph, entity: str, name: str, keys: list[tuple[str, JoinPath]],
                uses: list[tuple[DimensionUse, str, JoinPath]], own: list[ReadColumn], taken: set[str]) -> Step:
    """One entity's rows with key columns, dimensions, and columns of its own. A key reached along joins is the
    foreign key of the last one (the parent's table itself is not joined just to read its key)."""
    held = [(column, JoinPath(path.steps[:-1]), path.steps[-1].foreign_key) if path.steps
            else (column, path, defs.entities[entity].primary_key or "") for column, path in keys]
    paths = [(column, path) for column, path, _ in held] + [(use.ref, path) for use, _, path in uses]
    joins, aliases = aliased_joins(graph, entity, paths)
    alias_of = dict(aliases)
    columns: dict[str, dict[str, ReadColumn]] = {entity: {}, **{j.target_alias: {} for j in joins}}
    for j in joins:
        columns[j.target_alias].setdefault("pk", ReadColumn("pk", (j.step.target_key,), key=True))
        columns[j.source_alias].setdefault(f"fk__{j.target_alias}",
                                           ReadColumn(f"fk__{j.target_alias}", (j.step.foreign_key,), key=True))
    for column, _, key in held:
        columns[alias_of[column]].setdefault(column, ReadColumn(column, (key,), key=True))
    for use, column, _ in uses:
        columns[alias_of[use.ref]].setdefault(column, ReadColumn(column, (use.dimension.expr or use.name,), False,
                                                                 about=use.ref, part=use.part))
    for column in own:
        columns[entity].setdefault(column.name, column)
    reads = {alias: Read(unique_name(f"{name}__rows" if alias == entity else f"{name}__{alias}", taken),
                         entity if alias == entity else next(j.step.target for j in joins if j.target_alias == alias),
                         alias, tuple(cols.values()))
             for alias, cols in columns.items()}
    if not joins:
        return reads[entity]
    edges = tuple(JoinEdge(j.source_alias, j.step.role, reads[j.target_alias]) for j in joins)
    return Join(unique_name(f"{name}__joined", taken), reads[entity], edges)


def conversion_step(defs: Definitions, graph: SemanticGraph, prefix: str, metric: ConversionMetric, q: SharedParts,
                    today: date, taken: set[str]) -> Conversion:
    """The Conversion step of one metric for the question's grain, dimensions, filters and time range.

    Dimensions and filters are read through the counted entity, so each instance has one value of each (a
    dimension of the base rows themselves, such as the stage a history row left, would split an instance)."""
    entity, base_entity = metric.entity, _event_entity(metric, metric.base)
    conv_entity, through = _event_entity(metric, metric.conversion), metric.through or metric.entity
    first_event = base_entity != entity
    same_row = base_entity == conv_entity == through == entity
    base_time = defs.entities[base_entity].dimensions[metric.base.time]
    conv_time = defs.entities[conv_entity].dimensions[metric.conversion.time]
    name = f"{prefix}_{entity}_conversion"

    uses = []
    for use, why in [(d, f"dimension '{d.ref}'") for d in q.dimensions] + \
            [(f.dimension, f"filter on '{f.dimension.ref}'") for f in filter_leaves(q.filters)]:
        join_path(graph, entity, use, f"{why} on conversion metric '{prefix}'")  # refuses a fan-out from the entity
        via = use.via if not first_event or use.via[:1] == (entity,) else (entity,) + use.via
        reached = DimensionUse(use.ref, use.entity, use.name, use.dimension, via)
        uses.append((use, internal_name(use.ref), join_path(graph, base_entity, reached, why)))
    subject = _path(graph, base_entity, (entity,), f"conversion metric '{prefix}'")
    link = _path(graph, base_entity, (entity, through), f"conversion metric '{prefix}'")
    own = [ReadColumn(TIME, (base_time.expr or metric.base.time,), False, about=f"{base_entity}.{metric.base.time}")]
    own += [ReadColumn(BASE_IF, _conditions(defs, metric.base))] if _conditions(defs, metric.base) else []
    converted: Step | None = None
    conv_own = [ReadColumn(CONVERSION_TIME if same_row else TIME, (conv_time.expr or metric.conversion.time,), False,
                           about=f"{conv_entity}.{metric.conversion.time}")]
    conv_own += [ReadColumn(CONVERSION_IF, _conditions(defs, metric.conversion))] \
        if _conditions(defs, metric.conversion) else []
    if same_row:
        own += conv_own
    else:
        to_through = _path(graph, conv_entity, (through,), f"conversion metric '{prefix}'")
        converted = entity_rows(defs, graph, conv_entity, f"{prefix}_{conv_entity}_events", [(LINK, to_through)],
                                [], conv_own, taken)
    base = entity_rows(defs, graph, base_entity, name, [(SUBJECT, subject), (LINK, link)], uses, own, taken)
    if converted is not None:
        base = Cohort(unique_name(f"{prefix}_cohort", taken), base, entity, first_event, q.dimensions, q.filters,
                      q.time_range)
    return Conversion(unique_name(name, taken), entity, base, converted,
                      f"{base_entity}.{metric.base.time}", f"{conv_entity}.{metric.conversion.time}", q.grain,
                      q.dimensions, q.filters, q.time_range, parse_within(metric.within), today, prefix)

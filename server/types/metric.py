"""A metric as the catalogue shows it: its formula as written, the terms behind it, how to slice it, its SQL.

The dimensions and SQL are computed on demand (they need the compiler), so listing metrics stays cheap
when a client asks only for names and labels.
"""
from __future__ import annotations

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from semantic.definitions import Definitions
from semantic.definitions.lineage import lineages
from semantic.definitions.formula_text import formula_text
from semantic.errors import SemanticError
from semantic.governance.history import metric_history
from server.types.entity import Dimension, Measure
from server.types.history import MetricChange
from server.types.term import Term


MAX_HISTORY = 100  # each commit examined loads two versions of the definitions


@strawberry.type(description="A KPI with one canonical definition.")
class Metric:
    name: str = strawberry.field(description="snake_case name used in queries and as the result column.")
    label: str | None
    description: str | None
    type: str = strawberry.field(description="simple, ratio or derived.")
    format: str = strawberry.field(description="currency, percent, number, integer or days.")
    owner: str | None
    certified: bool
    formula: str = strawberry.field(description="The formula as written: a measure, `numerator / "
                                                "denominator`, or a derived expression over metrics.")
    measure: str | None = strawberry.field(description="simple metrics: the measure aggregated.")
    numerator: str | None = strawberry.field(description="ratio metrics: the measure on top.")
    denominator: str | None = strawberry.field(description="ratio metrics: the measure below.")
    expr: str | None = strawberry.field(description="derived metrics: arithmetic over metric names.")
    filter: str | None = strawberry.field(description="simple metrics: extra SQL filter on the measure.")
    measures: list[Measure] = strawberry.field(description="Every measure the metric aggregates, following "
                                                           "derived metrics down.")
    terms: list[Term] = strawberry.field(description="Glossary terms used, directly or via its measures.")
    time_dimension: str | None = strawberry.field(description="Default time axis (`entity.dimension`) for "
                                                              "grains and time ranges: the first of timeDimensions.")
    time_dimensions: list[str] = strawberry.field(description="Every time axis its SQL places measures on by "
                                                              "default (a ratio of measures dated differently: two).")

    @strawberry.field(description="Dimensions the metric can be sliced and filtered by.")
    async def dimensions(self, info: Info) -> list[Dimension]:
        layer = info.context.layer
        found = await run_in_threadpool(layer.dimensions_for, [self.name], info.context.caller)
        return [Dimension.from_domain(d) for d in found]

    @strawberry.field(description="The SQL the metric compiles to on its own (default: the database's "
                                  "dialect; e.g. `postgres`, `snowflake`, `bigquery`).")
    async def sql(self, info: Info, dialect: str | None = None) -> str:
        layer = info.context.layer
        return await run_in_threadpool(layer.metric_sql, self.name, dialect, info.context.caller)

    @strawberry.field(description="Commits (newest first) that changed this metric or anything its number "
                                  "depends on, read from the project's git history.")
    async def history(self, info: Info, limit: int = 10) -> list[MetricChange]:
        layer = info.context.layer
        if layer.project_dir is None:
            raise SemanticError("E_NOT_GIT", "these definitions were not read from a folder, so they have no history",
                                "serve a project folder kept in git")
        if not 1 <= limit <= MAX_HISTORY:
            raise SemanticError("E_BAD_REQUEST", f"limit must be between 1 and {MAX_HISTORY}",
                                f"ask for 1 to {MAX_HISTORY} commits")
        entries = await run_in_threadpool(metric_history, layer.project_dir, self.name, limit)
        return [MetricChange.from_domain(e) for e in entries]

    @classmethod
    def from_domain(cls, name: str, defs: Definitions) -> "Metric":
        metric, lin = defs.metrics[name], lineages(defs).of(name)
        measures = []
        for measure_name in lin.measures:
            entry = defs.measures.get(measure_name)
            if entry is not None:
                entity_name, measure = entry
                measures.append(Measure.from_domain(measure_name, entity_name, defs.entities[entity_name], measure))
        return cls(
            name=name, label=metric.label, description=metric.description, type=metric.type,
            format=metric.format, owner=metric.owner, certified=metric.certified, formula=formula_text(metric),
            measure=getattr(metric, "measure", None), numerator=getattr(metric, "numerator", None),
            denominator=getattr(metric, "denominator", None), expr=getattr(metric, "expr", None),
            filter=getattr(metric, "filter", None), measures=measures,
            terms=[Term.from_domain(t, defs.terms[t], defs) for t in lin.terms if t in defs.terms],
            time_dimension=next(iter(lin.time_axes), None), time_dimensions=list(lin.time_axes),
        )

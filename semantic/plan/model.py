"""The plan: a question resolved against the graph, as small frozen values the SQL stage walks.

Nothing here knows SQL syntax; it says which measures are aggregated on which entity, over which joins,
at which grain and time range, and how metrics combine the aggregated measure columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlglot import exp

from semantic.definitions.models import Dimension
from semantic.graph import JoinStep


@dataclass(frozen=True)
class DimensionUse:
    ref: str  # [via.]entity.dimension as written, also the output column name
    entity: str
    name: str
    dimension: Dimension
    via: tuple[str, ...] = ()  # entities the join path must pass through, in order


@dataclass(frozen=True)
class AliasedJoin:
    """One LEFT JOIN of a group: `target_alias` (a row of step.target) joined to `source_alias`."""

    source_alias: str
    target_alias: str
    step: JoinStep


@dataclass(frozen=True)
class FilterUse:
    dimension: DimensionUse
    op: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class MeasureUse:
    """One measure as a metric needs it: its aggregation plus every filter that applies to its rows."""

    column: str
    measure: str
    entity: str
    agg: str
    expr: str | None
    conditions: tuple[str, ...]  # boolean SQL over the measure's entity (terms, measure and metric filters)


@dataclass(frozen=True)
class SourceGroup:
    """One aggregation CTE: measures of one entity placed in time by one time dimension."""

    name: str
    entity: str
    time_dimension: DimensionUse | None
    measures: tuple[MeasureUse, ...]
    joins: tuple[AliasedJoin, ...]
    aliases: tuple[tuple[str, str], ...]  # (dimension ref, table alias it is read from) for this group
    shift: tuple[int, str] | None = None  # rows from this far back, reported at the period they compare to

    def alias_of(self, ref: str) -> str:
        return dict(self.aliases)[ref]


@dataclass(frozen=True)
class MetricOutput:
    name: str
    label: str | None
    format: str
    type: str  # integer | number
    formula: exp.Expression  # over the measure columns of the joined groups


@dataclass(frozen=True)
class Plan:
    groups: tuple[SourceGroup, ...]
    dimensions: tuple[DimensionUse, ...]
    grain: str | None
    time_range: tuple[date | None, date | None] | None  # inclusive; None on a side means open
    spine: tuple[date, ...] | None
    filters: tuple[FilterUse, ...]
    metrics: tuple[MetricOutput, ...]
    order_by: tuple[tuple[str, bool], ...]
    limit: int | None

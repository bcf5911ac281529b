"""The resolved pieces of a question the steps carry: dimensions, joins, filters and metric outputs.

Nothing here knows SQL syntax; semantic/plan/steps.py arranges these into the step graph.
"""
from __future__ import annotations

from dataclasses import dataclass
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
    part: str | None = None  # a date part of the time dimension (semantic/definitions/date_parts.py)


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
class MetricOutput:
    name: str
    label: str | None
    format: str
    type: str  # integer | number
    formula: exp.Expression  # over the measure columns of the joined groups

"""The registry of metric types: one module per definition class.

Each module has `DEFINITION` (the pydantic class of its `type:`), `formula(...)` (the metric as a sqlglot
tree over aggregated measure columns, asking the planner for the measures it needs) and `output_type(...)`.
What a metric is built from is answered by semantic/definitions/lineage.py for every consumer. A new type is a new module listed here, its
docs and its tests; the planner and the SQL stage do not change unless it needs a new step kind.
"""
from __future__ import annotations

from types import ModuleType

from semantic.plan.metric_types import (conversion, cumulative, derived, period_over_period, rank, ratio, share,
                                        simple)

MODULES: dict[type, ModuleType] = {m.DEFINITION: m for m in (simple, ratio, derived, period_over_period,
                                                                 cumulative, conversion, share, rank)}


def type_of(metric: object) -> ModuleType:
    """The module of a validated metric definition (validation refuses types with no module)."""
    return MODULES[type(metric)]

"""A metric computed per row of an entity, used as a row filter: "deals whose activities in the last 14 days
= 0" is `metric(activities, by=opportunity, range=last_14_days) = 0`.

The metric is aggregated per key of the entity (its own chain of steps, over its own range) into one row per
key with the metric's value (`EntityValues`). Each row of the question reaches the entity many-to-one, like a
dimension, and is LEFT JOINed to that value on the key (one row per key, so nothing repeats); an entity row
with nothing aggregated gets the metric's value of nothing (`empty`: 0 for a count, NULL for a ratio), so
`activities = 0` finds the deals with no activity at all. The condition is then one more row condition and
can sit under `or` and `not` with dimension conditions; a row reaching no entity row never meets it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlglot import exp

from semantic.definitions.models import Dimension
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.filter_tree import MetricFilter
from semantic.graph import JoinPath, SemanticGraph
from semantic.plan.calendar import resolve_range
from semantic.plan.dimensions import measure_time_dimension
from semantic.plan.formulas import MetricFormulas
from semantic.plan.model import DimensionUse, EntityMetricUse, FilterUse
from semantic.plan.sources import SharedParts, Source, source_steps, unique_name
from semantic.plan.steps import Aggregate, Step

KEY = "entity_key"  # not `key`: a reserved word in some SQL dialects
VALUE = "metric_value"


@dataclass(frozen=True)
class EntityValues(Step):
    """One row per key of the entity with something aggregated, and the metric's value for it."""

    entity: str
    metric: str
    key: DimensionUse  # the entity's primary key, as the aggregates' dimension
    aggregates: tuple[Aggregate, ...]
    formula: exp.Expression  # over the aggregates' measure columns

    @property
    def empty(self) -> exp.Expression:
        """The metric of an entity row with nothing aggregated: the formula over missing (NULL) columns."""
        return self.formula.transform(lambda node: exp.Null() if isinstance(node, exp.Column) else node)

    @property
    def inputs(self) -> tuple[Step, ...]:
        return self.aggregates

    @property
    def outputs(self) -> tuple[str, ...]:
        return (KEY, VALUE)

    def describe(self) -> str:
        return f"{self.metric} per {self.entity} row, for the rows with any"


def entity_key(defs: Definitions, entity_name: str) -> DimensionUse:
    """The entity's primary key as a dimension the planner can join to and read."""
    entity = defs.entities.get(entity_name)
    if entity is None:
        raise SemanticError("E_BAD_FILTER", f"metric filter: unknown entity '{entity_name}' in `by`"
                            + did_you_mean(entity_name, defs.entities), known_names_hint("entities", defs.entities))
    if not entity.primary_key:
        raise SemanticError("E_BAD_FILTER", f"metric filter: entity '{entity_name}' has no primary_key, so a metric "
                            "cannot be computed per row of it", f"set `primary_key:` on '{entity_name}'")
    return DimensionUse(f"{entity_name}.{entity.primary_key}", entity_name, entity.primary_key,
                        Dimension(expr=entity.primary_key))


def entity_metric(defs: Definitions, graph: SemanticGraph, leaf: MetricFilter, test: FilterUse, today: date,
                  taken: set[str]) -> EntityMetricUse:
    """The steps computing `leaf.metric` per row of `leaf.by` over `leaf.time_range`, and the row filter."""
    assert leaf.by is not None
    key = entity_key(defs, leaf.by)
    bounds = resolve_range(leaf.time_range, today, defs.calendar)
    formulas = MetricFormulas(defs, None, bounds)
    formula = formulas.metric(leaf.metric)
    if formulas.conversions or any(n.reach or n.shift for n in formulas.needs.values()):
        raise SemanticError("E_BAD_FILTER", f"metric filter: '{leaf.metric}' is a conversion, cumulative or "
                            "comparison metric, which is not a value per row of an entity",
                            "filter on a sum, count, ratio or derived metric")
    groups: dict[tuple, list] = {}
    axes: dict[tuple, DimensionUse | None] = {}
    for need_key, need in formulas.needs.items():
        entity_name = defs.measures[need.measure][0]
        tdim = measure_time_dimension(defs, need, None) if bounds is not None else None
        if bounds is not None and tdim is None:
            raise SemanticError("E_NO_TIME_DIMENSION", f"metric filter: '{need.measure}' has no time dimension, so "
                                "it cannot be counted over a range", "drop `range=` from metric(...)")
        group = (entity_name, tdim.ref if tdim else None)
        groups.setdefault(group, []).append((need, formulas.columns[need_key]))
        axes[group] = tdim
    aggregates = tuple(source_steps(defs, graph, Source(entity, axes[(entity, tref)], None, tuple(members),
                                                        f"_per_{leaf.by}"),
                                    SharedParts((_key_from(graph, entity, key),), (), None, bounds, today), taken)
                       for (entity, tref), members in groups.items())
    name = unique_name(f"{leaf.metric}_per_{leaf.by}", taken)
    return EntityMetricUse(key, EntityValues(name, leaf.by, leaf.metric, key, aggregates, formula), test)


def joined_columns(values: EntityValues) -> tuple[str, str]:
    """The names the filtered rows carry `values`' key and value under once it is joined to them."""
    return f"{values.name}__{KEY}", f"{values.name}__{VALUE}"


def _key_from(graph: SemanticGraph, entity: str, key: DimensionUse) -> DimensionUse:
    """The key as `entity`'s rows read it: a direct parent's key is the rows' own foreign key, so no join is
    needed to group by it (a foreign key with no parent row matches no row of the question either)."""
    path = graph.path_through(entity, (key.entity,)) if entity != key.entity else None
    if isinstance(path, JoinPath) and len(path.steps) == 1 and path.steps[0].target_key == key.name:
        return DimensionUse(key.ref, entity, key.name, Dimension(expr=path.steps[0].foreign_key))
    return key

"""Names a question uses, checked against the definitions: dimension references and a measure's time axis."""
from __future__ import annotations

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import split_dimension_ref
from semantic.plan.metric_types.base import MeasureNeed
from semantic.plan.model import DimensionUse


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


def measure_time_dimension(defs: Definitions, need: MeasureNeed, asked: str | None) -> DimensionUse | None:
    """The time axis a measure is placed by: the question's (`asked`), the metric's, the measure's, or its
    entity's default; None when it has none."""
    entity_name, measure = defs.measures[need.measure]
    entity = defs.entities[entity_name]
    ref = asked or need.time_dimension
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

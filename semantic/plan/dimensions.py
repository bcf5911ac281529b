"""Names a question uses, checked against the definitions: dimension references (with date parts) and a
measure's time axis."""
from __future__ import annotations

from semantic.definitions.date_parts import DATE_PARTS, misspelt_part, part_label, part_of_time, split_date_part
from semantic.definitions.models import Dimension
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.graph import split_dimension_ref
from semantic.plan.metric_types.base import MeasureNeed
from semantic.plan.model import DimensionUse

DIMENSION_TYPES = {"category": "string", "number": "number", "boolean": "boolean", "time": "timestamp"}


def column_type(use: DimensionUse) -> str:
    """The answer's column type of a dimension: a date part is a whole number."""
    return "integer" if use.part else DIMENSION_TYPES[use.dimension.type]


def dimension_use(defs: Definitions, ref: str) -> DimensionUse:
    """`[via.]entity.dimension[.date_part]` checked against the definitions (every entity named must exist).

    A date part is a whole number computed from its time dimension's value, so it is used as a number
    dimension (filters compare numbers); its base is resolved like any other dimension."""
    date_part = part_of_time(defs.entities, ref)
    if date_part is not None:
        base, part = date_part
        use = _plain_dimension_use(defs, base)
        label = part_label(use.dimension.label or use.name.replace("_", " ").capitalize(), part)
        dim = Dimension(expr=use.dimension.expr or use.name, type="number", label=label, description=DATE_PARTS[part])
        return DimensionUse(ref, use.entity, use.name, dim, use.via, part)
    base, part = split_date_part(ref)
    if part is not None and base != ref and _names_a_dimension(defs, base):
        raise SemanticError("E_NOT_A_TIME_DIMENSION", f"'{base}' is not a time dimension, so it has no "
                            f"date part '{part}'", "take date parts of a dimension declared with `type: time`")
    misspelt = misspelt_part(defs.entities, ref)
    if misspelt is not None:
        raise SemanticError("E_UNKNOWN_DIMENSION", f"'{misspelt[1]}' is not a date part of '{misspelt[0]}'"
                            + did_you_mean(misspelt[1], DATE_PARTS), known_names_hint("date parts", DATE_PARTS))
    return _plain_dimension_use(defs, ref)


def _names_a_dimension(defs: Definitions, ref: str) -> bool:
    via, entity_name, dim_name = split_dimension_ref(ref)
    return all(n in defs.entities for n in via + (entity_name,)) and dim_name in defs.entities[entity_name].dimensions


def _plain_dimension_use(defs: Definitions, ref: str) -> DimensionUse:
    """`[via.]entity.dimension`, or E_UNKNOWN_DIMENSION with the closest names."""
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

"""Names the compiler keeps for itself: `period` is the time axis column of every answer, and `__` joins an
entity and a dimension into one internal column name (`account__segment`). A definition using them would
collide with those columns, so it is refused where it is written."""
from __future__ import annotations

from semantic.definitions.project import Definitions
from semantic.errors import IssueList

RESERVED = frozenset({"period"})


def check_reserved_names(defs: Definitions, issues: IssueList) -> None:
    def refuse(name: str, what: str, position) -> None:
        why = "is the time axis column of every answer" if name in RESERVED else "contains '__', which the " \
            "compiler uses to join entity and dimension names"
        issues.add("E_RESERVED_NAME", f"{what} '{name}' {why}", position,
                   "rename it (e.g. `close_period`, or a single underscore)")

    for name in defs.metrics:
        if name in RESERVED or "__" in name:
            refuse(name, "metric", defs.where("metrics", name))
    for entity_name, entity in defs.entities.items():
        if "__" in entity_name:
            refuse(entity_name, "entity", defs.where("entities", entity_name))
        for dim in entity.dimensions:
            if "__" in dim:
                refuse(dim, "dimension", defs.where("entities", entity_name, "dimensions", dim))
        for measure in entity.measures:
            if measure in RESERVED or "__" in measure:
                refuse(measure, "measure", defs.where("entities", entity_name, "measures", measure))


RULES = (check_reserved_names,)

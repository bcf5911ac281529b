"""Which metrics and dimensions one role sees: its include/exclude names and globs, and the metric lineage.

A metric built on a hidden metric is hidden too (its number would give the hidden one away: a derived
`bookings - pipeline` with `pipeline` known); the lineage is the one the planner and catalogue use.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterable

from semantic.definitions.lineage import lineages
from semantic.definitions.models import Role, Visibility
from semantic.definitions.project import Definitions


def matches(pattern: str, name: str) -> bool:
    return fnmatchcase(name, pattern) if "*" in pattern else pattern == name


def chosen(visibility: Visibility | None, names: Iterable[str]) -> frozenset[str]:
    """The names `include` keeps (all when absent) that no `exclude` pattern matches."""
    names = list(names)
    if visibility is None:
        return frozenset(names)
    kept = names if visibility.include is None else \
        [n for n in names if any(matches(p, n) for p in visibility.include)]
    return frozenset(n for n in kept if not any(matches(p, n) for p in visibility.exclude))


def all_dimensions(defs: Definitions) -> tuple[str, ...]:
    return tuple(f"{e}.{d}" for e, ent in defs.entities.items() for d in ent.dimensions)


def role_metrics(defs: Definitions, role: Role) -> frozenset[str]:
    """The role's metrics, less every metric that reads a metric the role does not see."""
    named = chosen(role.metrics, defs.metrics)
    hidden = set(defs.metrics) - named
    lineage = lineages(defs)
    return frozenset(n for n in named if not hidden.intersection(lineage.of(n).metrics))


def role_dimensions(defs: Definitions, role: Role) -> frozenset[str]:
    return chosen(role.dimensions, all_dimensions(defs))

"""The `DimensionName` enum of the GraphQL schema: every dimension reference, so GraphiQL completes them.

A GraphQL enum value cannot hold a dot, so `account.segment` is the member `account__segment` (and a date part
`opportunity.created_at.day_of_week` the member `opportunity__created_at__day_of_week`), each with its label
and meaning as the description; the query reads the member's value, the reference itself. An argument cannot
depend on another, so the enum lists the dimensions of every entity; `dimensions(metrics: [...])` says which a
set of metrics can use. References naming a join path (`opportunity.rep.region`) are written as strings in
`dimensions`. Like the metric enum, it is rebuilt with the schema on every reload, and a restricted caller's
schema lists only the dimensions its roles show (server/caller_schemas.py).
"""
from __future__ import annotations

import enum
from typing import Any

import strawberry

from semantic.definitions.date_parts import DATE_PARTS
from semantic.definitions.project import Definitions

RESERVED = {"true", "false", "null"}


def dimension_references(defs: Definitions, shown: frozenset[str] | None = None) -> dict[str, str]:
    """Every `entity.dimension` in `shown` (None: all), and the date parts of a time dimension, with what it
    means, in name order."""
    refs: dict[str, str] = {}
    for entity_name in sorted(defs.entities):
        for name, dim in sorted(defs.entities[entity_name].dimensions.items()):
            ref = f"{entity_name}.{name}"
            if shown is not None and ref not in shown:
                continue
            refs[ref] = dim.description or dim.label or ref
            if dim.type == "time":
                refs.update((f"{ref}.{part}", f"{dim.label or ref}: {meaning}") for part, meaning in DATE_PARTS.items())
    return refs


def member_of(ref: str) -> str:
    return ref.replace(".", "__")


def dimension_of_member(member: str, defs: Definitions) -> str:
    """The reference an enum member stands for (`account__segment` -> `account.segment`); a member no
    reference has is shown with dots all the same."""
    return {member_of(ref): ref for ref in dimension_references(defs)}.get(member, member.replace("__", "."))


def dimension_enum(defs: Definitions, shown: frozenset[str] | None = None) -> Any:
    """The enum of the dimensions in `shown` (None: all), or String when two references would share a member name
    (or there is nothing to list)."""
    refs = dimension_references(defs, shown)
    members = {member_of(ref): ref for ref in refs}
    if not refs or len(members) < len(refs) or RESERVED & set(members):
        return str
    values = {member: strawberry.enum_value(ref, description=refs[ref]) for member, ref in members.items()}
    return strawberry.enum(enum.Enum("DimensionName", values),
                           description="A dimension reference entity.dimension (dots written as __).")

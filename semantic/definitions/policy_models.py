"""The `roles:` section (policies.yaml): who may see which metrics and dimensions, and which rows.

Roles are definitions like the metrics: versioned in git, part of the definitions version and validated with
positions (semantic/definitions/rules/policies.py), so widening what a role sees goes through review.
A caller's credential names its roles; semantic/access/ turns them into what the caller may see.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from semantic.definitions.model_types import Described, Model

_PATTERN = re.compile(r"^[a-z0-9_*]+(\.[a-z0-9_*]+)*$")


def _pattern(value: str) -> str:
    if not _PATTERN.match(value):
        raise ValueError(f"'{value}' is not a name or a glob of one (snake_case parts, `*` for any characters, "
                         "e.g. bookings, *bookings*, rep.email, rep.*)")
    return value


NamePattern = Annotated[str, AfterValidator(_pattern)]


class Visibility(Model):
    """Names a role sees: `include` (default: all), then minus `exclude`; `*` in a name matches any characters."""

    include: tuple[NamePattern, ...] | None = Field(None, description="Only these (names or globs); "
                                                    "default: every one.")
    exclude: tuple[NamePattern, ...] = Field((), description="Never these (names or globs), even if included.")


class RowRule(Model):
    """The rows of one entity a role sees, wherever that entity is read (every metric, join and history)."""

    entity: str = Field(description="The entity whose rows are filtered.")
    where: str = Field(description="A condition in the --where grammar over dimensions reachable from the "
                       "entity; `{claims.NAME}` stands for the value of the caller's claim NAME (bound as a "
                       "parameter), e.g. \"rep.region = {claims.region}\".")


class Role(Described):
    metrics: Visibility | None = Field(None, description="The metrics the role sees (default: all); a metric "
                                       "built on a hidden metric is hidden too.")
    dimensions: Visibility | None = Field(None, description="The dimensions (entity.dimension) the role may "
                                          "group and filter by (default: all).")
    rows: tuple[RowRule, ...] = Field((), description="Row filters; several on one entity must all hold.")

"""Join paths of one aggregation group, each table given the alias the SQL reads it under.

The usual case reads `account.segment` from the table aliased `account`: the unique shortest path. A
question may name the way instead (`opportunity.rep.region` from activities goes through the activity's
opportunity to its owner); a table reached by such a path gets an alias of its own (`via__opportunity__owner`)
so it never mixes with the same table reached the usual way. Names cannot contain `__`, so no alias
collides with an entity name.
"""
from __future__ import annotations

from semantic.errors import SemanticError
from semantic.graph import JoinPath, JoinStep, SemanticGraph
from semantic.plan.model import AliasedJoin, DimensionUse


def join_path(graph: SemanticGraph, start: str, dim: DimensionUse, why: str) -> JoinPath:
    """The path from `start` to the dimension's entity, through the entities the reference names."""
    path = graph.path_through(start, dim.via + (dim.entity,))
    if isinstance(path, JoinPath):
        return path
    if isinstance(path, list):
        target = path[0].target
        options = "; ".join(p.describe() for p in path)
        ways = " or ".join(f"'{_way(p, dim)}'" for p in path if len(p.steps) > 1)
        raise SemanticError("E_AMBIGUOUS_PATH", f"{why}: '{start}' reaches '{target}' by several equally short "
                            f"join paths: {options}",
                            "the paths can give different answers, so name the way: write the entities to go "
                            f"through before the dimension{f' ({ways})' if ways else ''}, or remove one of the "
                            "joins in metrics.yaml")
    target = dim.via[0] if dim.via else dim.entity
    raise SemanticError("E_FANOUT", f"{why}: '{dim.entity}' cannot be reached from '{start}' along many-to-one "
                        "joins" + (f" through {', '.join(dim.via)}" if dim.via else ""),
                        f"joining '{start}' to '{target}' would repeat each {start} row once per matching row and "
                        f"count it several times; slice by a dimension of '{start}' or of an entity it points to")


def _way(path: JoinPath, dim: DimensionUse) -> str:
    """The reference that names this candidate path: waypoints before the tied entity, the entities this
    path passes on the way to it, then the tied entity, the remaining waypoints and the dimension."""
    waypoints = dim.via + (dim.entity,)
    tied = waypoints.index(path.target)
    middle = tuple(step.target for step in path.steps[:-1])
    return ".".join(waypoints[:tied] + middle + waypoints[tied:] + (dim.name,))


def _alias(graph: SemanticGraph, start: str, prefix: tuple[JoinStep, ...]) -> str:
    if not prefix:
        return start
    if graph.is_canonical(start, prefix):
        return prefix[-1].target
    return "via__" + "__".join(step.role for step in prefix)


def aliased_joins(graph: SemanticGraph, start: str, paths: list[tuple[str, JoinPath]]
                  ) -> tuple[tuple[AliasedJoin, ...], tuple[tuple[str, str], ...]]:
    """The LEFT JOINs a group needs (each once, parents first) and the alias each dimension is read from."""
    joins: dict[str, AliasedJoin] = {}
    aliases: list[tuple[str, str]] = []
    for ref, path in paths:
        for k, step in enumerate(path.steps):
            target_alias = _alias(graph, start, path.steps[: k + 1])
            joins.setdefault(target_alias, AliasedJoin(_alias(graph, start, path.steps[:k]), target_alias, step))
        aliases.append((ref, _alias(graph, start, path.steps)))
    return tuple(joins.values()), tuple(aliases)

"""The semantic graph: entities as nodes, declared joins as many-to-one edges.

Only many-to-one (and one-to-one) edges are walked automatically, from the entity holding the foreign key
to the entity it points at: following them can never multiply the rows of the starting entity, so a
measure joined to a dimension this way is never double counted. The shortest path wins; two different
shortest paths to the same entity are ambiguous and reported with both candidates.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from semantic.definitions.project import Definitions


@dataclass(frozen=True)
class JoinStep:
    """One edge: rows of `source` joined to `target` on source.foreign_key = target.primary_key."""

    source: str
    role: str
    target: str
    foreign_key: str
    target_key: str


@dataclass(frozen=True)
class JoinPath:
    steps: tuple[JoinStep, ...]

    @property
    def target(self) -> str:
        return self.steps[-1].target if self.steps else ""

    def describe(self) -> str:
        if not self.steps:
            return "(same entity)"
        parts = [self.steps[0].source]
        for step in self.steps:
            parts.append(f"{step.role}" if step.role == step.target else f"{step.role}({step.target})")
        return " -> ".join(parts)


class SemanticGraph:
    """Join paths between entities, computed once per definitions version."""

    def __init__(self, defs: Definitions) -> None:
        self.defs = defs

    @cached_property
    def edges(self) -> dict[str, tuple[JoinStep, ...]]:
        out: dict[str, list[JoinStep]] = {name: [] for name in self.defs.entities}
        for name, entity in self.defs.entities.items():
            for role, join in entity.joins.items():
                target = join.entity or role
                target_entity = self.defs.entities.get(target)
                if target_entity is None or target_entity.primary_key is None:
                    continue  # reported by validation; never walked
                out[name].append(JoinStep(name, role, target, join.foreign_key, target_entity.primary_key))
        return {k: tuple(v) for k, v in out.items()}

    def _shortest(self, start: str) -> tuple[dict[str, JoinPath], dict[str, list[JoinPath]]]:
        """Breadth-first search keeping every shortest path, so ties are visible."""
        best: dict[str, list[JoinPath]] = {start: [JoinPath(())]}
        frontier = [start]
        while frontier:
            next_frontier: list[str] = []
            level: dict[str, list[JoinPath]] = {}
            for node in frontier:
                for step in self.edges.get(node, ()):
                    if step.target in best:
                        continue
                    for path in best[node]:
                        level.setdefault(step.target, []).append(JoinPath(path.steps + (step,)))
            for target, paths in level.items():
                best[target] = paths
                next_frontier.append(target)
            frontier = next_frontier
        unique = {t: p[0] for t, p in best.items() if len(p) == 1}
        ambiguous = {t: p for t, p in best.items() if len(p) > 1}
        return unique, ambiguous

    @cached_property
    def _all(self) -> dict[str, tuple[dict[str, JoinPath], dict[str, list[JoinPath]]]]:
        return {name: self._shortest(name) for name in self.defs.entities}

    def reachable(self, entity: str) -> dict[str, JoinPath]:
        """Entities reachable from `entity` by a unique shortest many-to-one path (itself included)."""
        return self._all.get(entity, ({}, {}))[0]

    def ambiguities(self, entity: str) -> dict[str, list[JoinPath]]:
        """Entities reachable by two or more different shortest paths."""
        return self._all.get(entity, ({}, {}))[1]

    def path(self, start: str, target: str) -> JoinPath | list[JoinPath] | None:
        """The unique path, the list of tied candidates, or None when `target` cannot be reached safely."""
        unique, ambiguous = self._all.get(start, ({}, {}))
        return unique.get(target) or ambiguous.get(target)

    def path_through(self, start: str, waypoints: tuple[str, ...]) -> JoinPath | list[JoinPath] | None:
        """The path that visits `waypoints` in order, each leg the unique shortest many-to-one path.

        This is how a question names the way when two paths tie: `account.region.name` goes to `region`
        through `account`. Returns the tied candidates of the first ambiguous leg, or None if a leg has no
        safe path.
        """
        steps: tuple[JoinStep, ...] = ()
        here = start
        for waypoint in waypoints:
            leg = self.path(here, waypoint)
            if not isinstance(leg, JoinPath):
                return leg
            steps += leg.steps
            here = waypoint
        return JoinPath(steps)

    def is_canonical(self, start: str, steps: tuple[JoinStep, ...]) -> bool:
        """Whether these steps are the unique shortest path from `start` to where they end."""
        unique = self.reachable(start).get(steps[-1].target) if steps else None
        return unique is not None and unique.steps == steps


def split_dimension_ref(ref: str) -> tuple[tuple[str, ...], str, str]:
    """`via1.via2.entity.dimension` -> ((via1, via2), entity, dimension); plain refs have no via."""
    *via, entity, dimension = ref.split(".")
    return tuple(via), entity, dimension

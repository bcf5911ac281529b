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


MAX_PATH_STEPS = 16  # real models join a few steps deep; a chain of thousands would cost quadratic time
MAX_KEPT_TIES = 4  # tied paths kept per target to show the choice; their number is counted, not listed


@dataclass(frozen=True)
class _Reach:
    """What one entity reaches: unique paths, tied paths (a few) with their counts, and what lies too far."""

    unique: dict[str, JoinPath]
    tied: dict[str, list[JoinPath]]
    tie_counts: dict[str, int]
    beyond: frozenset[str]


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

    def _shortest(self, start: str) -> "_Reach":
        """Breadth-first search keeping the shortest paths, so ties are visible.

        A lattice of joins has exponentially many equally short paths, so only MAX_KEPT_TIES of them are
        kept (enough to show the choice) while their number is counted; paths stop at MAX_PATH_STEPS.
        """
        best: dict[str, list[JoinPath]] = {start: [JoinPath(())]}
        counts: dict[str, int] = {start: 1}
        frontier = [start]
        for _ in range(MAX_PATH_STEPS):
            level: dict[str, list[JoinPath]] = {}
            for node in frontier:
                for step in self.edges.get(node, ()):
                    if step.target in best:
                        continue
                    counts[step.target] = counts.get(step.target, 0) + counts[node]
                    kept = level.setdefault(step.target, [])
                    for path in best[node][: MAX_KEPT_TIES - len(kept)]:
                        kept.append(JoinPath(path.steps + (step,)))
            best.update(level)
            frontier = list(level)
        beyond = {s.target for node in frontier for s in self.edges.get(node, ()) if s.target not in best}
        return _Reach({t: p[0] for t, p in best.items() if counts[t] == 1},
                      {t: p for t, p in best.items() if counts[t] > 1},
                      {t: n for t, n in counts.items() if n > 1}, frozenset(beyond))

    @cached_property
    def _all(self) -> dict[str, "_Reach"]:
        return {name: self._shortest(name) for name in self.defs.entities}

    def _reach(self, entity: str) -> "_Reach":
        return self._all.get(entity) or _Reach({}, {}, {}, frozenset())

    def reachable(self, entity: str) -> dict[str, JoinPath]:
        """Entities reachable from `entity` by a unique shortest many-to-one path (itself included)."""
        return self._reach(entity).unique

    def ambiguities(self, entity: str) -> dict[str, list[JoinPath]]:
        """Entities reachable by two or more different shortest paths (a few of them each)."""
        return self._reach(entity).tied

    def tie_count(self, entity: str, target: str) -> int:
        """How many equally short paths lead from `entity` to `target` (1 when the way is unique)."""
        return self._reach(entity).tie_counts.get(target, 1)

    def too_far(self, entity: str) -> frozenset[str]:
        """Entities joined to `entity` only by paths longer than MAX_PATH_STEPS (never walked)."""
        return self._reach(entity).beyond

    def path(self, start: str, target: str) -> JoinPath | list[JoinPath] | None:
        """The unique path, the list of tied candidates, or None when `target` cannot be reached safely."""
        reach = self._reach(start)
        return reach.unique.get(target) or reach.tied.get(target)

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

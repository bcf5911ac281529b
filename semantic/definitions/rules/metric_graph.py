"""How metrics build on each other, computed without recursion: a definitions file can chain thousands of
derived metrics (or make one long cycle), and a recursive walk over them ended in a RecursionError that
took a reloading server down. The chain depth is bounded (MAX_METRIC_DEPTH) so that everything after
validation, including the planner, may walk a valid project recursively.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Mapping

MAX_METRIC_DEPTH = 32  # derived metrics built on derived metrics; real projects use two or three levels


def walk(refs: Mapping[str, tuple[str, ...]], roots: Iterable[str]) -> Iterator[tuple[str, str | None, list[str]]]:
    """Depth-first over `refs` from each root, once per metric: yields (metric, dependency, path) for every
    edge followed or seen (path = the metrics being visited, root first), and (metric, None, path) when a
    metric is finished. A dependency already on the path closes a cycle; it is yielded, not followed."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in roots:
        if root in state:
            continue
        path, stack = [root], [iter(refs.get(root, ()))]
        state[root] = 1
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                stack.pop()
                done = path.pop()
                state[done] = 2
                yield done, None, path
                continue
            yield path[-1], dep, path
            if dep in refs and dep not in state:
                state[dep] = 1
                path.append(dep)
                stack.append(iter(refs.get(dep, ())))


def depths(refs: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Levels of derived metrics under each derived metric (1 = built on simple metrics only); an edge that
    closes a cycle counts nothing (the cycle is reported by its own rule)."""
    depth: dict[str, int] = {}
    for name, dep, _ in walk(refs, sorted(refs)):
        if dep is None:
            depth[name] = 1 + max((depth.get(d, 0) for d in refs.get(name, ())), default=0)
    return depth


def spread(bad: set[str], refs: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """`bad` plus every metric built on one of them, directly or not (a breadth-first pass over dependents)."""
    dependents: dict[str, list[str]] = {}
    for name, deps in refs.items():
        for dep in deps:
            dependents.setdefault(dep, []).append(name)
    queue = list(bad)
    while queue:
        for user in dependents.get(queue.pop(), ()):
            if user not in bad:
                bad.add(user)
                queue.append(user)
    return frozenset(bad)

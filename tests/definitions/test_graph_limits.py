"""Join graphs that would cost exponential or quadratic time stay cheap: a lattice of joins (every entity of
one layer joins every entity of the next) has exponentially many equally short paths, a chain of thousands
of entities quadratic path work. Validation counts the ties instead of listing them, and walks at most
MAX_PATH_STEPS joins."""
from __future__ import annotations

import time
from pathlib import Path

from semantic.definitions import load_project
from semantic.graph import MAX_PATH_STEPS


def _entity(name: str, joins: dict[str, str]) -> list[str]:
    lines = [f"  {name}:", f"    table: {name}_rows", "    primary_key: id"]
    if joins:
        lines.append("    joins:")
        lines += [f"      {role}: {{entity: {target}, foreign_key: {role}_id}}" for role, target in joins.items()]
    return lines + ["    measures:", f"      {name}_count: {{agg: count}}"]


def _project(tmp_path: Path, entities: list[list[str]]) -> list:
    lines = ["version: 1", "entities:"] + [line for e in entities for line in e]
    lines += ["metrics:", "  total: {type: simple, measure: " + entities[0][0].strip(" :") + "_count}"]
    (tmp_path / "metrics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    issues = load_project(tmp_path).issues
    assert time.perf_counter() - started < 5
    return [i for i in issues if i.code != "W_NO_TIME_DIMENSION"]


def _lattice(width: int, depth: int) -> list[list[str]]:
    return [_entity(f"e{d}_{w}", {f"j{k}": f"e{d + 1}_{k}" for k in range(width)} if d + 1 < depth else {})
            for d in range(depth) for w in range(width)]


def test_tied_paths_are_counted_not_listed(tmp_path: Path) -> None:
    # e0_0 -> any of 3 middle entities -> any of 3 -> e3_k: 3 * 3 = 9 equally short ways (hand count)
    issues = _project(tmp_path, _lattice(3, 4))
    to_e3 = [i.message for i in issues if i.message.startswith("entity 'e0_0' reaches 'e3_0'")]
    assert len(to_e3) == 1 and "by 9 equally short join paths" in to_e3[0]


def test_a_wide_deep_lattice_validates_quickly(tmp_path: Path) -> None:
    issues = _project(tmp_path, _lattice(10, 8))  # 10**6 shortest paths from e0_0 to the last layer
    last = [i.message for i in issues if i.message.startswith("entity 'e0_0' reaches 'e7_0'")]
    assert len(last) == 1 and "by 1000000 equally short" in last[0]


def test_a_long_chain_is_walked_to_the_limit_and_the_rest_reported(tmp_path: Path) -> None:
    n = 20  # c_i reaches c_(i+1) ... c_(i+16); c_0, c_1 and c_2 have entities beyond that
    chain = [_entity(f"c{i}", {"next": f"c{i + 1}"} if i + 1 < n else {}) for i in range(n)]
    issues = _project(tmp_path, chain)
    far = sorted(i.message.split("'")[1] for i in issues if i.code == "W_JOIN_PATH_TOO_LONG")
    assert far == ["c0", "c1", "c2"] and MAX_PATH_STEPS == 16


def test_a_chain_of_thousands_stays_fast(tmp_path: Path) -> None:
    chain = [_entity(f"c{i}", {"next": f"c{i + 1}"} if i + 1 < 1500 else {}) for i in range(1500)]
    assert len([i for i in _project(tmp_path, chain) if i.code == "W_JOIN_PATH_TOO_LONG"]) == 1500 - 17

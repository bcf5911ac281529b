"""How long `load_project` takes on a large project: 1,000 metrics over 200 entities.

Validation runs on every save in an editor, in CI on every pull request and on every reload of a running
server, so it must stay well under a second at the size of a big revenue team's definitions. Cold runs
clear the expression caches (what one `semantic validate` pays); warm runs keep them (a server reload
where most expressions did not change).

    .venv/bin/python -m bench.bench_validate [--runs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from semantic.definitions import expressions, load_project

ENTITIES = 200
METRICS = 1000
MEASURES_PER_ENTITY = 5


def _entity(i: int) -> str:
    parent = f"e{(i - 1) // 2}" if i else None  # a binary tree of joins: deep paths, never ambiguous
    join = f"    joins:\n      parent: {{entity: {parent}, foreign_key: parent_id}}\n" if parent else ""
    return f"""\
  e{i}:
    label: Entity {i}
    description: Generated entity number {i}.
    table: table_{i}
    primary_key: id
    default_time_dimension: created_at
    columns: [amount_{i}, cost_{i}, parent_id]
{join}    dimensions:
      status: {{label: Status}}
      region: {{label: Region}}
      amount_band:
        expr: "case when amount_{i} > {1000 + i} then 'large' else 'small' end"
      created_at: {{type: time}}
      closed_at: {{type: time}}
      is_closed: {{type: boolean}}
    measures:
      m{i}_count: {{agg: count, terms: [t{i}_open]}}
      m{i}_amount: {{agg: sum, expr: amount_{i}, terms: [t{i}_open], time_dimension: closed_at}}
      m{i}_margin: {{agg: sum, expr: "amount_{i} - cost_{i}", filter: "status <> 'void_{i}'"}}
      m{i}_closed: {{agg: count, terms: [t{i}_closed], time_dimension: closed_at}}
      m{i}_avg: {{agg: avg, expr: "coalesce(amount_{i}, 0) * 1.{i}"}}
"""


def _metric(k: int) -> str:
    e = k % ENTITIES
    kind = k % 10
    if kind < 6:
        measure = f"m{e}_{('count', 'amount', 'margin', 'closed', 'avg', 'count')[kind]}"
        return (f"  metric_{k}:\n    type: simple\n    measure: {measure}\n    owner: revops\n"
                f"    description: Generated simple metric {k}.\n    format: number\n")
    if kind < 9:
        return (f"  metric_{k}:\n    type: ratio\n    numerator: m{e}_closed\n    denominator: m{e}_count\n"
                f"    description: Generated ratio {k}.\n    format: percent\n")
    return (f"  metric_{k}:\n    type: derived\n    expr: \"metric_{k - 9} / nullif(metric_{k - 8}, 0) + metric_{k - 1}\"\n"
            f"    description: Generated derived metric {k}.\n")


def write_project(root: Path) -> None:
    header = "# yaml-language-server: $schema=./schema/semantic.schema.json\n"
    terms = "".join(
        f"  t{i}_open:\n    definition: Open rows of entity {i}.\n    entity: e{i}\n    filter: \"not is_closed\"\n"
        f"  t{i}_closed:\n    definition: Closed rows of entity {i}.\n    entity: e{i}\n"
        f"    filter: \"is_closed and status <> 'void_{i}'\"\n" for i in range(ENTITIES))
    stages = ("stages:\n  - {name: open, definition: Open., probability: 0.5, forecast_category: pipeline}\n"
              "  - {name: won, definition: Won., probability: 1, forecast_category: closed, is_closed: true, "
              "is_won: true}\n  - {name: lost, definition: Lost., probability: 0, forecast_category: omitted, "
              "is_closed: true}\n")
    (root / "glossary.yaml").write_text(header + "terms:\n" + terms + stages)
    (root / "metrics.yaml").write_text(header + "entities:\n" + "".join(_entity(i) for i in range(ENTITIES)))
    (root / "definitions").mkdir()
    per_file = METRICS // 10
    for f in range(10):
        body = "".join(_metric(k) for k in range(f * per_file, (f + 1) * per_file))
        queries = "".join(
            f"  query_{f}_{q}:\n    metrics: [metric_{f * per_file + q}]\n"
            f"    dimensions: [e{(f * per_file + q) % ENTITIES}.region, e0.status]\n    grain: month\n"
            for q in range(5))
        (root / "definitions" / f"team_{f}.yaml").write_text("metrics:\n" + body + "saved_queries:\n" + queries)


def _clear_caches() -> None:
    for fn in (expressions.parse_scalar, expressions.parse_derived, expressions.parse_select):
        fn.cache_clear()


def _time(root: Path, runs: int, cold: bool) -> list[float]:
    times = []
    for _ in range(runs):
        if cold:
            _clear_caches()
        start = time.perf_counter()
        loaded = load_project(root)
        times.append(time.perf_counter() - start)
        assert not loaded.issues, loaded.issues[0].render()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root)
        loaded = load_project(root)
        size = (f"{len(loaded.definitions.metrics)} metrics, {len(loaded.definitions.entities)} entities, "
                f"{len(loaded.definitions.measures)} measures, {len(loaded.definitions.terms)} terms")
        cold = _time(root, args.runs, cold=True)
        warm = _time(root, args.runs, cold=False)
    print(f"load_project ({size}), {args.runs} runs: cold min {min(cold) * 1000:.0f} ms median "
          f"{statistics.median(cold) * 1000:.0f} ms; warm min {min(warm) * 1000:.0f} ms median "
          f"{statistics.median(warm) * 1000:.0f} ms (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()

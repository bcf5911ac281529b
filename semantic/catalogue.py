"""What a project defines, as rows a person or a script can read: `semantic list`, `explain`, `--version`.

The API's catalogue, the CLI and the pull-request tools describe a metric the same way (its formula as a
reader would write it, its lineage from semantic/definitions/lineage.py), so the words never disagree.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

from semantic.access import Access
from semantic.access.questions import sees_saved_query
from semantic.definitions import load_project
from semantic.definitions.formula_text import formula_text
from semantic.definitions.lineage import lineages
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.layer import VersionInfo, git_version

Row = dict[str, Any]


def _metrics(defs: Definitions) -> list[Row]:
    return [{"name": name, "type": m.type, "label": m.label, "format": m.format, "owner": m.owner,
             "certified": m.certified, "formula": formula_text(m), "description": m.description}
            for name, m in sorted(defs.metrics.items())]


def _dimensions(defs: Definitions) -> list[Row]:
    return [{"name": f"{entity_name}.{dim_name}", "type": dim.type, "label": dim.label,
             "description": dim.description}
            for entity_name, entity in sorted(defs.entities.items())
            for dim_name, dim in sorted(entity.dimensions.items())]


def _terms(defs: Definitions) -> list[Row]:
    return [{"name": name, "label": t.label, "status": t.status, "owner": t.owner, "entity": t.entity,
             "filter": t.filter, "definition": t.definition} for name, t in sorted(defs.terms.items())]


def _saved_queries(defs: Definitions) -> list[Row]:
    return [{"name": name, "metrics": list(q.metrics), "funnel": q.funnel, "dimensions": list(q.dimensions),
             "grain": q.grain, "description": q.description} for name, q in sorted(defs.saved_queries.items())]


def _entities(defs: Definitions) -> list[Row]:
    def source(entity: Any) -> str:
        if entity.table:
            return entity.table
        if entity.from_history:
            return f"from_history: {entity.from_history.history} ({entity.from_history.rows})"
        return "sql"

    return [{"name": name, "source": source(e), "primary_key": e.primary_key, "dimensions": len(e.dimensions),
             "measures": len(e.measures), "description": e.description} for name, e in sorted(defs.entities.items())]


LISTINGS: dict[str, Callable[[Definitions], list[Row]]] = {
    "metrics": _metrics, "dimensions": _dimensions, "terms": _terms, "saved-queries": _saved_queries,
    "entities": _entities,
}


def listing(defs: Definitions, kind: str, access: Access | None = None) -> list[Row]:
    """One row per item of a kind (`LISTINGS`' keys), in name order; with `access`, only what it sees."""
    rows = LISTINGS[kind](defs)
    if access is None or not access.restricted:
        return rows
    if kind == "metrics":
        return [r for r in rows if access.sees_metric(r["name"])]
    if kind == "dimensions":
        return [r for r in rows if r["name"] in (access.dimensions or ())]
    if kind == "saved-queries":
        return [r for r in rows if sees_saved_query(access, defs.saved_queries[r["name"]])]
    return rows


def explanation(defs: Definitions, name: str, access: Access | None = None) -> Row:
    """Everything a reader needs to trust one metric: its words, its formula and what it is built from."""
    if access is not None:
        access.require_metric(name)  # a hidden metric: as unknown
    metric = defs.metrics.get(name)
    if metric is None:
        raise SemanticError("E_UNKNOWN_METRIC", f"unknown metric '{name}'" + did_you_mean(name, defs.metrics),
                            known_names_hint("metrics", defs.metrics))
    lin = lineages(defs).of(name)
    measures = []
    for measure_name in lin.measures:
        entity_name, measure = defs.measures[measure_name]
        measures.append({"name": measure_name, "entity": entity_name, "agg": measure.agg,
                         "expr": measure.expr, "filter": measure.filter, "terms": list(measure.terms)})
    return {
        "name": name, "label": metric.label, "type": metric.type, "description": metric.description,
        "owner": metric.owner, "certified": metric.certified, "format": metric.format,
        "formula": formula_text(metric), "metrics": list(lin.metrics), "measures": measures,
        "terms": [{"name": t, "filter": defs.terms[t].filter, "definition": defs.terms[t].definition}
                  for t in lin.terms if t in defs.terms],
        "entities": sorted(lin.entities | lin.also_reads), "time_axes": list(lin.time_axes),
    }


DISTRIBUTION = "revenue-semantic-layer"


def package_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source checkout that was never installed
        return "unknown (not installed)"


def versions_text(project: Path) -> str:
    """`semantic X.Y.Z`, then the definitions version stamp of `project` (as answers carry it) or why none."""
    loaded = load_project(project)
    defs = loaded.definitions
    if not defs.files:
        return f"semantic {package_version()}\ndefinitions: none in {project.resolve()}"
    commit, dirty = git_version(project, defs.files)
    stamp = str(VersionInfo(defs.version, commit, dirty))
    state = f" (invalid: {len(loaded.errors)} errors, run semantic validate)" if loaded.errors else ""
    return f"semantic {package_version()}\ndefinitions {stamp}{state} in {project.resolve()}"

"""What a definitions change does: which definitions changed, and which metric numbers move and why.

A reviewer of a pull request on metrics.yaml sees the change in words ("term mql: filter changed") and in
numbers ("mqls 543 -> 498, via term mql"), computed by both versions on the same database and time range.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from semantic.access import Caller
from semantic.definitions.history_rows import source_entities
from semantic.definitions.lineage import lineages
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import MAX_METRICS, Question

DATABASE_CODES = ("E_NO_DATABASE", "E_BAD_DATABASE_URL", "E_DATABASE_UNAVAILABLE")
NAMED_SECTIONS = ("terms", "entities", "metrics", "saved_queries")
SINGULAR = {"terms": "term", "entities": "entity", "metrics": "metric", "saved_queries": "saved query",
            "stages": "stages", "calendar": "calendar"}


@dataclass(frozen=True)
class DefinitionChange:
    section: str
    name: str
    change: str  # added | removed | changed
    fields: tuple[str, ...] = ()

    def describe(self) -> str:
        what = f"{SINGULAR[self.section]} '{self.name}'" if self.name else SINGULAR[self.section]
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.change} {what}{detail}"


@dataclass(frozen=True)
class MetricChange:
    name: str
    base: Any
    new: Any
    reasons: tuple[str, ...]
    error: str | None = None  # why a side could not be computed (the new side's reason first)
    same_error: bool = False  # both sides failed the same way (e.g. a comparison asked without a range)

    @property
    def delta(self) -> float | None:
        if isinstance(self.base, (int, float)) and isinstance(self.new, (int, float)):
            return self.new - self.base
        return None

    @property
    def moved(self) -> bool:
        if self.error:
            return not self.same_error
        if self.delta is None:
            return self.base != self.new
        return abs(self.delta) > 1e-9 * max(1.0, abs(self.base))


def _dump(item: Any) -> dict[str, Any]:
    return item.model_dump(mode="json", by_alias=True)


def _changed_fields(old: dict, new: dict) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)))


def _stage_changes(base: Definitions, new: Definitions) -> tuple[str, ...]:
    """What changed in the stage list: `proposal.probability`, `demo added`, `order`."""
    old_stages, new_stages = {s.name: _dump(s) for s in base.stages}, {s.name: _dump(s) for s in new.stages}
    out: list[str] = []
    for name in sorted(set(old_stages) | set(new_stages)):
        if name not in old_stages or name not in new_stages:
            out.append(f"{name} {'added' if name in new_stages else 'removed'}")
        else:
            out += [f"{name}.{field}" for field in _changed_fields(old_stages[name], new_stages[name])]
    common = [s for s in old_stages if s in new_stages]
    if common != [s for s in new_stages if s in old_stages]:
        out.append("order")
    return tuple(out)


def definition_changes(base: Definitions, new: Definitions) -> list[DefinitionChange]:
    out: list[DefinitionChange] = []
    for section in NAMED_SECTIONS:
        old_items, new_items = getattr(base, section), getattr(new, section)
        for name in sorted(set(old_items) | set(new_items)):
            if name not in old_items:
                out.append(DefinitionChange(section, name, "added"))
            elif name not in new_items:
                out.append(DefinitionChange(section, name, "removed"))
            else:
                fields = _changed_fields(_dump(old_items[name]), _dump(new_items[name]))
                if fields:
                    out.append(DefinitionChange(section, name, "changed", fields))
    stage_fields = _stage_changes(base, new)
    if stage_fields:
        out.append(DefinitionChange("stages", "", "changed", stage_fields))
    fields = _changed_fields(_dump(base.calendar), _dump(new.calendar))
    if fields:
        out.append(DefinitionChange("calendar", "", "changed", fields))
    return out


def dependencies(defs: Definitions, metric_name: str) -> set[tuple[str, str]]:
    """Everything a metric's number depends on: itself, metrics it derives from, measures' entities (and the
    entities their rows are generated from), terms."""
    if metric_name not in defs.metrics:
        return set()
    lin = lineages(defs).of(metric_name)
    deps = {("metrics", metric_name), ("calendar", "")} | {("metrics", x) for x in lin.metrics}
    direct = lin.entities | lin.also_reads
    entities = set(direct).union(*(source_entities(defs.entities, e) for e in direct))
    deps |= {("terms", t) for t in lin.terms} | {("entities", e) for e in entities if e in defs.entities}
    texts = [defs.entities[e].model_dump_json(exclude_none=True) for e in sorted(entities) if e in defs.entities]
    texts += [defs.terms[t].filter or "" for t in lin.terms if t in defs.terms]
    if any("stage_" in text for text in texts):  # a stage function or stage_dimension: stage changes move it
        deps.add(("stages", ""))
    return deps


def _reasons(base: Definitions, new: Definitions, name: str, changes: list[DefinitionChange]) -> tuple[str, ...]:
    changed = {(c.section, c.name): c for c in changes}
    deps = dependencies(base, name) | dependencies(new, name)
    return tuple(changed[d].describe() for d in sorted(deps) if d in changed)


def _values(layer: SemanticLayer, names: list[str], question: dict[str, Any], caller: Caller | None = None
            ) -> dict[str, Any]:
    """Each metric's total, in as few questions as the metric limit allows (MAX_METRICS per question)."""
    out: dict[str, Any] = {}
    for start in range(0, len(names), MAX_METRICS):
        out.update(_batch_values(layer, names[start:start + MAX_METRICS], question, caller))
    return out


def _batch_values(layer: SemanticLayer, names: list[str], question: dict[str, Any], caller: Caller | None
                  ) -> dict[str, Any]:
    """One query for the batch, or one per metric when a metric fails (to name it)."""
    try:
        row = layer.query(Question.model_validate({**question, "metrics": names}), caller=caller).rows
        return row[0] if row else {n: None for n in names}
    except SemanticError:
        out: dict[str, Any] = {}
        for name in names:
            try:
                rows = layer.query(Question.model_validate({**question, "metrics": [name]}), caller=caller).rows
                out[name] = rows[0][name] if rows else None
            except SemanticError as exc:
                if exc.code in DATABASE_CODES:
                    raise
                out[name] = exc
        return out


def metric_changes(base: SemanticLayer, new: SemanticLayer, question: dict[str, Any],
                   changes: list[DefinitionChange], caller: Caller | None = None) -> list[MetricChange]:
    """Every metric both versions define (and show `caller`, each under its own roles), computed by both on
    the new layer's database, as `caller` (None: unrestricted)."""
    names = sorted(set(base.metric_names(caller)) & set(new.metric_names(caller)))
    old_values, new_values = _values(base, names, question, caller), _values(new, names, question, caller)
    out = []
    for name in names:
        old, now = old_values.get(name), new_values.get(name)
        error = next((str(v) for v in (now, old) if isinstance(v, SemanticError)), None)
        same = isinstance(old, SemanticError) and isinstance(now, SemanticError) and str(old) == str(now)
        out.append(MetricChange(name, None if isinstance(old, SemanticError) else old,
                                None if isinstance(now, SemanticError) else now,
                                _reasons(base.definitions, new.definitions, name, changes), error, same))
    return out

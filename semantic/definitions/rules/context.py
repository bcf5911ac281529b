"""Facts every rule needs, computed once per `Definitions` and shared by all rules of one run.

The rules must stay linear in the size of the project (the bench validates 1,000 metrics), so lookups such
as "which columns may this entity's expressions use" or "which measures does this metric reach" are built
here once instead of being recomputed inside each rule.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterator

from sqlglot import exp

from semantic.definitions import models as m
from semantic.definitions.expressions import (STAGE_FUNCTIONS, ExpressionError, ParsedExpression, parse_derived,
                                              parse_scalar, parse_select)
from semantic.definitions.history_rows import output_columns
from semantic.definitions.lineage import Lineages
from semantic.definitions.project import Definitions
from semantic.definitions.rules import metric_graph
from semantic.errors import IssueList, Position, did_you_mean, known_names_hint
from semantic.graph import SemanticGraph

COUNT_AGGS = ("count", "count_distinct")


@dataclass(frozen=True)
class ExprSite:
    """One scalar SQL expression written in the definitions, with the entity whose columns it may use."""

    entity: str
    text: str
    position: Position | None
    owner: str
    raw_only: bool = False


@dataclass
class Context:
    defs: Definitions

    @cached_property
    def graph(self) -> SemanticGraph:
        return SemanticGraph(self.defs)

    @cached_property
    def select_outputs(self) -> dict[str, tuple[str, ...] | None]:
        """Output columns of each derived entity; None when its SELECT does not parse (reported elsewhere)."""
        out: dict[str, tuple[str, ...] | None] = {}
        for name, entity in self.defs.entities.items():
            if entity.sql:
                try:
                    out[name] = parse_select(entity.sql)[1]
                except ExpressionError:
                    out[name] = None
            elif entity.from_history is not None:
                out[name] = output_columns(self.defs.entities, entity.from_history)
        return out

    @cached_property
    def raw_columns(self) -> dict[str, frozenset[str] | None]:
        """Columns an entity's rows really have; None when unknowable (its SELECT is broken)."""
        result: dict[str, frozenset[str] | None] = {}
        for name, entity in self.defs.entities.items():
            if name in self.select_outputs and self.select_outputs[name] is None:
                result[name] = None
                continue
            cols = {d for d, dim in entity.dimensions.items() if dim.expr is None}
            cols.update(entity.columns)
            cols.update(j.foreign_key for j in entity.joins.values())
            if entity.primary_key:
                cols.add(entity.primary_key)
            cols.update(self.select_outputs.get(name) or ())
            result[name] = frozenset(cols)
        return result

    def usable(self, entity: str) -> frozenset[str] | None:
        """Identifiers measures and filters of `entity` may use: raw columns plus every dimension name."""
        raw = self.raw_columns.get(entity)
        if raw is None:
            return None
        return raw | frozenset(self.defs.entities[entity].dimensions)

    @cached_property
    def broken_measures(self) -> frozenset[str]:
        """Measure names written inside entities that failed their schema: never reported as unknown."""
        names: set[str] = set()
        broken = {self.defs.origins[key] for key in self.defs.broken if key[0] == "entities"}
        for file, path in self.defs.source.key_positions:
            if len(path) == 4 and path[0] == "entities" and path[2] == "measures" and (file, path[:2]) in broken:
                names.add(path[3])
        return frozenset(names)

    def measure_is_known(self, name: str) -> bool:
        return name in self.defs.measures or name in self.broken_measures

    @cached_property
    def lineages(self) -> Lineages:
        return Lineages(self.defs)

    def metric_measures(self, name: str) -> frozenset[str]:
        """Every measure a metric is built from (through the metrics it reads); none when too deep to walk."""
        return frozenset() if name in self.too_deep else frozenset(self.lineages.of(name).measures)

    @cached_property
    def metric_depths(self) -> dict[str, int]:
        return metric_graph.depths(self.derived_refs)

    @cached_property
    def too_deep(self) -> frozenset[str]:
        """Derived metrics built on more than MAX_METRIC_DEPTH levels: reported once, never walked."""
        return frozenset(n for n, d in self.metric_depths.items() if d > metric_graph.MAX_METRIC_DEPTH)

    @cached_property
    def unresolved_metrics(self) -> frozenset[str]:
        """Metrics with an error of their own (a missing measure or metric, a broken formula, too deep), directly
        or through what they are built on: questions using them are not checked further, so one mistake is one
        issue."""
        d = self.defs
        bad = set(self.too_deep)
        for name, metric in d.metrics.items():
            if isinstance(metric, (m.SimpleMetric, m.CumulativeMetric)):
                missing = metric.measure not in d.measures
            elif isinstance(metric, m.RatioMetric):
                missing = metric.numerator not in d.measures or metric.denominator not in d.measures
            elif isinstance(metric, m.DerivedMetric):
                missing = name not in self.parsed_formulas
            else:
                missing = False
            if missing or any(dep not in d.metrics for dep in self.derived_refs.get(name, ())):
                bad.add(name)
        return metric_graph.spread(bad, self.derived_refs)

    def metric_entities(self, name: str) -> frozenset[str]:
        return frozenset() if name in self.too_deep else self.lineages.of(name).entities

    @property
    def derived_refs(self) -> dict[str, tuple[str, ...]]:
        """Metrics each derived metric's formula (or a comparison's base metric) uses."""
        return self.lineages.refs

    @cached_property
    def parsed_formulas(self) -> dict[str, ParsedExpression]:
        """Derived metrics whose formula parses (the others are reported by the formula rule)."""
        parsed: dict[str, ParsedExpression] = {}
        for name, metric in self.defs.metrics.items():
            if isinstance(metric, m.DerivedMetric):
                try:
                    parsed[name] = parse_derived(metric.expr)
                except ExpressionError:
                    continue
        return parsed

    def metric_has_time(self, name: str) -> bool:
        return self.lineages.of(name).timed

    @cached_property
    def expr_sites(self) -> tuple[ExprSite, ...]:
        """Every scalar expression of the project, each once, with the entity it is evaluated on."""
        d = self.defs
        sites: list[ExprSite] = []
        for ename, ent in d.entities.items():
            for dname, dim in ent.dimensions.items():
                if dim.expr is not None:
                    sites.append(ExprSite(ename, dim.expr, d.where_value("entities", ename, "dimensions", dname,
                                                                          "expr"),
                                          f"dimension '{ename}.{dname}'", raw_only=True))
            for mname, meas in ent.measures.items():
                for key in ("expr", "filter"):
                    text = getattr(meas, key)
                    if text is not None:
                        sites.append(ExprSite(ename, text, d.where_value("entities", ename, "measures", mname, key),
                                              f"measure '{mname}' ({key})"))
            if ent.history is not None:
                for section in ("fields", "before"):
                    for column, text in getattr(ent.history, section).items():
                        sites.append(ExprSite(ename, text, d.where_value("entities", ename, "history", section,
                                                                          column),
                                              f"history {section} '{column}' of '{ename}'"))
        for tname, term in d.terms.items():
            if term.filter is not None and term.entity:
                sites.append(ExprSite(term.entity, term.filter, d.where_value("terms", tname, "filter"),
                                      f"term '{tname}'"))
        for mname, metric in d.metrics.items():
            if isinstance(metric, m.SimpleMetric) and metric.filter is not None and metric.measure in d.measures:
                sites.append(ExprSite(d.measures[metric.measure][0], metric.filter,
                                      d.where_value("metrics", mname, "filter"), f"metric '{mname}'"))
        return tuple(sites)

    @cached_property
    def stage_columns(self) -> dict[str, frozenset[str]]:
        """Per entity, the columns holding stage names: its declared `stage_dimension` (and the column it
        reads) plus every column its expressions pass to stage functions."""
        found: dict[str, set[str]] = {}
        for ename, ent in self.defs.entities.items():
            dim = ent.dimensions.get(ent.stage_dimension or "")
            if dim is not None:
                found.setdefault(ename, set()).add(ent.stage_dimension or "")
                if dim.expr is not None and dim.expr.strip().isidentifier():
                    found[ename].add(dim.expr.strip())
        for site in self.expr_sites:
            if not mentions_stage_function(site.text):
                continue
            try:
                tree = parse_scalar(site.text).tree
            except ExpressionError:
                continue
            for call in tree.find_all(exp.Anonymous):
                if call.name.lower() in STAGE_FUNCTIONS:
                    found.setdefault(site.entity, set()).update(c.name for c in call.find_all(exp.Column))
        return {k: frozenset(v) for k, v in found.items()}

    def stage_position(self, index: int, key: str) -> Position | None:
        """Where a field of the index-th stage is written, in the file whose `stages:` list is used."""
        for file in self.defs.files:
            if (file, ("stages",)) in self.defs.source.key_positions:
                return self.defs.source.exact_value(file, ("stages", index, key))
        return None

    def section_position(self, section: str) -> Position | None:
        """Where a whole-file section (stages, calendar) is written."""
        for file in self.defs.files:
            pos = self.defs.source.exact_key(file, (section,))
            if pos is not None:
                return pos
        return None


def mentions_stage_function(text: str) -> bool:
    """Cheap pre-filter: only expressions containing 'stage_' can call a stage function (saves tree walks)."""
    return "stage_" in text.lower()


_active: dict[int, Context] = {}


def context(defs: Definitions) -> Context:
    """The context shared by the rules of the current `validate` run (a fresh one outside of a run)."""
    ctx = _active.get(id(defs))
    return ctx if ctx is not None and ctx.defs is defs else Context(defs)


@contextmanager
def shared_context(defs: Definitions) -> Iterator[Context]:
    """Share one Context between all rules of one run, and drop it afterwards so nothing is kept alive."""
    ctx = _active[id(defs)] = Context(defs)
    try:
        yield ctx
    finally:
        _active.pop(id(defs), None)


def report_unknown(issues: IssueList, code: str, kind: str, who: str, name: str, known: Any,
                   position: Position | None, hint: str = "") -> None:
    """The one shape of every 'unknown name' issue: who uses it, did-you-mean, and the known names."""
    known = list(known)
    issues.add(code, f"{who} uses unknown {kind} '{name}'" + did_you_mean(name, known), position,
               hint or known_names_hint(f"{kind}s" if not kind.endswith("y") else f"{kind[:-1]}ies", known))

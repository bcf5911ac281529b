"""What each metric is built from: the metrics it uses, its measures, terms, entities and time axes.

Validation, the planner, the catalogue and the diff all ask this question; answering it in one place keeps
them from disagreeing (the catalogue once named one time axis for a ratio whose SQL places its numerator
and denominator on two). The walk is iterative (semantic/definitions/rules/metric_graph.py), so a cyclic or
very deep project being validated cannot overflow the stack; an edge closing a cycle is cut, not followed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from semantic.definitions import models as m
from semantic.definitions.expressions import ExpressionError, parse_derived
from semantic.definitions.project import Definitions
from semantic.definitions.rules import metric_graph


@dataclass(frozen=True)
class Lineage:
    """One metric's lineage; tuples are in first-use order (a ratio's numerator before its denominator)."""

    metrics: tuple[str, ...] = ()  # defined metrics it reads, directly or not (not itself)
    measures: tuple[str, ...] = ()  # measure names, as written (possibly unknown in an invalid project)
    terms: tuple[str, ...] = ()  # glossary term names on the metrics and measures, as written
    entities: frozenset[str] = frozenset()  # entities of its known measures: its dimensions are read from these
    time_axes: tuple[str, ...] = ()  # entity.dimension placing each measure in time, as the SQL does
    timed: bool = False  # every measure has a time axis (so a grain or time range can apply)
    also_reads: frozenset[str] = frozenset()  # other entities its number depends on (a conversion's event rows)


def _union(items: list[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for part in items for x in part))


class Lineages:
    """Lineage of every metric of one project, each computed once on demand."""

    def __init__(self, defs: Definitions) -> None:
        self.defs = defs
        self._done: dict[str, Lineage] = {}

    @cached_property
    def refs(self) -> dict[str, tuple[str, ...]]:
        """Metrics each derived metric's formula (or a comparison's, share's or rank's base metric) names, possibly
        unknown ones; a formula that does not parse names none (the formula rule reports it)."""
        refs: dict[str, tuple[str, ...]] = {}
        for name, metric in self.defs.metrics.items():
            if isinstance(metric, (m.PeriodOverPeriodMetric, m.ShareMetric, m.RankMetric)):
                refs[name] = (metric.metric,)
            elif isinstance(metric, m.DerivedMetric):
                try:
                    refs[name] = tuple(sorted(parse_derived(metric.expr).identifiers))
                except ExpressionError:
                    refs[name] = ()
        return refs

    def of(self, name: str) -> Lineage:
        """The metric's lineage (empty for an unknown name)."""
        if name not in self._done:
            for metric, dep, _ in metric_graph.walk(self.refs, [name]):
                leaf = dep if dep is not None and dep not in self.refs else None  # reads no metric: not walked
                done = metric if dep is None else leaf
                if done is not None and done not in self._done:
                    self._done[done] = self._build(done)
        return self._done.get(name, Lineage())

    def _build(self, name: str) -> Lineage:
        metric = self.defs.metrics.get(name)
        if metric is None:
            return Lineage()
        own_axis = (metric.time_dimension,) if metric.time_dimension else ()
        if isinstance(metric, m.ConversionMetric):
            return _conversion_lineage(metric)
        parts = [self._done[r] for r in self.refs.get(name, ()) if r in self._done and r in self.defs.metrics]
        measures = _measures_of(metric)
        known = [self.defs.measures[x] for x in measures if x in self.defs.measures]
        axes = [_axis(self.defs, entity, measure) for entity, measure in known]
        return Lineage(
            metrics=_union([(r, *self._done[r].metrics) for r in self.refs.get(name, ())
                            if r in self._done and r in self.defs.metrics]),
            measures=_union([measures, *(p.measures for p in parts)]),
            terms=_union([tuple(getattr(metric, "terms", ())), *(meas.terms for _, meas in known),
                          *(p.terms for p in parts)]),
            entities=frozenset(entity for entity, _ in known).union(*(p.entities for p in parts)),
            also_reads=frozenset().union(*(p.also_reads for p in parts)),
            time_axes=own_axis or _union([tuple(a for a in axes if a), *(p.time_axes for p in parts)]),
            timed=bool(own_axis) or (bool(known or parts) and all(axes) and all(p.timed for p in parts)),
        )


def _measures_of(metric: object) -> tuple[str, ...]:
    """Measures a metric aggregates itself (derived and period_over_period metrics read other metrics)."""
    if isinstance(metric, (m.SimpleMetric, m.CumulativeMetric)):
        return (metric.measure,)
    if isinstance(metric, m.RatioMetric):
        return (metric.numerator, metric.denominator)
    return ()


def _conversion_lineage(metric: m.ConversionMetric) -> Lineage:
    """A conversion reads no measure: its events' terms and entities, and the base date that places it in time.
    Its dimensions come from the counted entity only (each instance has one value)."""
    base, conv = metric.base.entity or metric.entity, metric.conversion.entity or metric.entity
    return Lineage(terms=tuple(dict.fromkeys((metric.base.term, metric.conversion.term))),
                   entities=frozenset({metric.entity}),
                   also_reads=frozenset({base, conv, metric.through or metric.entity}) - {metric.entity},
                   time_axes=(f"{base}.{metric.base.time}",), timed=True)


def _axis(defs: Definitions, entity: str, measure: m.Measure) -> str | None:
    """Where the planner places a measure in time when no metric or question says otherwise."""
    name = measure.time_dimension or defs.entities[entity].default_time_dimension
    return f"{entity}.{name}" if name else None


@lru_cache(maxsize=4)
def lineages(defs: Definitions) -> Lineages:
    """The shared lineages of a loaded project (definitions hash by identity)."""
    return Lineages(defs)

"""Facts about a metric that are spread over several definitions: its measures, terms and time axis.

A ratio's terms live on its two measures, a derived metric's on the metrics its formula names; the
catalogue shows the whole picture so "which definition of MQL does this number use?" has one answer.
"""
from __future__ import annotations

from semantic.definitions import Definitions
from semantic.definitions.expressions import ExpressionError, parse_derived


def referenced_metrics(defs: Definitions, name: str) -> list[str]:
    """Metrics a derived metric's formula (or a comparison) names, sorted; empty for other metric types."""
    metric = defs.metrics[name]
    if metric.type == "period_over_period":
        return [metric.metric] if metric.metric in defs.metrics else []
    if metric.type != "derived":
        return []
    try:
        identifiers = parse_derived(metric.expr).identifiers
    except ExpressionError:
        return []
    return sorted(i for i in identifiers if i in defs.metrics)


def metric_measures(defs: Definitions, name: str, _seen: frozenset[str] = frozenset()) -> list[str]:
    """Measure names a metric aggregates, following derived metrics down to their simple/ratio parts."""
    metric = defs.metrics[name]
    if metric.type in ("simple", "cumulative"):
        return [metric.measure]
    if metric.type == "ratio":
        return [metric.numerator, metric.denominator]
    out: list[str] = []
    for ref in referenced_metrics(defs, name):
        if ref not in _seen:
            out += [m for m in metric_measures(defs, ref, _seen | {name}) if m not in out]
    return out


def metric_terms(defs: Definitions, name: str) -> list[str]:
    """Glossary terms the metric uses, directly or through its measures, first use first."""
    metric = defs.metrics[name]
    out: list[str] = list(getattr(metric, "terms", ()))
    for measure_name in metric_measures(defs, name):
        entry = defs.measures.get(measure_name)
        if entry is not None:
            out += [t for t in entry[1].terms if t not in out]
    return [t for t in out if t in defs.terms]


def metric_time_dimension(defs: Definitions, name: str) -> str | None:
    """The metric's default time axis: declared on it, else its first measure's, else that entity's."""
    metric = defs.metrics[name]
    if metric.time_dimension:
        return metric.time_dimension
    for measure_name in metric_measures(defs, name):
        entry = defs.measures.get(measure_name)
        if entry is None:
            continue
        entity_name, measure = entry
        dimension = measure.time_dimension or defs.entities[entity_name].default_time_dimension
        if dimension:
            return f"{entity_name}.{dimension}"
    return None


def formula_text(metric) -> str:
    """The formula as a reader would write it."""
    if metric.type == "simple":
        return metric.measure
    if metric.type == "ratio":
        return f"{metric.numerator} / {metric.denominator}"
    if metric.type == "period_over_period":
        return f"{metric.calculation} of {metric.metric} vs {metric.compare_to.replace('_', ' ')}"
    if metric.type == "cumulative":
        reach = f"the trailing {metric.window}" if metric.window else \
            f"{metric.grain_to_date.replace('_', ' ')} to date" if metric.grain_to_date else "all time"
        return f"running total of {metric.measure} over {reach}"
    return metric.expr

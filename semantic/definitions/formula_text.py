"""How a metric's formula is written for readers (the catalogue, decks); what it is built from is
semantic/definitions/lineage.py's."""
from __future__ import annotations


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
    if metric.type == "conversion":
        within = f" within {metric.within}" if metric.within else ""
        return (f"{metric.calculation.replace('_', ' ')} of {metric.entity} from {metric.base.term} "
                f"to {metric.conversion.term}{within}")
    if metric.type in ("share", "rank"):
        within = f" within {', '.join(metric.within)}" if metric.within else ""
        what = "share of the total of" if metric.type == "share" else "rank, highest first, by"
        return f"{what} {metric.metric}{within} (each period)"
    return metric.expr

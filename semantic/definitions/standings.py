"""Which metrics a share or a rank may be taken of: the one rule for metric definitions and question options.

A share is a row's value over the total of the values in its group, so the values must add up to a total
that means something: sums and counts do (bookings, deals, activities, cumulative totals of them, a
conversion's counts). A ratio, an average, a median, a minimum or maximum does not (the win rates of three
products do not add up to anything), nor a distinct count (an account with deals in two products would be
counted in both rows' total), nor a derived metric (its arithmetic may divide) or a comparison: those are
refused. Any metric can be ranked, except a share or rank itself (a window over a window).
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.project import Definitions

SHAREABLE_AGGREGATIONS = ("sum", "count")
SHARE_SUFFIX, RANK_SUFFIX = "_share", "_rank"


def share_refusal(defs: Definitions, name: str) -> str | None:
    """Why a share of metric `name` is not meaningful, or None when it is (or the metric is unknown: the
    unknown-name rule reports that)."""
    metric = defs.metrics.get(name)
    if metric is None:
        return None
    if isinstance(metric, (m.SimpleMetric, m.CumulativeMetric)):
        measure = defs.measures.get(metric.measure)
        if measure is None or measure[1].agg in SHAREABLE_AGGREGATIONS:
            return None
        return f"'{name}' is the {measure[1].agg} of '{metric.measure}', whose values do not add up to a total"
    if isinstance(metric, m.ConversionMetric) and metric.calculation != "conversion_rate":
        return None
    kind = "conversion rate" if isinstance(metric, m.ConversionMetric) else f"{metric.type} metric"
    return f"'{name}' is a {kind}, whose values do not add up to a total"


def window_refusal(defs: Definitions, name: str) -> str | None:
    """Why metric `name` cannot be shared or ranked because it already is a share or rank, else None."""
    from semantic.definitions.lineage import lineages  # lineage imports the rules package, which imports this

    for used in (name, *lineages(defs).of(name).metrics):
        metric = defs.metrics.get(used)
        if isinstance(metric, (m.ShareMetric, m.RankMetric)):
            what = "itself" if used == name else f"built on '{used}',"
            return f"'{name}' is {what} a {metric.type} (a window over the answer), which cannot be windowed again"
    return None


def window_columns(query: m.SavedQuery) -> list[str]:
    """The `<metric>_share` and `<metric>_rank` columns a saved query's options add."""
    shares = [f"{x}{SHARE_SUFFIX}" for x in query.metrics] if query.share_of is not None else []
    return shares + ([f"{query.rank_by}{RANK_SUFFIX}"] if query.rank_by else [])

"""Measures recorded per period (`grain: fiscal_quarter` on a quota): definitions that would cut a period.

The planner refuses such a question when it is asked (semantic/plan/recorded_grain.py holds the rule); a
saved query or a cumulative metric that can only ever be refused is reported here, at its place in the
YAML, so the dashboard built on it does not break on its first request.
"""
from __future__ import annotations

from datetime import date

from semantic.definitions import models as m
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context
from semantic.errors import IssueList
from semantic.plan.recorded_grain import CODE, cumulative_hint, grain_problem, how_to_ask, range_cut


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # the saved-query rule reports a bad date


def check_recorded_grains(defs: Definitions, issues: IssueList) -> None:
    """No cumulative metric over a measure recorded per period; no saved query that cuts one of its periods."""
    recorded = {name: measure.grain for name, (_, measure) in defs.measures.items() if measure.grain}
    if not recorded:
        return
    calendar = defs.calendar
    for name, metric in defs.metrics.items():
        grain = recorded.get(metric.measure) if isinstance(metric, m.CumulativeMetric) else None
        if grain:
            issues.add(CODE, f"metric '{name}': measure '{metric.measure}' is recorded per {grain.replace('_', ' ')}, "
                       "so a cumulative metric cannot total it day by day",
                       defs.where_value("metrics", name, "measure"), cumulative_hint(grain, calendar))
    ctx = context(defs)
    for q, sq in defs.saved_queries.items():
        measures = dict.fromkeys(x for metric in sq.metrics if metric in defs.metrics
                                 for x in sorted(ctx.metric_measures(metric)) if x in recorded)
        for measure in measures:
            grain = recorded[measure]
            problem = grain_problem(measure, grain, sq.grain, calendar)
            where = defs.where_value("saved_queries", q, "grain")
            if problem is None and sq.time_range is not None and not sq.time_range.relative:
                cut = range_cut((_iso(sq.time_range.start), _iso(sq.time_range.end)), grain, calendar)
                if cut:
                    problem = f"measure '{measure}' is recorded per {grain.replace('_', ' ')}, and the time range {cut}"
                    where = defs.where("saved_queries", q, "time_range")
            if problem:
                issues.add(CODE, f"saved query '{q}': {problem}", where, how_to_ask(grain, calendar))


RULES = (check_recorded_grains,)

"""Metrics asked over their own time range beside others over the question's ("activities in the last 14
days" next to "open pipeline as of today").

Each such metric's measures are read over its own window in a chain of their own (so they never share rows
with the same measure over another window); the others keep the question's range, or none. Without a grain
the answer has one row per dimension values, so each column is simply its metric over its own window. With
a grain the periods are one shared axis: a metric with a narrower window would show 0 in the periods outside
it, which reads as "nothing happened", so that, comparisons and as-of questions are refused (E_METRIC_RANGE).
"""
from __future__ import annotations

from datetime import date

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.calendar import Bounds, resolve_range
from semantic.question import Question

CODE = "E_METRIC_RANGE"


def metric_windows(defs: Definitions, question: Question, today: date) -> dict[str, Bounds]:
    """{metric: its own inclusive days} for the question's `metric_ranges`, refusing what would change a
    number's meaning."""
    if not question.metric_ranges:
        return {}
    asked = set(question.metrics)
    windows: dict[str, Bounds] = {}
    for item in question.metric_ranges:
        if item.metric not in asked:
            raise SemanticError(CODE, f"'{item.metric}' has its own time range but is not one of the question's "
                                "metrics", f"ask for it ({', '.join(question.metrics)}) or drop its range")
        if item.metric in windows:
            raise SemanticError(CODE, f"'{item.metric}' is given two time ranges", "give each metric one range")
        bounds = resolve_range(item.time_range, today, defs.calendar)
        if bounds is None:
            raise SemanticError("E_BAD_TIME_RANGE", f"the time range of '{item.metric}' is empty",
                                "give a relative range (last_14_days) or from/to dates")
        windows[item.metric] = bounds
    if question.grain is not None:
        raise SemanticError(CODE, "a metric with its own time range cannot share a grain's periods: it would show "
                            "0 in every period outside its range, as if nothing had happened then",
                            "drop --grain (each column is then its metric over its own range), or ask the metrics "
                            "in separate questions")
    if question.compare or question.as_of is not None or question.as_of_each:
        raise SemanticError(CODE, "metrics with their own time range cannot be compared or read as of an instant",
                            "ask the comparison or the as-of question with one range for every metric")
    return windows

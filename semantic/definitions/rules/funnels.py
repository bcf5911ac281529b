"""Funnel rules: each funnel's steps are terms of its entity with dates of its entity, windows parse, and a
saved query runs either metrics or one known funnel (with only a time range and filters).

A funnel counts rows of one entity through its steps on one scan, so every step must be about that entity's
rows; a term of another entity would filter on columns that mean something else there.
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.durations import parse_duration
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.definitions.rules.metrics import check_dimension_ref
from semantic.errors import IssueList, SemanticError

METRIC_ONLY = ("dimensions", "grain", "time_dimension", "order_by", "limit")  # a funnel's rows are its steps


def _check_step(defs: Definitions, issues: IssueList, name: str, funnel: m.Funnel, i: int) -> None:
    step = funnel.steps[i]
    who = f"funnel '{name}' step {i + 1}"
    where = (lambda *sub: defs.where_value("funnels", name, "steps", i, *sub))
    term = defs.terms.get(step.term)
    if term is None:
        if not defs.is_broken("terms", step.term):
            report_unknown(issues, "E_UNKNOWN_TERM", "term", who, step.term, defs.terms, where("term"))
    elif term.entity and term.entity != funnel.entity:
        issues.add("E_TERM_ENTITY", f"{who} applies term '{step.term}', which filters entity '{term.entity}', to "
                   f"'{funnel.entity}' rows", where("term"),
                   f"use a term defined for entity '{funnel.entity}' (a funnel's steps are one entity's rows; use a "
                   "conversion metric to follow events across entities)")
    dims = defs.entities[funnel.entity].dimensions
    dim = dims.get(step.time)
    if dim is None:
        report_unknown(issues, "E_UNKNOWN_DIMENSION", "time dimension", f"{who} (entity '{funnel.entity}')",
                       step.time, [d for d, x in dims.items() if x.type == "time"], where("time"))
    elif dim.type != "time":
        issues.add("E_TIME_DIMENSION", f"{who}: '{funnel.entity}.{step.time}' is not a time dimension",
                   where("time"), "name a dimension declared with `type: time` (the day the step was reached)")
    if step.within is not None and i == 0:
        issues.add("E_INVALID_VALUE", f"{who} has a `within` window but no step before it", where("within"),
                   "put `within` on later steps: it bounds the days after the previous step")
    try:
        if step.within is not None:
            parse_duration(step.within)
    except SemanticError as exc:
        issues.add("E_INVALID_VALUE", f"{who}: {exc.message}", where("within"), exc.hint)


def check_funnels(defs: Definitions, issues: IssueList) -> None:
    """Each funnel's entity exists and each step is a term and a date of that entity."""
    for name, funnel in defs.funnels.items():
        if funnel.entity not in defs.entities:
            if not defs.is_broken("entities", funnel.entity):
                report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", f"funnel '{name}'", funnel.entity,
                               defs.entities, defs.where_value("funnels", name, "entity"))
            continue
        for i in range(len(funnel.steps)):
            _check_step(defs, issues, name, funnel, i)
        for i, flt in enumerate(funnel.filters):
            check_dimension_ref(context(defs), issues, flt.dimension, f"funnel '{name}' filter",
                                defs.where_value("funnels", name, "filters", i, "dimension"),
                                frozenset({funnel.entity}))


def check_funnel_queries(defs: Definitions, issues: IssueList) -> None:
    """A saved query names metrics or a known funnel, not both; a funnel query has no metric-only settings."""
    for q, sq in defs.saved_queries.items():
        if sq.funnel is None:
            if not sq.metrics:
                issues.add("E_MISSING_FIELD", f"saved query '{q}' names no metrics and no funnel",
                           defs.where("saved_queries", q), "add `metrics: [...]` or `funnel: <name>`")
            continue
        if sq.metrics:
            issues.add("E_INVALID_VALUE", f"saved query '{q}' names both metrics and a funnel",
                       defs.where("saved_queries", q, "funnel"), "keep one: a funnel query returns its steps' rows")
        if sq.funnel not in defs.funnels and not defs.is_broken("funnels", sq.funnel):
            report_unknown(issues, "E_UNKNOWN_FUNNEL", "funnel", f"saved query '{q}'", sq.funnel, defs.funnels,
                           defs.where_value("saved_queries", q, "funnel"))
        for key in METRIC_ONLY:
            if getattr(sq, key) not in (None, ()):
                issues.add("E_INVALID_VALUE", f"saved query '{q}' runs funnel '{sq.funnel}', which has no `{key}`",
                           defs.where("saved_queries", q, key),
                           "a funnel query takes a time range and filters only; its rows are the funnel's steps")


RULES = (check_funnels, check_funnel_queries)

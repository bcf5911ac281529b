"""Conversion metric rules: the counted entity, both events (entity, term, date) and the way they meet exist
and fit together, and the window parses.

A term applied to another entity's rows would filter on columns that mean something else there, and two
join paths to the `through` entity could pair a lead with the wrong account's opportunities, so each is an
error at its YAML position rather than a surprise in the numbers.
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.durations import parse_duration
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList, Position, SemanticError
from semantic.graph import JoinPath


def _entity(defs: Definitions, issues: IssueList, name: str, who: str, pos: Position | None,
            needs_key: bool) -> bool:
    """Whether the entity exists (and has a primary key when instances are counted or matched by it)."""
    if name not in defs.entities:
        if not defs.is_broken("entities", name):
            report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", who, name, defs.entities, pos)
        return False
    if needs_key and not defs.entities[name].primary_key:
        issues.add("E_INVALID_VALUE", f"{who}: entity '{name}' has no primary_key, so its instances cannot be "
                   "counted or matched", pos, f"add `primary_key:` to entity '{name}'")
        return False
    return True


def _event(defs: Definitions, issues: IssueList, name: str, metric: m.ConversionMetric, key: str) -> str | None:
    """One event's entity, term and date; returns its entity when it exists."""
    event: m.ConversionEvent = getattr(metric, key)
    who = f"metric '{name}' {key}"
    entity = event.entity or metric.entity
    where = (lambda *sub: defs.where_value("metrics", name, key, *sub))
    if event.entity and not _entity(defs, issues, event.entity, who, where("entity"), needs_key=False):
        return None
    if entity not in defs.entities:
        return None  # the metric's entity is reported once, by the caller
    term = defs.terms.get(event.term)
    if term is None:
        if not defs.is_broken("terms", event.term):
            report_unknown(issues, "E_UNKNOWN_TERM", "term", who, event.term, defs.terms, where("term"))
    elif term.entity and term.entity != entity:
        issues.add("E_TERM_ENTITY", f"{who} applies term '{event.term}', which filters entity '{term.entity}', to "
                   f"'{entity}' rows", where("term"),
                   f"use a term defined for entity '{entity}', or set the event's `entity: {term.entity}`")
    dims = defs.entities[entity].dimensions
    dim = dims.get(event.time)
    if dim is None:
        report_unknown(issues, "E_UNKNOWN_DIMENSION", "time dimension", f"{who} (entity '{entity}')", event.time,
                       [d for d, x in dims.items() if x.type == "time"], where("time"))
    elif dim.type != "time":
        issues.add("E_TIME_DIMENSION", f"{who}: '{entity}.{event.time}' is not a time dimension", where("time"),
                   "name a dimension declared with `type: time` (the event's date)")
    return entity


def check_conversions(defs: Definitions, issues: IssueList) -> None:
    """Every conversion metric's parts exist, its terms filter its events' entities, and the events meet."""
    graph = context(defs).graph
    for name, metric in defs.metrics.items():
        if not isinstance(metric, m.ConversionMetric):
            continue
        where = (lambda *sub, _n=name: defs.where_value("metrics", _n, *sub))
        who = f"metric '{name}'"
        counted = _entity(defs, issues, metric.entity, who, where("entity"), needs_key=True)
        base, conv = _event(defs, issues, name, metric, "base"), _event(defs, issues, name, metric, "conversion")
        through = metric.through or metric.entity
        met = _entity(defs, issues, through, who, where("through"), needs_key=True) if metric.through else counted
        try:
            if metric.within is not None:
                parse_duration(metric.within)
        except SemanticError as exc:
            issues.add("E_INVALID_VALUE", f"{who}: {exc.message}", where("within"), exc.hint)
        if metric.exclude_open_cohorts and metric.within is None:
            issues.add("E_INVALID_VALUE", f"{who} leaves out open cohorts but has no `within` window, so no cohort "
                       "ever closes", where("exclude_open_cohorts"),
                       "add `within: 30 days` (or similar), or drop `exclude_open_cohorts`")
        if not (counted and met):
            continue
        legs = [(metric.entity, through, "the counted entity", where("through")),
                (base, metric.entity, "the base events", where("base", "entity") or where("base")),
                (conv, through, "the conversion events", where("conversion", "entity") or where("conversion"))]
        for start, target, what, pos in legs:
            if start is None or start == target:
                continue
            path = graph.path(start, target)
            if isinstance(path, JoinPath):
                continue
            why = ("by several equally short join paths: " + " and ".join(p.describe() for p in path[:2])) \
                if path else "along many-to-one joins"
            common = sorted(set(graph.reachable(metric.entity)) & set(graph.reachable(start)) - {metric.entity, start})
            meet = f"; both reach {', '.join(repr(c) for c in common[:3])}: set `through:` to one" \
                if common and target == through else ""
            issues.add("E_CONVERSION_PATH", f"{who}: {what} ('{start}') cannot reach '{target}' {why}", pos,
                       f"declare one many-to-one join path from '{start}' to '{target}', or pick another "
                       f"`entity`, `through` or event entity{meet}")


RULES = (check_conversions,)

"""Glossary rules: terms name the entity they filter, and are applied only to that entity's rows.

A term is the single definition of a word such as MQL; applying it to the wrong entity would silently
filter on columns that mean something else, so the entity is part of the term's contract.
"""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import report_unknown
from semantic.errors import IssueList, Position


def check_terms(defs: Definitions, issues: IssueList) -> None:
    """Each term's entity exists; a term with a filter says which entity it filters; certified is complete."""
    for name, term in defs.terms.items():
        if term.entity and term.entity not in defs.entities and not defs.is_broken("entities", term.entity):
            report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", f"term '{name}'", term.entity, defs.entities,
                           defs.where_value("terms", name, "entity"))
        if term.filter is not None and not term.entity:
            issues.add("E_TERM_ENTITY", f"term '{name}' has a filter but does not name its entity",
                       defs.where("terms", name, "filter"),
                       "add `entity:` (the entity whose columns the filter uses)")
        if term.status == "certified" and not term.owner:
            issues.add("E_CERTIFIED_INCOMPLETE", f"certified term '{name}' has no owner",
                       defs.where("terms", name, "status"),
                       "add `owner:` (the team accountable for it) or set `status: draft`")


def _check_term_list(defs: Definitions, issues: IssueList, terms: tuple[str, ...], entity: str, who: str,
                     where: tuple[str, str, tuple]) -> None:
    section, name, sub = where
    for i, term_name in enumerate(terms):
        pos: Position | None = defs.where_value(section, name, *sub, i)
        term = defs.terms.get(term_name)
        if term is None:
            if not defs.is_broken("terms", term_name):
                report_unknown(issues, "E_UNKNOWN_TERM", "term", who, term_name, defs.terms, pos)
        elif term.entity and term.entity != entity:
            issues.add("E_TERM_ENTITY",
                       f"{who} applies term '{term_name}', which filters entity '{term.entity}', to '{entity}'",
                       pos, f"use a term defined for entity '{entity}', or move the measure to '{term.entity}'")


def check_term_usage(defs: Definitions, issues: IssueList) -> None:
    """Measures' and simple metrics' terms exist and apply to the measure's entity."""
    for ename, ent in defs.entities.items():
        for mname, meas in ent.measures.items():
            _check_term_list(defs, issues, meas.terms, ename, f"measure '{mname}'",
                             ("entities", ename, ("measures", mname, "terms")))
    for name, metric in defs.metrics.items():
        named = isinstance(metric, (m.SimpleMetric, m.CumulativeMetric))
        if named and metric.terms and metric.measure in defs.measures:
            _check_term_list(defs, issues, metric.terms, defs.measures[metric.measure][0], f"metric '{name}'",
                             ("metrics", name, ("terms",)))


RULES = (check_terms, check_term_usage)

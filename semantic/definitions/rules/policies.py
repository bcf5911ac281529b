"""Role rules: every name a role shows or hides exists, and every row rule is a filter the planner can apply
to its entity, checked with the planner's own code so a role never fails on its first question.

A role that filters an entity must also filter every entity built from that entity's rows (its change log,
rows generated from that log, a derived entity whose SQL reads its table): those are read on their own
and would otherwise show every row (E_POLICY_UNCOVERED).
"""
from __future__ import annotations

from typing import Any

from sqlglot import exp

from semantic.definitions import models as m
from semantic.definitions.expressions import parse_select
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList, SemanticError
from semantic.filter_tree import FilterGroup
from semantic.plan.dimensions import dimension_use
from semantic.plan.row_policy import policy_rows, resolve_rule

SAMPLE = {"category": "x", "number": 0, "boolean": True, "time": "2000-01-01"}  # a claim's stand-in, by type


def check_roles(defs: Definitions, issues: IssueList) -> None:
    from semantic.access.claims import parse_rule_where  # the access package imports the definitions stage
    from semantic.access.visibility import all_dimensions

    if not defs.roles:
        return
    graph = context(defs).graph  # the join graph the other rules already built
    for name, role in defs.roles.items():
        _check_names(defs, issues, name, "metrics", role.metrics, list(defs.metrics), "E_UNKNOWN_METRIC", "metric")
        _check_names(defs, issues, name, "dimensions", role.dimensions, all_dimensions(defs), "E_UNKNOWN_DIMENSION",
                     "dimension")
        filtered: dict[str, int] = {}
        for i, rule in enumerate(role.rows):
            if rule.entity not in defs.entities:
                report_unknown(issues, "E_UNKNOWN_ENTITY", "entity", f"role '{name}' row rule", rule.entity,
                               defs.entities, defs.where_value("roles", name, "rows", i, "entity"))
                continue
            filtered.setdefault(rule.entity, i)
            try:
                nodes = [_with_samples(defs, n) for n in parse_rule_where(rule.where)]
                policy_rows(defs, graph, rule.entity, tuple(resolve_rule(defs, n) for n in nodes))
            except SemanticError as exc:
                issues.add(exc.code, f"role '{name}' row rule on '{rule.entity}': {exc.message}",
                           defs.where_value("roles", name, "rows", i, "where"), exc.hint)
        _check_covered(defs, issues, name, filtered)


def _check_names(defs: Definitions, issues: IssueList, role: str, field: str, vis: m.Visibility | None,
                 known: list[str] | tuple[str, ...], code: str, kind: str) -> None:
    from semantic.access.visibility import matches

    if vis is None:
        return
    for key, patterns in (("include", vis.include or ()), ("exclude", vis.exclude)):
        for j, pattern in enumerate(patterns):
            if any(matches(pattern, n) for n in known):
                continue
            where = defs.where_value("roles", role, field, key, j)
            if "*" in pattern:
                issues.add("E_POLICY_PATTERN", f"role '{role}' {field} {key}: '{pattern}' matches no {kind}", where,
                           "correct the pattern or remove it; `*` stands for any characters")
            else:
                report_unknown(issues, code, kind, f"role '{role}' {field} {key}", pattern, known, where)


def _with_samples(defs: Definitions, node: Any) -> Any:
    """The rule with each claim placeholder replaced by a value of its dimension's type, so the planner checks
    it as it will run (an unknown dimension is left for the planner to report)."""
    if isinstance(node, FilterGroup):
        parts = [_with_samples(defs, p) for p in node.parts]
        return FilterGroup.model_validate({node.kind: parts[0] if node.kind == "not" else parts})
    try:
        sample = SAMPLE[dimension_use(defs, node.dimension).dimension.type]
    except SemanticError:
        return node
    marker = lambda v: sample if isinstance(v, str) and v.startswith("{claims.") else v  # noqa: E731
    values = tuple(marker(v) for v in node.values) if node.values is not None else None
    return node.model_copy(update={"value": marker(node.value), "values": values})


def _builds_on(defs: Definitions, entity: str) -> list[str]:
    """Entities read on their own whose rows come from `entity`'s rows."""
    table = (defs.entities[entity].table or "").rpartition(".")[2].lower()
    out = []
    for name, ent in defs.entities.items():
        if ent.history is not None and ent.history.of == entity:
            out.append(name)
        elif ent.from_history is not None:
            log = defs.entities.get(ent.from_history.history)
            if log is not None and log.history is not None and log.history.of == entity:
                out.append(name)
        elif ent.sql and table:
            try:
                tree, _ = parse_select(ent.sql)
            except Exception:  # noqa: BLE001 - a bad SELECT is reported by the entity rules
                continue
            if any(t.name.lower() == table for t in tree.find_all(exp.Table)):
                out.append(name)
    return out


def _check_covered(defs: Definitions, issues: IssueList, role: str, filtered: dict[str, int]) -> None:
    for entity, i in filtered.items():
        for other in _builds_on(defs, entity):
            if other not in filtered:
                issues.add("E_POLICY_UNCOVERED", f"role '{role}' filters '{entity}' but not '{other}', whose rows "
                           f"come from {entity} rows: questions on '{other}' would show every row",
                           defs.where_value("roles", role, "rows", i, "entity"),
                           f"add a row rule on '{other}' keeping the rows of the {entity} rows the role sees")


RULES = (check_roles,)

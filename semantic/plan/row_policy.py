"""A role's row rule on an entity as steps: the entity's rows LEFT JOINed to the parents its condition reads,
kept where the condition holds.

The SQL stage reads these rows instead of the entity's table wherever the plan reads the entity (each
measure's chain, joined parents, as-of states, history logs), so the rule applies inside every aggregation
and a join to a filtered parent stays a LEFT JOIN: a deal with no account is still counted, under a NULL
segment. The condition's parents are read unfiltered (the rule is judged on the data as it is).
"""
from __future__ import annotations

from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.filter_tree import FilterGroup, FilterNode
from semantic.graph import SemanticGraph
from semantic.plan.dimensions import dimension_use
from semantic.plan.filters import resolve_filter, stage_names
from semantic.plan.joins import aliased_joins, join_path
from semantic.plan.model import FilterGroupUse, RowFilter, filter_leaves
from semantic.plan.steps import PRIMARY_KEY, Filter, Join, JoinEdge, Read, ReadColumn, Step, internal_name


def resolve_rule(defs: Definitions, node: FilterNode) -> RowFilter:
    """A bound rule's condition checked against the definitions (dimension conditions only)."""
    if isinstance(node, FilterGroup):
        return FilterGroupUse(node.kind, tuple(resolve_rule(defs, p) for p in node.parts))
    if not hasattr(node, "dimension"):
        raise SemanticError("E_POLICY_WHERE", "a row rule compares dimensions only", "write entity.dimension op value")
    dim = dimension_use(defs, node.dimension)  # type: ignore[union-attr]
    return resolve_filter(dim, node, stage_names(defs, dim))  # type: ignore[arg-type]


def policy_rows(defs: Definitions, graph: SemanticGraph, entity: str, rules: tuple[RowFilter, ...]) -> Filter:
    """The Filter step whose rows are the entity's rows the rules let through (the rules ANDed)."""
    uses = [(leaf.dimension, f"dimension '{leaf.dimension.ref}'") for leaf in filter_leaves(rules)]
    joins, aliases = aliased_joins(graph, entity, [(u.ref, join_path(graph, entity, u, why)) for u, why in uses])
    alias_of = dict(aliases)
    columns: dict[str, dict[str, ReadColumn]] = {entity: {}, **{j.target_alias: {} for j in joins}}
    for j in joins:
        columns[j.target_alias].setdefault(PRIMARY_KEY, ReadColumn(PRIMARY_KEY, (j.step.target_key,), key=True))
        name = f"fk__{j.target_alias}"
        columns[j.source_alias].setdefault(name, ReadColumn(name, (j.step.foreign_key,), key=True))
    for use, _ in uses:
        columns[alias_of[use.ref]].setdefault(internal_name(use.ref), ReadColumn(
            internal_name(use.ref), (use.dimension.expr or use.name,), False, about=use.ref, part=use.part))
    targets = {j.target_alias: j.step.target for j in joins}
    reads = {alias: Read(f"policy__{entity}__{alias}", targets.get(alias, entity), alias, tuple(cols.values()))
             for alias, cols in columns.items()}
    step: Step = reads[entity]
    if joins:
        step = Join(f"policy__{entity}__joined", reads[entity],
                    tuple(JoinEdge(j.source_alias, j.step.role, reads[j.target_alias]) for j in joins))
    return Filter(f"policy__{entity}", step, entity, None, None, None, (), rules)

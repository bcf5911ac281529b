"""What one caller may see under the definitions' roles: `Access`.

Several roles: the union of what each sees (a metric or dimension any of them shows; an entity's rows any
of them lets through, so an entity one role leaves unfiltered is unfiltered). Roles the definitions do not
know are ignored; a restricted caller with no known role sees nothing (E_ACCESS_DENIED on every question).
A hidden name is refused exactly as an unknown one is, with suggestions drawn only from visible names, so
an answer never confirms that a hidden metric or dimension exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from semantic.access.caller import Caller
from semantic.access.claims import bind_claims, parse_rule_where
from semantic.access.visibility import role_dimensions, role_metrics
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.filter_tree import FilterGroup, FilterNode
from semantic.graph import SemanticGraph
from semantic.plan.dimensions import dimension_use
from semantic.plan.row_policy import policy_rows, resolve_rule
from semantic.plan.steps import Filter

NO_ROLE_HINT = "ask for a token carrying one of the roles in policies.yaml"


@dataclass(frozen=True, eq=False)
class Access:
    """A caller's view of one definitions version: `None` sets mean everything (an unrestricted caller)."""

    defs: Definitions
    caller: Caller
    roles: tuple[str, ...] = ()  # the caller's roles the definitions know
    metrics: frozenset[str] | None = None
    dimensions: frozenset[str] | None = None
    rules: Mapping[str, tuple[FilterNode, ...]] = field(default_factory=dict)  # entity -> claims bound

    @property
    def restricted(self) -> bool:
        return self.metrics is not None

    @property
    def key(self) -> str:
        """What the compiled-SQL memo and the result cache key on for this view."""
        return "all" if not self.restricted else self.caller.cache_key()

    # --- names ----------------------------------------------------------------------------------------------
    def sees_metric(self, name: str) -> bool:
        return self.metrics is None or name in self.metrics

    def sees_dimension(self, ref: str) -> bool:
        """`ref` as a question writes it (a way through entities, a date part) judged by its entity.dimension."""
        if self.dimensions is None:
            return True
        try:
            use = dimension_use(self.defs, ref)
        except SemanticError:
            return False
        return f"{use.entity}.{use.name}" in self.dimensions

    def visible_metrics(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if self.sees_metric(n)]

    def require_any_role(self) -> None:
        if self.restricted and not self.roles:
            raise SemanticError("E_ACCESS_DENIED", "this caller holds no role the definitions know, so it may "
                                "see nothing", NO_ROLE_HINT)

    def require_metric(self, name: str) -> None:
        """E_UNKNOWN_METRIC, the same words for a hidden metric as for one that does not exist."""
        self.require_any_role()
        if self.restricted and name not in (self.metrics or ()):
            shown = sorted(self.metrics or ())
            raise SemanticError("E_UNKNOWN_METRIC", f"unknown metric '{name}'" + did_you_mean(name, shown),
                                known_names_hint("metrics", shown))

    def require_dimension(self, ref: str) -> None:
        """E_UNKNOWN_DIMENSION, the same words for a hidden dimension as for one that does not exist."""
        self.require_any_role()
        if self.restricted and not self.sees_dimension(ref):
            shown = sorted(self.dimensions or ())
            raise SemanticError("E_UNKNOWN_DIMENSION", f"unknown dimension '{ref}'" + did_you_mean(ref, shown),
                                known_names_hint("dimensions", shown))

    # --- rows -----------------------------------------------------------------------------------------------
    def row_policies(self, graph: SemanticGraph) -> tuple[Filter, ...]:
        """One Filter step per entity with rules: the rows of it this caller may see."""
        key = id(graph)
        cache = self.__dict__.setdefault("_policies", {})
        if key not in cache:
            cache[key] = tuple(policy_rows(self.defs, graph, entity, tuple(resolve_rule(self.defs, n) for n in nodes))
                               for entity, nodes in sorted(self.rules.items()))
        return cache[key]


View = tuple[bool, tuple[str, ...]]  # (restricted, the roles the definitions know), see `view_of`


def view_of(defs: Definitions, caller: Caller | None) -> View:
    """What the names a caller sees follow from: whether it is restricted, and which of its roles the definitions
    know. Claims only bind row rules, so callers with the same view see the same names."""
    if caller is None or caller.unrestricted_access or not defs.roles:  # no roles defined: nothing to apply
        return False, ()
    return True, tuple(sorted(r for r in caller.roles if r in defs.roles))


def names_access(defs: Definitions, view: View) -> Access:
    """The names one view sees, without row rules (they need a caller's claims): what a listing shows."""
    restricted, roles = view
    if not restricted:
        return Access(defs, Caller.unrestricted())
    metrics: set[str] = set()
    dimensions: set[str] = set()
    for name in roles:
        metrics |= role_metrics(defs, defs.roles[name])
        dimensions |= role_dimensions(defs, defs.roles[name])
    return Access(defs, Caller("", frozenset(roles)), roles, frozenset(metrics), frozenset(dimensions))


def access_for(defs: Definitions, caller: Caller | None) -> Access:
    """The caller's view; claims are bound here, so a missing claim fails before any question (E_ACCESS_CLAIM).
    Definitions without roles restrict nobody: a signed token then only authenticates."""
    view = view_of(defs, caller)
    if not view[0]:
        return Access(defs, caller or Caller.unrestricted())
    assert caller is not None
    names = names_access(defs, view)
    return replace(names, caller=caller, rules=_rules(defs, names.roles, caller.claims))


def _rules(defs: Definitions, roles: tuple[str, ...], claims: Mapping[str, Any]) -> dict[str, tuple[FilterNode, ...]]:
    """Per entity, the rows any role lets through: OR over the roles of each role's rules ANDed; an entity some
    role does not filter is not filtered."""
    per_role = [_role_rules(defs, name, claims) for name in roles]
    out: dict[str, tuple[FilterNode, ...]] = {}
    for entity in set().union(*per_role) if per_role else ():
        if not all(entity in rules for rules in per_role):
            continue
        options = [rules[entity] for rules in per_role]
        if len(options) == 1:
            out[entity] = options[0]
        else:
            out[entity] = (FilterGroup.model_validate({"or": [_all(o) for o in options]}),)
    return out


def _all(nodes: tuple[FilterNode, ...]) -> FilterNode:
    return nodes[0] if len(nodes) == 1 else FilterGroup.model_validate({"and": list(nodes)})


def _role_rules(defs: Definitions, role: str, claims: Mapping[str, Any]) -> dict[str, tuple[FilterNode, ...]]:
    out: dict[str, tuple[FilterNode, ...]] = {}
    for rule in defs.roles[role].rows:
        out[rule.entity] = out.get(rule.entity, ()) + bind_claims(tuple(parse_rule_where(rule.where)), claims)
    return out

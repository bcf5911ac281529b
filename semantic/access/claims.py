"""A row rule's `where`: the --where grammar, plus `{claims.NAME}` standing for a value of the caller's claim.

The placeholder becomes a marker value in the parsed filter tree and the caller's claim value replaces it
there, so it reaches SQL as a bound parameter like any filter value, never as text. A missing claim is an
error, never a rule that quietly drops out (that would widen what the caller sees).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from semantic.definitions.query_models import Filter
from semantic.errors import SemanticError
from semantic.filter_tree import FilterGroup, FilterNode, MetricFilter
from semantic.where import parse_where

_BRACED = re.compile(r"\{([^{}]*)\}")
_CLAIM = re.compile(r"claims\.([A-Za-z_][A-Za-z0-9_]{0,63})")
_MARKER = re.compile(r"\{claims\.([A-Za-z_][A-Za-z0-9_]{0,63})\}")
SCALARS = (str, int, float, bool)


def parse_rule_where(text: str) -> list[FilterNode]:
    """The rule's filter tree, each placeholder a marker value `{claims.NAME}` (E_POLICY_CLAIM, E_BAD_FILTER)."""
    if "'{" in text or '"{' in text:
        raise SemanticError("E_POLICY_CLAIM", "a claim placeholder is written without quotes",
                            "write rep.region = {claims.region}: the claim's value is bound as it is")

    def quoted(match: re.Match) -> str:
        if not _CLAIM.fullmatch(match.group(1).strip()):
            raise SemanticError("E_POLICY_CLAIM", f"'{{{match.group(1)[:60]}}}' is not a claim reference",
                                "write {claims.NAME}, NAME being a claim of the caller's token (e.g. {claims.region})")
        return "'{" + match.group(1).strip() + "}'"

    nodes = parse_where(_BRACED.sub(quoted, text))
    for node in nodes:
        _check_dimensions_only(node)
    return nodes


def _check_dimensions_only(node: FilterNode) -> None:
    if isinstance(node, FilterGroup):
        for part in node.parts:
            _check_dimensions_only(part)
    elif isinstance(node, MetricFilter):
        raise SemanticError("E_POLICY_WHERE", f"a row rule compares dimensions (entity.dimension), not '{node.metric}'",
                            "write entity.dimension op value, e.g. rep.region = {claims.region}; a metric cannot "
                            "decide which rows a role sees")


def claim_names(nodes: list[FilterNode] | tuple[FilterNode, ...]) -> list[str]:
    """The claims a rule reads, in order of appearance."""
    out: list[str] = []
    for leaf in _leaves(nodes):
        for value in (leaf.value, *(leaf.values or ())):
            name = _claim_of(value)
            if name and name not in out:
                out.append(name)
    return out


def bind_claims(nodes: tuple[FilterNode, ...], claims: Mapping[str, Any]) -> tuple[FilterNode, ...]:
    """The tree with every marker replaced by the claim's value; a list claim fills an `in`/`not in` list."""
    return tuple(_bind(node, claims) for node in nodes)


def _bind(node: FilterNode, claims: Mapping[str, Any]) -> FilterNode:
    if isinstance(node, FilterGroup):
        parts = [_bind(p, claims) for p in node.parts]
        return FilterGroup.model_validate({node.kind: parts[0] if node.kind == "not" else parts})
    assert isinstance(node, Filter)
    value = _value(node.value, claims, many=False) if node.value is not None else None
    values = None
    if node.values is not None:
        values = tuple(v for raw in node.values for v in _value(raw, claims, many=node.op in ("in", "not_in")))
    return node.model_copy(update={"value": value[0] if value else node.value, "values": values})


def _value(raw: Any, claims: Mapping[str, Any], many: bool) -> tuple[Any, ...]:
    name = _claim_of(raw)
    if name is None:
        return (raw,)
    if name not in claims or claims[name] is None:
        raise SemanticError("E_ACCESS_CLAIM", f"the caller's credential has no claim '{name}' that a row rule of "
                            "its role needs", "issue the token with that claim; without it nothing is answered")
    value = claims[name]
    if isinstance(value, (list, tuple)) and many and value and all(isinstance(v, SCALARS) for v in value):
        return tuple(value)
    if isinstance(value, SCALARS):
        return (value,)
    raise SemanticError("E_ACCESS_CLAIM", f"the caller's claim '{name}' is not a single text, number or boolean",
                        "a list claim fits only `in ({claims.NAME})`")


def _claim_of(value: Any) -> str | None:
    if isinstance(value, str):
        match = _MARKER.fullmatch(value)
        return match.group(1) if match else None
    return None


def _leaves(nodes: Any) -> list[Filter]:
    out: list[Filter] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, FilterGroup):
            stack += reversed(node.parts)
        elif isinstance(node, Filter):
            out.append(node)
    return out

"""How roles combine and how claims bind, on the rules of tests/access/policies.yaml (numbers: test_row_rules.py)."""
from __future__ import annotations

import pytest

from semantic.access import Caller
from semantic.access.claims import bind_claims, claim_names, parse_rule_where
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question


def test_two_roles_see_the_union(layer: SemanticLayer) -> None:
    """rep + agency: bookings is visible (rep shows it), and opportunity rows are unfiltered (agency has no
    rule on them), so every deal counts: 70 000 in 7 won deals."""
    both = Caller("x", frozenset({"rep", "agency"}), {"region": "NA"})
    assert "bookings" in layer.metric_names(both) and "new_logos" in layer.metric_names(both)
    assert layer.query(Question(metrics=("bookings", "won_deals")), caller=both).rows == [
        {"bookings": 70_000, "won_deals": 7}]


def test_unknown_roles_are_ignored_beside_a_known_one(layer: SemanticLayer) -> None:
    caller = Caller("x", frozenset({"rep", "no_such_role"}), {"region": "EMEA"})
    assert layer.query(Question(metrics=("bookings",)), caller=caller).rows == [{"bookings": 32_000}]


def test_revops_sees_everything(layer: SemanticLayer) -> None:
    revops = Caller("x", frozenset({"revops"}))
    assert layer.metric_names(revops) == list(layer.definitions.metrics)
    assert layer.query(Question(metrics=("bookings",)), caller=revops).rows == [{"bookings": 70_000}]


def test_a_list_claim_fills_an_in_list_and_nothing_else() -> None:
    nodes = tuple(parse_rule_where("rep.region in ({claims.regions}) and rep.team = {claims.team}"))
    assert claim_names(nodes) == ["regions", "team"]
    bound = bind_claims(nodes, {"regions": ["NA", "EMEA"], "team": "East"})  # the top-level `and`: two leaves
    leaves = sorted(((p.dimension, p.value, p.values) for p in bound), key=str)
    assert leaves == [("rep.region", None, ("NA", "EMEA")), ("rep.team", "East", None)]
    with pytest.raises(SemanticError) as caught:
        bind_claims(nodes, {"regions": ["NA"], "team": ["East", "West"]})
    assert caught.value.code == "E_ACCESS_CLAIM"


def test_a_list_claim_where_one_value_is_expected_is_refused(layer: SemanticLayer) -> None:
    caller = Caller("x", frozenset({"rep"}), {"region": ["NA", "EMEA"]})
    with pytest.raises(SemanticError) as caught:
        layer.query(Question(metrics=("bookings",)), caller=caller)
    assert caught.value.code == "E_ACCESS_CLAIM"


def test_definitions_without_roles_restrict_nobody(tmp_path) -> None:
    """A project with no `roles:` only authenticates: a signed token's caller sees every metric and row."""
    import shutil
    from pathlib import Path

    from semantic.access import access_for
    from semantic.definitions import require_valid

    repo = Path(__file__).resolve().parents[2]
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo / name, tmp_path / name)
    defs = require_valid(tmp_path)
    assert not defs.roles
    access = access_for(defs, Caller("jwt-subject", frozenset({"anything"}), {"region": "EMEA"}))
    assert not access.restricted and not access.rules

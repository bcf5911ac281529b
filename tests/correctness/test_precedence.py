"""Definition expressions keep their meaning next to other conditions (operator precedence).

A filter written `amount > 20000 or is_won` must stay one condition when the layer ANDs a question filter
or a time range to it; a computed boolean dimension must stay one operand of `<>` or `IN`.
"""
from __future__ import annotations

import pytest

from semantic.layer import SemanticLayer
from tests.correctness.conftest import layer_with
from tests.correctness.helpers import hand_sql, total

EXTRA = """
metrics:
  big_or_won_deals:
    type: simple
    measure: opportunities_created
    filter: amount > 20000 or is_won
"""


@pytest.fixture(scope="module")
def extended(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return layer_with(EXTRA, ledger_url, tmp_path_factory)


def test_or_in_a_metric_filter_stays_one_condition(extended: SemanticLayer) -> None:
    # won 101,102,104,105,107,109,110 plus non-won over 20k: 103 (50k), 111 (40k) -> 9
    assert total(extended, "big_or_won_deals") == 9
    # Core deals among them: 101,105,107,109,110 won and 103 -> 6 (without brackets: 8)
    core = ({"dimension": "opportunity.product", "op": "eq", "value": "Core"},)
    assert total(extended, "big_or_won_deals", filters=core) == 6
    assert hand_sql(extended, "select count(*) from opportunities where product = 'Core' "
                              "and (amount > 20000 or is_won)") == 6


@pytest.mark.parametrize("flt", [
    {"dimension": "activity.is_linked_to_opportunity", "op": "neq", "value": True},
    {"dimension": "activity.is_linked_to_opportunity", "op": "in", "values": [False]},
    {"dimension": "activity.is_linked_to_opportunity", "op": "eq", "value": False},
])
def test_computed_dimension_filters(layer: SemanticLayer, flt: dict) -> None:
    # activities with no opportunity: 5, 6, 9, 11, 21, 22, 25, 26, 27, 30
    assert total(layer, "activities", filters=(flt,)) == 10

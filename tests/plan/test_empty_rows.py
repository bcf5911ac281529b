"""The date spine is left out exactly when the metric conditions reject a row with nothing aggregated (the
numbers are the same either way: tests/correctness/test_boolean_and_metric_filters.py)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from semantic.layer import ExecutionSettings, SemanticLayer  # first: semantic.plan.steps alone is circular
from semantic.plan.steps import Spine
from semantic.plan.window import Window
from semantic.question import Question, parse_where


@pytest.fixture(scope="module")
def layer(repo_root: Path) -> SemanticLayer:
    return SemanticLayer.open(repo_root, None, ExecutionSettings(today=date(2025, 11, 15)))


@pytest.mark.parametrize("where, spine", [
    ("bookings > 100", False),                        # 0 > 100 is false
    ("bookings < 100", True),                         # 0 < 100 holds: empty periods are answers
    ("win_rate > 0.5", False),                        # NULL (no closed deal) meets no comparison
    ("not win_rate > 0.5", True),                     # `not` keeps NULL
    ("win_rate is null", True),
    ("bookings > 100 or win_rate is null", True),
    ("bookings > 100 and win_rate is null", False),
    ("bookings between -1 and 1", True),
    ("bookings_growth_yoy > 0", False),               # NULL over nothing
])
def test_spine_only_when_empty_rows_can_be_answers(layer: SemanticLayer, where: str, spine: bool) -> None:
    question = Question(metrics=["bookings", "win_rate"], grain="month",
                        time_range={"from": "2025-01-01", "to": "2025-06-30"}, filters=parse_where(where))
    steps = layer.compile(question, "duckdb").plan.steps
    assert any(isinstance(step, Spine) for step in steps) is spine


def test_cumulative_metrics_keep_their_spine(layer: SemanticLayer) -> None:
    question = Question(metrics=["bookings_qtd"], grain="month", time_range={"from": "2025-01-01", "to": "2025-06-30"},
                        filters=parse_where("bookings_qtd > 100"))
    [window] = [step for step in layer.compile(question, "duckdb").plan.steps if isinstance(step, Window)]
    assert window.spine is not None  # the periods its running totals are read on

"""The cost budget: a question over max_periods or max_cells is refused before it runs, naming the setting.

Hand counts on the tiny ledger (tests/server/tiny_ledger.py): opportunities close (closed_at) on 2024-02-10,
2024-03-01, 2024-05-20 and 2024-05-25 (two are open: null); accounts have 2 segments (Enterprise, SMB);
opportunities have 4 stages (closed_won, closed_lost, proposal, negotiation) in 6 rows.
"""
from __future__ import annotations

import time
from datetime import date

import pytest

from semantic.budget import count_periods
from semantic.definitions.models import Calendar
from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.plan.calendar import periods
from semantic.question import Question
from tests.server.tiny_ledger import write_tiny_ledger

YEAR_2024 = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_ledger(tmp_path_factory.mktemp("budget") / "tiny.duckdb")


def layer_with(repo_root, url, **limits) -> SemanticLayer:
    return SemanticLayer.open(repo_root, url, ExecutionSettings(today=date(2025, 1, 15), **limits))


def refusal(layer: SemanticLayer, **question) -> SemanticError:
    with pytest.raises(SemanticError) as info:
        layer.query(Question(**question))
    assert info.value.code == "E_QUERY_TOO_COSTLY"
    return info.value


@pytest.mark.parametrize(("start", "end", "grain", "expected"), [
    (date(2024, 1, 1), date(2024, 12, 31), "day", 366),
    (date(2024, 1, 1), date(2024, 12, 31), "month", 12),
    (date(2024, 1, 1), date(2024, 1, 14), "week", 2),  # 2024-01-01 is a Monday
    (date(2024, 1, 2), date(2024, 1, 15), "week", 3),
    (date(2024, 2, 15), date(2024, 5, 1), "quarter", 2),
    (date(2023, 12, 31), date(2024, 1, 1), "year", 2),
    (date(1971, 1, 1), date(2024, 12, 31), "day", 54 * 365 + 14),  # 14 leap days, 1972..2024
])
def test_period_counts_by_hand(start, end, grain, expected):
    assert count_periods(start, end, grain, Calendar()) == expected


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"])
@pytest.mark.parametrize("calendar", [Calendar(), Calendar(week_start="sunday", fiscal_year_start_month=2)])
def test_period_count_is_the_length_of_the_plans_spine(grain, calendar):
    for start, end in [(date(2023, 3, 17), date(2024, 2, 29)), (date(2020, 1, 1), date(2020, 1, 1)),
                       (date(2019, 12, 30), date(2025, 7, 4))]:
        assert count_periods(start, end, grain, calendar) == len(periods(start, end, grain, calendar))


def test_the_issues_day_grain_over_54_years_is_refused_in_milliseconds(repo_root):
    layer = layer_with(repo_root, None)  # no database at all: a refusal must come before any query
    question = {"metrics": ["bookings"], "dimensions": ["account.segment"], "grain": "day",
                "time_range": {"from": "1971-01-01", "to": "2024-12-31"}}
    started = time.perf_counter()
    for _ in range(20):  # the issue's request: 20 aliases of this question
        error = refusal(layer, **question)
    assert time.perf_counter() - started < 0.5
    assert "19,724" in error.message and "5,000" in error.message and "max_periods" in error.message
    assert "coarser grain" in error.hint and error.details["setting"] == "max_periods"


def test_a_spine_within_max_periods_runs(repo_root, tiny_url):
    layer = layer_with(repo_root, tiny_url, max_periods=366)
    rows = layer.query(Question(metrics=["bookings"], grain="day", time_range=YEAR_2024)).rows
    assert len(rows) == 366
    assert refusal(layer_with(repo_root, tiny_url, max_periods=365), metrics=["bookings"], grain="day",
                   time_range=YEAR_2024).details["estimate"] == 366


def test_an_open_ended_range_is_bounded_by_the_datas_extent(repo_root, tiny_url):
    # from 2024-01-01 up to the last close (2024-05-25): 31 + 29 + 31 + 30 + 25 days
    question = {"metrics": ["bookings"], "grain": "day", "time_range": {"from": "2024-01-01"}}
    error = refusal(layer_with(repo_root, tiny_url, max_periods=145), **question)
    assert "146" in error.message and "max_periods" in error.message
    assert layer_with(repo_root, tiny_url, max_periods=146).query(Question(**question)).rows


def test_no_range_at_a_grain_counts_the_datas_periods(repo_root, tiny_url):
    # closes fall in February, March and May 2024: the data spans Feb..May, 4 months
    error = refusal(layer_with(repo_root, tiny_url, max_periods=3), metrics=["bookings"], grain="month")
    assert error.details["estimate"] == 4


def test_cells_are_periods_times_dimension_values_times_metrics(repo_root, tiny_url):
    # 12 months x (2 segments + null) x 1 metric
    question = {"metrics": ["bookings"], "dimensions": ["account.segment"], "grain": "month",
                "time_range": YEAR_2024}
    error = refusal(layer_with(repo_root, tiny_url, max_cells=35), **question)
    assert "36" in error.message and "35" in error.message and "max_cells" in error.message
    assert "drop a dimension" in error.hint
    assert layer_with(repo_root, tiny_url, max_cells=36).query(Question(**question)).rows
    # two metrics double it
    assert refusal(layer_with(repo_root, tiny_url, max_cells=71), **{
        **question, "metrics": ["bookings", "won_deals"]}).details["estimate"] == 72


def test_combinations_are_capped_by_rows_and_by_filters(repo_root, tiny_url):
    # segments (2 + null) x stages (4 + null) = 15, but only 6 opportunities: 12 months x 6
    question = {"metrics": ["bookings"], "dimensions": ["account.segment", "opportunity.stage"],
                "grain": "month", "time_range": YEAR_2024}
    assert refusal(layer_with(repo_root, tiny_url, max_cells=12), **question).details["estimate"] == 72
    # one stage by filter: 12 x 3 x 1
    filtered = {**question, "filters": [{"dimension": "opportunity.stage", "op": "eq", "value": "closed_won"}]}
    assert refusal(layer_with(repo_root, tiny_url, max_cells=12), **filtered).details["estimate"] == 36


def test_a_cumulative_metric_counts_the_periods_shown_not_its_days(repo_root, tiny_url):
    """bookings_qtd reads daily totals, but a 2024 question by quarter shows 4 periods (366 days would be over 10),
    and with no range the data's extent (2024-02-10 .. 2024-05-25) is 2 quarters."""
    layer = layer_with(repo_root, tiny_url, max_periods=10)
    assert len(layer.query(Question(metrics=("bookings_qtd",), grain="quarter", time_range=YEAR_2024)).rows) == 4
    assert len(layer.query(Question(metrics=("bookings_qtd",), grain="quarter")).rows) == 2
    refusal(layer, metrics=("bookings_qtd",), grain="day", time_range=YEAR_2024)

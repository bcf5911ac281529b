"""Quota, attainment and pipeline coverage against hand counts on tests/fixtures/ledger_small.py.

Quotas (per calendar quarter = fiscal quarter here): Ada 25k in Q1, Q2, Q3 2025, 10k in Q4 2025, 30k in
Q1 2026; Bo 20k in Q1-Q3 2025, 10k in Q4 2025; Cy (sdr) and Di (manager) none; nobody before 2025.
Bookings by owner and close quarter: Ada 10k 2024Q1 (101), 5k 2025Q1 (102), 8k 2025Q2 (105), 12k 2025Q4
(109); Bo 30k 2025Q1 (104), 2k 2025Q4 (107); Cy 3k 2025Q3 (110).
Open deals by owner and expected close quarter: Ada 40k 2025Q4 (111), 20k 2026Q1 (113); Bo 6k 2025Q3 (115),
10k 2025Q4 (112); Cy 4k 2026Q1 (114). Teams: Ada and Cy East (NA), Bo West (EMEA). Today is 2025-11-15.
"""
from __future__ import annotations

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import layer_with
from tests.correctness.helpers import ask, by, hand_sql, total

YEAR_2025 = {"from": "2025-01-01", "to": "2025-12-31"}
Q3 = {"from": "2025-07-01", "to": "2025-09-30"}
Q1_2026 = {"from": "2026-01-01", "to": "2026-03-31"}


def _rows(rows: list[dict], keys: tuple[str, ...], metrics: tuple[str, ...]) -> dict:
    return {tuple(r[k] for k in keys): tuple(None if r[m] is None else round(r[m], 4) for m in metrics)
            for r in rows}


def test_quota_per_rep_per_quarter(layer: SemanticLayer) -> None:
    rows = ask(layer, "quota", dimensions=["rep.name"], grain="fiscal_quarter", time_range=YEAR_2025)
    got = {k: v for k, v in _rows(rows, ("period", "rep.name"), ("quota",)).items() if v != (0,)}
    assert got == {
        ("2025-01-01", "Ada"): (25_000,), ("2025-04-01", "Ada"): (25_000,), ("2025-07-01", "Ada"): (25_000,),
        ("2025-10-01", "Ada"): (10_000,),
        ("2025-01-01", "Bo"): (20_000,), ("2025-04-01", "Bo"): (20_000,), ("2025-07-01", "Bo"): (20_000,),
        ("2025-10-01", "Bo"): (10_000,),
    }
    assert total(layer, "quota", time_range=YEAR_2025) == 155_000
    assert total(layer, "quota", time_range={"relative": "this_fiscal_year"}) == \
        hand_sql(layer, "select sum(amount) from quotas where period_start between '2025-01-01' and '2025-12-31'")
    assert total(layer, "quota") == 185_000  # no time range: every quarter, 2026 included


def test_attainment_per_rep_per_quarter(layer: SemanticLayer) -> None:
    """Bookings / quota; Cy has bookings but no quota row, so no attainment; Q3 is a quarter without bookings
    for Ada and Bo (0%, not null)."""
    rows = ask(layer, "quota", "bookings", "quota_attainment", dimensions=["rep.name"], grain="fiscal_quarter",
               time_range=YEAR_2025)
    got = {k: v[2] for k, v in _rows(rows, ("period", "rep.name"), ("quota", "bookings", "quota_attainment")).items()
           if v != (0, 0, None)}
    assert got == {
        ("2025-01-01", "Ada"): 0.2, ("2025-04-01", "Ada"): 0.32, ("2025-07-01", "Ada"): 0.0,
        ("2025-10-01", "Ada"): 1.2,
        ("2025-01-01", "Bo"): 1.5, ("2025-04-01", "Bo"): 0.0, ("2025-07-01", "Bo"): 0.0, ("2025-10-01", "Bo"): 0.2,
        ("2025-07-01", "Cy"): None,
    }
    no_quota_yet = {"from": "2024-01-01", "to": "2024-03-31"}  # Ada booked 10k (101); quotas start in 2025
    assert total(layer, "quota_attainment", time_range=no_quota_yet) is None


def test_attainment_by_team_and_region(layer: SemanticLayer) -> None:
    """Q3 2025: East = Ada's 25k quota against Cy's 3k booking; West = Bo, nothing booked."""
    team = _rows(ask(layer, "quota", "bookings", "quota_attainment", dimensions=["rep.team"], time_range=Q3),
                 ("rep.team",), ("quota", "bookings", "quota_attainment"))
    assert team == {("East",): (25_000, 3_000, 0.12), ("West",): (20_000, 0, 0.0)}
    region = _rows(ask(layer, "quota_attainment", dimensions=["rep.region"], time_range=Q3),
                   ("rep.region",), ("quota_attainment",))
    assert region == {("NA",): (0.12,), ("EMEA",): (0.0,)}
    assert round(total(layer, "quota_attainment", time_range=Q3), 6) == round(3_000 / 45_000, 6)


def test_coverage_with_a_quota_already_met(layer: SemanticLayer) -> None:
    """This quarter (Q4 2025): Ada booked 12k of a 10k quota, so nothing remains and coverage is null although
    40k is open; Bo has 10k open against 10k - 2k remaining: 1.25. Together: 50k / (20k - 14k)."""
    rows = ask(layer, "open_pipeline", "pipeline_coverage", dimensions=["rep.name"],
               time_range={"relative": "this_fiscal_quarter"})
    assert _rows(rows, ("rep.name",), ("open_pipeline", "pipeline_coverage")) == {
        ("Ada",): (40_000, None), ("Bo",): (10_000, 1.25)}
    assert round(total(layer, "pipeline_coverage", time_range={"relative": "this_quarter"}), 6) == \
        round(50_000 / 6_000, 6)
    team = ask(layer, "pipeline_coverage", dimensions=["rep.team"], time_range={"relative": "this_quarter"})
    assert _rows(team, ("rep.team",), ("pipeline_coverage",)) == {("East",): (None,), ("West",): (1.25,)}


def test_coverage_in_a_quarter_without_bookings(layer: SemanticLayer) -> None:
    """Q1 2026: nothing booked; Ada 20k open against 30k; Cy 4k open and no quota (null); all: 24k / 30k.
    Q3 2025: Bo's overdue 6k against 20k; Ada nothing open against 25k (0, not null)."""
    rows = ask(layer, "quota", "bookings", "pipeline_coverage", dimensions=["rep.name"], time_range=Q1_2026)
    assert _rows(rows, ("rep.name",), ("quota", "bookings", "pipeline_coverage")) == {
        ("Ada",): (30_000, 0, round(20_000 / 30_000, 4)), ("Cy",): (0, 0, None)}
    assert total(layer, "pipeline_coverage", time_range=Q1_2026) == 0.8
    rows = ask(layer, "pipeline_coverage", dimensions=["rep.name"], time_range=Q3)
    assert _rows(rows, ("rep.name",), ("pipeline_coverage",)) == {("Ada",): (0.0,), ("Bo",): (0.3,), ("Cy",): (None,)}


@pytest.mark.parametrize("question", [
    {"grain": "month", "time_range": YEAR_2025},
    {"grain": "week", "time_range": YEAR_2025},
    {"grain": "day", "time_range": Q3},
    {"time_range": {"from": "2025-01-01", "to": "2025-02-15"}},
    {"time_range": {"from": "2025-02-01", "to": "2025-06-30"}},
    {"time_range": {"relative": "last_90_days"}},
    {"time_range": {"relative": "quarter_to_date"}},
])
@pytest.mark.parametrize("metric", ["quota", "quota_attainment", "pipeline_coverage"])
def test_a_question_that_cuts_a_quarter_is_refused(layer: SemanticLayer, metric: str, question: dict) -> None:
    with pytest.raises(SemanticError) as info:
        ask(layer, metric, **question)
    assert info.value.code == "E_GRAIN_TOO_FINE"
    assert "measure 'quota' is recorded per fiscal quarter" in info.value.message
    assert "fiscal_quarter" in info.value.hint


def test_whole_quarters_and_coarser_grains_are_answered(layer: SemanticLayer) -> None:
    """Calendar quarters and years are whole fiscal quarters when the fiscal year starts in January."""
    quarters = by(ask(layer, "quota", grain="quarter", time_range=YEAR_2025), "period", "quota")
    assert quarters == {"2025-01-01": 45_000, "2025-04-01": 45_000, "2025-07-01": 45_000, "2025-10-01": 20_000}
    years = by(ask(layer, "quota", grain="year", time_range={"from": "2025-01-01", "to": "2026-12-31"}), "period",
               "quota")
    assert years == {"2025-01-01": 155_000, "2026-01-01": 30_000}


def test_fiscal_year_from_february_refuses_calendar_quarters(fiscal_layer: SemanticLayer) -> None:
    """With fiscal quarters Feb-Apr, ..., a calendar quarter holds parts of two fiscal quarters."""
    with pytest.raises(SemanticError) as info:
        ask(fiscal_layer, "quota", grain="quarter", time_range={"from": "2025-02-01", "to": "2026-01-31"})
    assert info.value.code == "E_GRAIN_TOO_FINE" and "quarter" in info.value.message
    with pytest.raises(SemanticError):
        ask(fiscal_layer, "quota", time_range={"from": "2025-01-01", "to": "2025-03-31"})


COMPARISONS = """
version: 1
metrics:
  quota_last_year:
    type: period_over_period
    metric: quota
    compare_to: same_period_last_year
    calculation: previous
  quota_previous:
    type: period_over_period
    metric: quota
    compare_to: previous_period
    calculation: previous
"""


def test_comparisons_move_whole_quarters(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Q1 2026 a year back is Q1 2025 (Ada 25k + Bo 20k); the quarter before Q3 2025 is Q2 (45k). Without a
    grain, 'the previous period' of a quarter is the same number of days before it, which cuts quarters."""
    extended = layer_with(COMPARISONS, ledger_url, tmp_path_factory)
    assert total(extended, "quota_last_year", time_range=Q1_2026) == 45_000
    assert by(ask(extended, "quota_previous", grain="quarter", time_range=Q3), "period", "quota_previous") == \
        {"2025-07-01": 45_000}
    with pytest.raises(SemanticError) as info:
        ask(extended, "quota_previous", time_range=Q3)
    assert info.value.code == "E_GRAIN_TOO_FINE" and "comparison moves it back 92 days" in info.value.message


def test_saved_query_quota_attainment_by_rep(layer: SemanticLayer) -> None:
    """This fiscal quarter (Q4 2025): East/Ada 10k quota, 12k booked (109), 40k open (111), quota met; West/Bo
    10k quota, 2k booked (107), 10k open (112): 10k / 8k. Cy has nothing in the quarter, so no row."""
    rows = layer.query(Question.from_saved(layer.saved_query("quota_attainment_by_rep"))).rows
    assert rows == [
        {"rep.team": "East", "rep.name": "Ada", "quota": 10_000, "bookings": 12_000, "quota_attainment": 1.2,
         "open_pipeline": 40_000, "pipeline_coverage": None},
        {"rep.team": "West", "rep.name": "Bo", "quota": 10_000, "bookings": 2_000, "quota_attainment": 0.2,
         "open_pipeline": 10_000, "pipeline_coverage": 1.25},
    ]

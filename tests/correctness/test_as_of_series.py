"""As of the end (start) of each period, against hand counts on tests/fixtures/history_small.py.

The end of September is the instant 2025-10-01 00:00 (exclusive): 207's change at exactly 10-01 00:00 is
not yet in it; the start of a month is the end of the day before it.
"""
from __future__ import annotations

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.helpers import ask, by, total

SEP_DEC = {"from": "2025-09-01", "to": "2025-12-31"}
# end of Sep: 201 10k, 202 20k, 204 5k, 205 7k, 207 15k, 208 11k, 209 4k (203 lost, 206 not created)
# end of Oct: 201 12k, 202 25k, 203 9k, 204 5k, 205 7k, 207 15k, 208 11k (209 lost)
# end of Nov: 202 25k, 203 9k, 204 6k, 205 7k, 206 3k, 208 11k (201, 207 won); end of Dec: the same
END = {"2025-09-01": 72_000, "2025-10-01": 84_000, "2025-11-01": 61_000, "2025-12-01": 61_000}
END_DEALS = {"2025-09-01": 7, "2025-10-01": 7, "2025-11-01": 6, "2025-12-01": 6}
# start of Sep (end of Aug 31): 202 20k, 203 discovery 8k, 205 7k, 207 15k, 208 11k, 209 4k (201, 204 not created)
START = {"2025-09-01": 65_000, "2025-10-01": 72_000, "2025-11-01": 84_000, "2025-12-01": 61_000}


def test_end_of_each_month(history_layer: SemanticLayer) -> None:
    rows = ask(history_layer, "open_pipeline", "open_deals", grain="month", time_range=SEP_DEC, as_of_each="end")
    assert by(rows, "period", "open_pipeline") == END
    assert by(rows, "period", "open_deals") == END_DEALS


def test_start_of_each_month(history_layer: SemanticLayer) -> None:
    rows = ask(history_layer, "open_pipeline", grain="month", time_range=SEP_DEC, as_of_each="start")
    assert by(rows, "period", "open_pipeline") == START


def test_a_period_end_equals_as_of_its_last_day(history_layer: SemanticLayer) -> None:
    assert total(history_layer, "open_pipeline", as_of="2025-09-30") == END["2025-09-01"]


def test_series_by_a_parent_dimension(history_layer: SemanticLayer) -> None:
    rows = ask(history_layer, "open_pipeline", grain="month", time_range={"from": "2025-10-01", "to": "2025-11-30"},
               dimensions=["account.segment"], as_of_each="start")
    # start of Oct: Acme 201 10k + 202 20k + 205 7k + 207 15k + 209 4k; Bolt 204 5k + 208 11k
    # start of Nov: Acme 201 12k + 202 25k + 205 7k + 207 15k; Bolt 203 9k + 204 5k + 208 11k
    assert by(rows, ("period", "account.segment"), "open_pipeline") == {
        ("2025-10-01", "Enterprise"): 56_000, ("2025-10-01", "SMB"): 16_000,
        ("2025-11-01", "Enterprise"): 59_000, ("2025-11-01", "SMB"): 25_000}


def test_closing_in_a_quarter_as_of_each_month_end_is_a_close_date_filter(history_layer: SemanticLayer) -> None:
    """The time range picks the instants; the close dates of then are filtered with a filter."""
    rows = ask(history_layer, "open_pipeline", grain="month", time_range={"from": "2025-10-01", "to": "2025-12-31"},
               as_of_each="end", filters=[{"dimension": "opportunity.close_date", "op": "between",
                                           "values": ["2025-10-01", "2025-12-31"]}])
    # end of Oct: 201 12-31 12k, 204 12-15 5k, 205 12-31 7k, 207 12-31 15k, 208 12-20 11k (202 and 203 close 2026)
    # end of Nov and Dec: 204 6k, 205 7k, 208 11k
    assert by(rows, "period", "open_pipeline") == {"2025-10-01": 50_000, "2025-11-01": 24_000, "2025-12-01": 24_000}


def test_no_period_after_today(history_layer: SemanticLayer) -> None:
    rows = ask(history_layer, "open_pipeline", grain="month", time_range={"from": "2025-12-01", "to": "2026-03-31"},
               as_of_each="end")
    # today is 2026-01-15: January is read as of today (the current rows); February and March are not shown
    assert by(rows, "period", "open_pipeline") == {"2025-12-01": 61_000, "2026-01-01": 61_000}


def test_changes_before_the_first_instant(history_layer: SemanticLayer) -> None:
    """Only each deal's changes from its last one before the first instant on are ranked: 204's two changes
    tied at 2025-11-01 14:00 are both before December and still break by stage order (proposal 6k, not
    qualification 5k); 205 has no change, 208's only one is in October, 202 changes again on 12-01 08:00."""
    rows = ask(history_layer, "open_pipeline", "open_deals", grain="week",
               time_range={"from": "2025-12-01", "to": "2025-12-31"}, as_of_each="end")
    # every week end of December: 202 25k, 203 9k, 204 6k, 205 7k, 206 3k, 208 11k
    weeks = ["2025-12-01", "2025-12-08", "2025-12-15", "2025-12-22", "2025-12-29"]
    assert by(rows, "period", "open_pipeline") == dict.fromkeys(weeks, 61_000)
    assert by(rows, "period", "open_deals") == dict.fromkeys(weeks, 6)
    rows = ask(history_layer, "open_pipeline", grain="week", time_range={"from": "2025-11-24", "to": "2025-11-30"},
               as_of_each="start")
    # start of 11-24 (end of 11-23): 202 25k, 203 9k, 204 6k, 205 7k, 208 11k; 206 is created on 11-25
    assert by(rows, "period", "open_pipeline") == {"2025-11-24": 58_000}


def test_saved_query_start_of_quarter(history_layer: SemanticLayer) -> None:
    saved = history_layer.saved_query("pipeline_start_of_quarter")
    rows = history_layer.query(Question.from_saved(saved, time_range={"from": "2025-07-01", "to": "2025-12-31"})).rows
    # start of Q3 (end of 06-30): 205 7k, 208 11k, 209 4k; start of Q4 = end of September
    assert by(rows, "period", "open_pipeline") == {"2025-07-01": 22_000, "2025-10-01": 72_000}
    assert by(rows, "period", "open_deals") == {"2025-07-01": 3, "2025-10-01": 7}


@pytest.mark.parametrize("question, code", [
    ({"as_of_each": "end"}, "E_AS_OF"),
    ({"as_of_each": "end", "grain": "month"}, "E_AS_OF"),
    ({"as_of_each": "end", "grain": "month", "time_range": {"from": "2025-10-01"}}, "E_AS_OF"),
    ({"as_of_each": "end", "grain": "month", "time_range": {"from": "2026-02-01", "to": "2026-03-31"}},
     "E_AS_OF_FUTURE"),
])
def test_refusals(history_layer: SemanticLayer, question: dict, code: str) -> None:
    with pytest.raises(SemanticError) as err:
        history_layer.query(Question(metrics=["open_pipeline"], **question))
    assert err.value.code == code and err.value.hint

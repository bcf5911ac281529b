"""Validation of period_over_period metrics: the compared metric must exist and no cycle may run through it."""
from __future__ import annotations

from pathlib import Path

from semantic.definitions import load_project

BASE = """
entities:
  deal:
    table: deals
    primary_key: id
    default_time_dimension: closed_at
    columns: [amount]
    dimensions:
      closed_at: {type: time}
    measures:
      deal_amount: {agg: sum, expr: amount}
metrics:
  revenue: {type: simple, measure: deal_amount}
"""


def issues(tmp_path: Path, extra: str) -> list[tuple[str, int]]:
    (tmp_path / "metrics.yaml").write_text(BASE + extra, encoding="utf-8")
    return [(i.code, i.position.line) for i in load_project(tmp_path).issues if i.severity == "error"]


def test_a_valid_comparison(tmp_path):
    assert issues(tmp_path, "  growth: {type: period_over_period, metric: revenue}\n") == []


def test_unknown_compared_metric_is_named_where_written(tmp_path):
    found = issues(tmp_path, "  growth:\n    type: period_over_period\n    metric: revenu\n")
    assert found == [("E_UNKNOWN_METRIC", 16)]  # the line of `metric: revenu`


def test_cycle_through_a_comparison(tmp_path):
    found = issues(tmp_path, "  a: {type: period_over_period, metric: b}\n  b: {type: derived, expr: a * 2}\n")
    assert [code for code, _ in found] == ["E_METRIC_CYCLE"]


def test_planned_types_still_say_not_yet(tmp_path):
    found = issues(tmp_path, "  running: {type: snapshot, metric: revenue}\n")
    assert [code for code, _ in found] == ["E_METRIC_TYPE"]


def test_comparison_of_a_comparison_is_refused(tmp_path):
    found = issues(tmp_path, "  growth: {type: period_over_period, metric: revenue}\n"
                             "  growth_of_growth: {type: period_over_period, metric: growth}\n")
    assert [code for code, _ in found] == ["E_INVALID_VALUE"]


def test_saved_queries_with_comparisons_need_a_bounded_range(tmp_path):
    found = issues(tmp_path, "  growth: {type: period_over_period, metric: revenue}\nsaved_queries:\n"
                             "  none: {metrics: [growth], grain: quarter}\n"
                             "  open: {metrics: [growth], time_range: {from: '2025-01-01'}}\n"
                             "  fine: {metrics: [growth], time_range: {relative: this_year}}\n")
    assert [code for code, _ in found] == ["E_TIME_RANGE", "E_TIME_RANGE"]


def test_a_file_that_does_not_parse_is_the_only_issue(tmp_path):
    (tmp_path / "glossary.yaml").write_text("terms:\n  lead: {definition: x, entity: deal, filter: 'x > 1'}\n",
                                            encoding="utf-8")
    found = issues(tmp_path, "  broken: [\n")
    assert [code for code, _ in found] == ["E_YAML_SYNTAX"]


def test_saved_query_compare_is_checked_where_written(tmp_path):
    (tmp_path / "metrics.yaml").write_text(BASE + (
        "  growth: {type: period_over_period, metric: revenue}\n"
        "  doubled: {type: derived, expr: growth * 2}\n"
        "saved_queries:\n"
        "  fine: {metrics: [revenue], grain: quarter, time_range: {relative: this_year}, compare: previous_period,\n"
        "         like_for_like: false}\n"
        "  unbounded: {metrics: [revenue], grain: quarter, compare: previous_period}\n"
        "  of_growth: {metrics: [growth], time_range: {relative: this_year}, compare: previous_period}\n"
        "  of_doubled:\n"
        "    metrics: [revenue, doubled]\n"
        "    time_range: {relative: this_year}\n"
        "    compare: same_period_last_year\n"
        "  nothing_compared: {metrics: [revenue], like_for_like: false}\n"
        "  misspelt: {metrics: [revenue], time_range: {relative: this_year}, compare: last_year}\n"), encoding="utf-8")
    found = load_project(tmp_path).issues
    by_code = sorted((i.code, i.position.line, i.severity) for i in found)
    assert by_code == [("E_INVALID_VALUE", 20, "error"),  # of_growth, at its `compare:`
                       ("E_INVALID_VALUE", 24, "error"),  # of_doubled: `doubled` is built on `growth`
                       ("E_INVALID_VALUE", 26, "error"),  # misspelt, with a did-you-mean
                       ("E_TIME_RANGE", 19, "error"),  # unbounded
                       ("W_NOTHING_COMPARED", 25, "warning")]
    messages = {i.position.line: i.message for i in found}
    assert "built on 'growth', which compares periods already" in messages[24]
    assert "compares periods already" in messages[20]
    assert "did you mean 'same_period_last_year'" in messages[26]

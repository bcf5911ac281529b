"""`semantic test` on projects written here: a tiny deal table whose every number is read off the rows below.

deals (closed_at, amount, region): 1 2025-01-10 100 EU; 2 2025-02-10 300 EU; 3 2025-02-20 -50 US (a credit
note); so in Q1 2025 total = 350, by region EU 400 and US -50, deals 3, average amount 350/3.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from semantic.cli import app

METRICS = """\
entities:
  deal:
    table: deals
    primary_key: deal_id
    default_time_dimension: closed_at
    columns: [amount]
    dimensions:
      closed_at: {type: time}
      region: {}
    measures:
      amount_total: {agg: sum, expr: amount}
      deal_count: {agg: count}
      amount_avg: {agg: avg, expr: amount}
metrics:
  total: {type: simple, measure: amount_total}
  deals: {type: simple, measure: deal_count}
  average: {type: simple, measure: amount_avg}
  per_deal: {type: derived, expr: total / deals}
"""
LEDGER = """\
tables:
  deals:
    - {deal_id: 1, closed_at: 2025-01-10, amount: 100, region: EU}
    - {deal_id: 2, closed_at: 2025-02-10, amount: 300, region: EU}
    - {deal_id: 3, closed_at: 2025-02-20, amount: -50, region: US}
"""
PASSING = """\
ledger: ledgers/deals.yaml
today: 2025-03-31
tests:
  q1_total:
    question: {metrics: [total, deals, average], time_range: {from: 2025-01-01, to: 2025-03-31}}
    expect:
      - {total: 350, deals: 3, average: 350/3}
  by_region:
    question: {metrics: [total, deals], dimensions: [deal.region]}
    expect:
      - {deal.region: EU, total: 400, deals: 2}
      - {deal.region: US, total: -50, deals: 1}
    invariants:
      sums_to_total: [total, deals]
  by_month:
    question: {metrics: [deals], grain: month, time_range: {relative: this_quarter}}
    expect:
      - {period: 2025-01-01, deals: 1}
      - {period: 2025-02-01, deals: 2}
      - {period: 2025-03-01, deals: 0}
"""


def write_project(root: Path, tests: str = PASSING, ledger: str = LEDGER) -> Path:
    (root / "definition_tests" / "ledgers").mkdir(parents=True)
    (root / "metrics.yaml").write_text(METRICS, encoding="utf-8")
    (root / "definition_tests" / "ledgers" / "deals.yaml").write_text(ledger, encoding="utf-8")
    (root / "definition_tests" / "deals.yaml").write_text(tests, encoding="utf-8")
    return root


def run(project: Path, *extra: str):
    return CliRunner().invoke(app, ["test", "-p", str(project), *extra])


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_hand_counted_expectations_pass(tmp_path):
    result = run(write_project(tmp_path), "-v")
    assert result.exit_code == 0, result.output
    assert result.output.count("PASSED") == 3
    assert result.output.splitlines()[-1] == "3 passed, 0 failed in 1 file"


def test_a_wrong_expectation_fails_with_its_file_and_line(tmp_path):
    wrong = PASSING.replace("{deal.region: EU, total: 400, deals: 2}", "{deal.region: EU, total: 401, deals: 2}")
    result = run(write_project(tmp_path, wrong))
    assert result.exit_code == 1
    line = line_of(wrong, "total: 401")
    col = wrong.splitlines()[line - 1].index("401") + 1
    assert f"definition_tests/deals.yaml:{line}:{col}: FAILED by_region: total expected 401, got 400 " \
           "(deal.region=EU)" in result.output
    assert "2 passed, 1 failed in 1 file" in result.output


def test_missing_and_unexpected_rows_fail(tmp_path):
    wrong = PASSING.replace("      - {period: 2025-03-01, deals: 0}\n", "      - {period: 2025-04-01, deals: 0}\n")
    result = run(write_project(tmp_path, wrong))
    assert result.exit_code == 1
    assert f":{line_of(wrong, 'period: 2025-04-01')}:9: FAILED by_month: the answer has no row period=2025-04-01" \
        in result.output
    # a row nobody expected is reported where the expected rows start
    assert f":{line_of(wrong, 'period: 2025-01-01')}:7: FAILED by_month: unexpected row period=2025-03-01: deals=0" \
        in result.output


def test_invariants_catch_what_they_promise(tmp_path):
    """per_deal is 350/3 (not a share); total has a negative by-region value; the average of the regions'
    averages (200 and -50) does not add up to the overall average 350/3."""
    tests = """\
ledger: ledgers/deals.yaml
today: 2025-03-31
tests:
  broken_promises:
    question: {metrics: [per_deal, total, average], dimensions: [deal.region]}
    invariants:
      between_0_and_1: [per_deal]
      non_negative: [total]
      sums_to_total: [average]
"""
    result = run(write_project(tmp_path, tests), "--format", "json")
    assert result.exit_code == 1
    failures = {(t["line"], t["message"]) for t in json.loads(result.output)["tests"]}
    assert failures == {
        (7, "between_0_and_1: per_deal is 200 in 2 row(s)"),  # EU 400 / 2 and US -50 / 1; the first is named
        (8, "non_negative: total is -50 in 1 row(s)"),
        (9, "sums_to_total: average by deal.region adds up to 150, the total is 116.66666666666667"),
    }


def test_errors_in_questions_and_test_files_are_coded_with_positions(tmp_path):
    tests = PASSING.replace("metrics: [total, deals, average]", "metrics: [totl]").replace(
        "  by_region:\n", "  by_region:\n    expected: []\n")
    result = run(write_project(tmp_path, tests))
    assert result.exit_code == 1
    assert f"definition_tests/deals.yaml:{line_of(tests, 'expected: []')}:5: error[E_UNKNOWN_KEY] unknown key " \
           "'expected'" in result.output
    # the unknown-key file is refused as a whole, so the bad metric is not reached; fix the key and rerun
    fixed = tests.replace("    expected: []\n", "")
    (tmp_path / "definition_tests" / "deals.yaml").write_text(fixed, encoding="utf-8")
    result = run(tmp_path)
    assert f":{line_of(fixed, 'metrics: [totl]')}:15: ERROR q1_total: [E_UNKNOWN_METRIC] unknown metric 'totl'" \
        in result.output and "did you mean 'total'" in result.output
    assert "Traceback" not in result.output


def test_fixture_problems_are_coded_with_positions(tmp_path):
    mixed = LEDGER.replace("amount: 300", "amount: lots")
    result = run(write_project(tmp_path, ledger=mixed))
    assert result.exit_code == 1
    col = mixed.splitlines()[3].index("lots") + 1
    assert f"definition_tests/ledgers/deals.yaml:4:{col}: error[E_FIXTURE_TYPE] column 'amount' of table " \
           "'deals' holds a text value here and integer values before" in result.output
    shutil.rmtree(tmp_path / "definition_tests" / "ledgers")
    result = run(tmp_path)
    assert result.exit_code == 1 and "definition_tests/deals.yaml:1:9: error[E_FIXTURE_MISSING]" in result.output


def test_canonical_schema_types_columns_and_refuses_unknown_ones(tmp_path):
    ledger = "schema: canonical\ntables:\n  accounts:\n    - {account_id: 1, segmnt: SMB}\n"
    result = run(write_project(tmp_path, ledger=ledger))
    assert result.exit_code == 1
    col = ledger.splitlines()[3].index("segmnt") + 1
    assert f"definition_tests/ledgers/deals.yaml:4:{col}: error[E_FIXTURE_COLUMN] table 'accounts' of the canonical " \
           "ledger has no column 'segmnt'" in result.output


def test_a_project_without_tests_fails(tmp_path):
    (tmp_path / "metrics.yaml").write_text(METRICS, encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 1 and "E_NO_DEFINITION_TESTS" in result.output


def test_the_starter_definition_tests_pass(repo_root):
    result = run(repo_root)
    assert result.exit_code == 0, result.output


def test_a_wrong_starter_expectation_fails_with_its_line(repo_root, tmp_path):
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    shutil.copytree(repo_root / "definition_tests", tmp_path / "definition_tests")
    starter = tmp_path / "definition_tests" / "starter.yaml"
    text = starter.read_text()
    assert "      - bookings: 45000 " in text
    text = text.replace("      - bookings: 45000 ", "      - bookings: 45500 ")
    starter.write_text(text)
    result = run(tmp_path)
    assert result.exit_code == 1
    assert f"definition_tests/starter.yaml:{line_of(text, 'bookings: 45500')}:19: FAILED outcomes_first_half: " \
           "bookings expected 45500, got 45000" in result.output


def test_a_fixture_without_the_table_a_question_reads_is_an_error(tmp_path):
    result = run(write_project(tmp_path, ledger="tables:\n  other:\n    - {x: 1}\n"))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if " ERROR " in line]
    assert len(errors) == 3 and all("[E_QUERY_FAILED]" in line and "deals" in line for line in errors)
    assert "does the fixture ledger hold every table and column the question reads?" in errors[0]

"""`semantic list`, `semantic explain` and `semantic --version` on a small project written here, so every
expected row is read off the YAML below by eye."""
from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
import sqlglot
from typer.testing import CliRunner

from semantic.cli import app

PROJECT = """\
terms:
  won:
    definition: A deal the customer signed.
    entity: deal
    filter: is_won
    status: certified
    owner: finance
entities:
  deal:
    table: deals
    primary_key: deal_id
    default_time_dimension: closed_at
    columns: [amount]
    dimensions:
      closed_at: {type: time, label: Closed}
      region: {label: Region}
      is_won: {type: boolean}
    measures:
      won_amount: {agg: sum, expr: amount, terms: [won]}
      closed_deals: {agg: count}
metrics:
  bookings:
    type: simple
    measure: won_amount
    label: Bookings
    description: Amount won.
    owner: finance
    format: currency
    certified: true
  bookings_per_deal:
    type: derived
    expr: bookings / deal_count
  deal_count:
    type: simple
    measure: closed_deals
saved_queries:
  by_region:
    metrics: [bookings]
    dimensions: [deal.region]
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "metrics.yaml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_list_metrics_as_json(project):
    result = run("list", "metrics", "-p", str(project), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == ["bookings", "bookings_per_deal", "deal_count"]
    assert rows[0] == {"name": "bookings", "type": "simple", "label": "Bookings", "format": "currency",
                       "owner": "finance", "certified": True, "formula": "won_amount", "description": "Amount won."}
    assert rows[1]["formula"] == "bookings / deal_count" and rows[1]["certified"] is False


@pytest.mark.parametrize("kind, names", [
    ("dimensions", ["deal.closed_at", "deal.is_won", "deal.region"]),
    ("terms", ["won"]),
    ("saved-queries", ["by_region"]),
    ("entities", ["deal"]),
])
def test_list_every_kind(project, kind, names):
    result = run("list", kind, "-p", str(project), "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.output)] == names


def test_list_table_and_bad_kind(project):
    result = run("list", "terms", "-p", str(project))
    assert result.exit_code == 0 and "won" in result.output and "is_won" in result.output
    assert "1 terms" in result.output
    result = run("list", "widgets", "-p", str(project))
    assert result.exit_code == 2


def test_explain_follows_a_derived_metric_down_to_its_measures_and_terms(project):
    result = run("explain", "bookings_per_deal", "-p", str(project), "-f", "json")
    assert result.exit_code == 0, result.output
    about = json.loads(result.output)
    assert about["formula"] == "bookings / deal_count"
    assert about["metrics"] == ["bookings", "deal_count"]
    assert [m["name"] for m in about["measures"]] == ["won_amount", "closed_deals"]
    assert about["terms"] == [{"name": "won", "filter": "is_won", "definition": "A deal the customer signed."}]
    assert about["entities"] == ["deal"]
    assert about["time_axes"] == ["deal.closed_at"]
    parsed = sqlglot.parse_one(about["sql"], read="duckdb")  # the SQL is real DuckDB SQL over the table
    assert "deals" in {t.name for t in parsed.find_all(sqlglot.exp.Table)}


def test_explain_text_and_unknown_metric(project):
    result = run("explain", "bookings", "-p", str(project))
    assert result.exit_code == 0, result.output
    assert "formula: won_amount" in result.output
    assert "measure won_amount on deal: sum(amount) terms won" in result.output
    assert "term won: is_won -- A deal the customer signed." in result.output
    result = run("explain", "booking", "-p", str(project))
    assert result.exit_code == 1 and "E_UNKNOWN_METRIC" in result.output and "did you mean 'bookings'" in result.output
    assert "Traceback" not in result.output


def test_invalid_definitions_are_listed_not_raised(project):
    (project / "metrics.yaml").write_text("metrics:\n  broken: {type: simple}\n", encoding="utf-8")
    result = run("list", "metrics", "-p", str(project))
    assert result.exit_code == 1 and "E_MISSING_FIELD" in result.output and "metrics.yaml:2:" in result.output


def test_version_names_the_package_and_the_definitions(project, repo_root, monkeypatch):
    declared = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["version"]
    raw = (project / "metrics.yaml").read_bytes()
    content = hashlib.sha256(b"metrics.yaml\0" + raw + b"\0").hexdigest()[:12]
    monkeypatch.chdir(project)  # not a git repository: the stamp is the content hash alone
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"semantic {declared}", f"definitions {content} in {project.resolve()}"]

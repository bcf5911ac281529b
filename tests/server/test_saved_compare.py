"""A saved query's `compare` and `like_for_like: false` reach the question from the CLI, GraphQL `savedQuery`
and plain HTTP `saved=`, and a request can still override them. Numbers are hand-written SQL on the tiny
ledger, whose 'today' is pinned to 10 May 2024 here, so May is the month holding today."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from semantic.cli import app as cli
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import copy_project, data, post
from tests.server.test_plain_http import ask
from tests.server.tiny_ledger import hand_sql

TODAY = date(2024, 5, 10)
SAVED = """version: 1
saved_queries:
  pipeline_vs_month_before:
    label: Pipeline created against the month before, whole months
    metrics: [pipeline_created]
    grain: month
    time_range: {from: '2024-01-01', to: '2024-06-30'}
    compare: previous_period
    like_for_like: false
"""
APRIL = "select coalesce(sum(amount), 0) from opportunities where created_at >= '2024-04-01' and created_at < '{}'"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("saved_compare"))
    (root / "definitions").mkdir(exist_ok=True)
    (root / "definitions" / "saved_compare.yaml").write_text(SAVED, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pinned(project: Path, ledger_url: str) -> FastAPI:
    served = create_app(project, ledger_url, ServerSettings(), auth=TokenAuth())
    layer = served.state.served.current.layer
    layer.settings = replace(layer.settings, today=TODAY)
    return served


def _may(rows: list[dict]) -> dict:
    return next(r for r in rows if str(r["period"]).startswith("2024-05"))


def test_saved_comparison_over_graphql_is_whole_periods(pinned: FastAPI, ledger_url: str) -> None:
    body = data(post(pinned, "{ savedQuery(name: pipeline_vs_month_before) { columns { name note } rows } "
                             "savedQueries { name compare likeForLike } }"))
    answer = body["savedQuery"]
    assert [c["name"] for c in answer["columns"]] == ["period", "pipeline_created", "pipeline_created__previous",
                                                      "pipeline_created__change_pct"]
    assert answer["columns"][-1]["note"].startswith("whole periods: the month holding today (2024-05-10)")
    whole_april = float(hand_sql(ledger_url, APRIL.format("2024-05-01"))[0][0])
    assert _may(answer["rows"])["pipeline_created__previous"] == whole_april == 3700.0
    listed = {s["name"]: s for s in body["savedQueries"]}["pipeline_vs_month_before"]
    assert listed == {"name": "pipeline_vs_month_before", "compare": "previous_period", "likeForLike": False}


def test_plain_http_runs_the_saved_comparison_and_can_ask_like_for_like(pinned: FastAPI, ledger_url: str) -> None:
    whole = ask(pinned, "json", saved="pipeline_vs_month_before").json()
    same_days = ask(pinned, "json", saved="pipeline_vs_month_before", like_for_like="true").json()
    whole_april = float(hand_sql(ledger_url, APRIL.format("2024-05-01"))[0][0])
    assert _may(whole["rows"])["pipeline_created__previous"] == whole_april
    # like for like: 1-10 May against 1-10 April
    assert _may(same_days["rows"])["pipeline_created__previous"] == \
        float(hand_sql(ledger_url, APRIL.format("2024-04-11"))[0][0]) == 3000.0


def test_cli_runs_the_saved_comparison(project: Path, ledger_url: str) -> None:
    result = CliRunner().invoke(cli, ["query", "--saved", "pipeline_vs_month_before", "--today", TODAY.isoformat(),
                                      "--format", "json", "--project", str(project), "--database", ledger_url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    created = dict(hand_sql(ledger_url, "select strftime(created_at, '%Y-%m'), sum(amount) from opportunities "
                                        "group by 1"))
    for row in rows:  # every month beside the whole month before it
        month = str(row["period"])[:7]
        before = f"2024-{int(month[5:]) - 1:02d}" if month != "2024-01" else "2023-12"
        assert (row["pipeline_created"], row["pipeline_created__previous"]) == \
            (float(created.get(month, 0)), float(created.get(before, 0)))

"""`semantic history` and GraphQL `metric { history }` on a git repository made here, commit by commit:

1 (Ann, 2025-01-02)  add the deal entity, the term won, metric bookings
2 (Ben, 2025-02-03)  add metric deal_count (a measure that already existed)
3 (Ann, 2025-03-04)  term won: `is_won` -> `is_won and not is_refunded`
4 (Ben, 2025-04-05)  README only (not a definitions file)
So bookings' history is 3 then 1, and deal_count's is 2 alone: it never reads the term won, and before 2 it
did not exist (a metric's history starts when it is added).
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import post

FIRST = """\
terms:
  won: {definition: A deal the customer signed., entity: deal, filter: is_won}
entities:
  deal:
    table: deals
    primary_key: deal_id
    default_time_dimension: closed_at
    columns: [amount, is_refunded]
    dimensions:
      closed_at: {type: time}
      is_won: {type: boolean}
    measures:
      won_amount: {agg: sum, expr: amount, terms: [won]}
      closed_deals: {agg: count}
metrics:
  bookings: {type: simple, measure: won_amount}
"""
SECOND = FIRST + "  deal_count: {type: simple, measure: closed_deals}\n"
THIRD = SECOND.replace("filter: is_won}", "filter: is_won and not is_refunded}")


def commit(repo: Path, author: str, day: str, message: str, files: dict[str, str]) -> str:
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@x.test",
           "GIT_AUTHOR_DATE": f"{day}T10:00:00+02:00", "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": f"{author}@x.test", "GIT_COMMITTER_DATE": f"{day}T10:00:00+02:00"}
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=env)
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("history")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    shas = [commit(root, "Ann", "2025-01-02", "Bookings", {"metrics.yaml": FIRST}),
            commit(root, "Ben", "2025-02-03", "Count deals", {"metrics.yaml": SECOND}),
            commit(root, "Ann", "2025-03-04", "Refunds are not wins", {"metrics.yaml": THIRD}),
            commit(root, "Ben", "2025-04-05", "Docs", {"README.md": "hello\n"})]
    return root, shas


def history(project: Path, *args: str):
    return CliRunner().invoke(app, ["history", *args, "-p", str(project)])


def test_the_commits_that_changed_a_metric_or_its_term(repo):
    root, shas = repo
    result = history(root, "bookings", "--format", "json")
    assert result.exit_code == 0, result.output
    first_diff = json.loads(result.output)[-1]["diff"]  # checked line by line below
    assert json.loads(result.output) == [
        {"commit": shas[2], "date": "2025-03-04T10:00:00+02:00", "author": "Ann", "message": "Refunds are not wins",
         "changes": ["changed term 'won' (filter)"],
         "diff": ["changed term 'won' (filter)", "- filter: is_won", "+ filter: is_won and not is_refunded"]},
        {"commit": shas[0], "date": "2025-01-02T10:00:00+02:00", "author": "Ann", "message": "Bookings",
         "changes": ["added term 'won'", "added entity 'deal'", "added metric 'bookings'"],
         "diff": first_diff},
    ]
    assert first_diff[:4] == ["added term 'won'", "+ definition: A deal the customer signed.", "+ entity: deal",
                              "+ filter: is_won"]
    assert first_diff[-1] == "..."  # the entity's lines are cut: a short diff


def test_a_metric_that_does_not_read_the_term_skips_its_change(repo):
    root, shas = repo
    result = history(root, "deal_count", "--format", "json", "--limit", "5")
    assert [(e["commit"], e["changes"]) for e in json.loads(result.output)] == [
        (shas[1], ["added metric 'deal_count'"])]
    result = history(root, "deal_count", "--limit", "1")
    assert result.output.splitlines() == [f"{shas[1][:12]} 2025-02-03 Ben: Count deals",
                                          " added metric 'deal_count'", "  + type: simple",
                                          "  + measure: closed_deals"]


def test_not_a_git_repository_and_unknown_metric_are_coded(tmp_path, repo):
    (tmp_path / "metrics.yaml").write_text(FIRST, encoding="utf-8")
    result = history(tmp_path, "bookings")
    assert result.exit_code == 1 and "E_NOT_GIT" in result.output and "git init" in result.output
    assert "Traceback" not in result.output
    result = history(repo[0], "booking")
    assert result.exit_code == 1 and "E_UNKNOWN_METRIC" in result.output and "did you mean 'bookings'" in result.output


def test_graphql_metric_history(repo, tmp_path):
    root, shas = repo
    server = create_app(root, f"duckdb:///{tmp_path / 'none.duckdb'}", ServerSettings(), auth=TokenAuth())
    body = post(server, "{ metric(name: bookings) { history(limit: 1) { commit date author message changes diff } } }"
                ).json()
    assert body["data"]["metric"]["history"] == [
        {"commit": shas[2], "date": "2025-03-04T10:00:00+02:00", "author": "Ann", "message": "Refunds are not wins",
         "changes": ["changed term 'won' (filter)"],
         "diff": ["changed term 'won' (filter)", "- filter: is_won", "+ filter: is_won and not is_refunded"]}]
    error = post(server, "{ metric(name: bookings) { history(limit: 0) { commit } } }").json()["errors"][0]
    assert error["extensions"]["code"] == "E_BAD_REQUEST"


def test_graphql_history_outside_git_is_a_coded_error(tmp_path):
    (tmp_path / "metrics.yaml").write_text(FIRST, encoding="utf-8")
    server = create_app(tmp_path, None, ServerSettings(), auth=TokenAuth())
    error = post(server, "{ metric(name: bookings) { history { commit } } }").json()["errors"][0]
    assert error["extensions"]["code"] == "E_NOT_GIT" and "git init" in error["extensions"]["hint"]


def test_a_project_in_a_subfolder_of_the_repository(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "revenue").mkdir()
    (tmp_path / "metrics.yaml").write_text("not: the project's\n", encoding="utf-8")  # outside --project: ignored
    sha = commit(tmp_path, "Cy", "2025-05-06", "Definitions in a subfolder", {"revenue/metrics.yaml": FIRST})
    commit(tmp_path, "Cy", "2025-05-07", "Another folder's file", {"metrics.yaml": "still: not it\n"})
    result = history(tmp_path / "revenue", "bookings", "--format", "json")
    assert [(e["commit"], e["message"]) for e in json.loads(result.output)] == [(sha, "Definitions in a subfolder")]

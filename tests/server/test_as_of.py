"""`asOf`/`asOfEach` (GraphQL) and `as_of`/`as_of_each` (plain HTTP) reach the question (the as-of numbers
themselves are proven against hand counts in tests/correctness/test_as_of.py and test_as_of_series.py).

The tiny ledger has no stage history, so a deal's state at any instant is its current row, and deals created
after the instant are left out: on 2024-04-15 only 103 (proposal, 3,000, created 04-01) is open; 104 was
created that day but is closed, 105 is created on 05-01.
"""
from __future__ import annotations

from fastapi import FastAPI

from tests.server.conftest import data, post
from tests.server.test_plain_errors import refusal
from tests.server.test_plain_http import ask


def test_graphql_as_of_and_its_note(app: FastAPI) -> None:
    body = data(post(app, '{ query(metrics: [open_pipeline], asOf: "2024-04-15") { columns { name note } rows } }'))
    assert body["query"]["rows"] == [{"open_pipeline": 3000.0}]
    assert body["query"]["columns"][0]["note"] == "as of 2024-04-15 (end of day), rebuilt from stage_change"


def test_graphql_as_of_each_start(app: FastAPI) -> None:
    body = data(post(app, '{ query(metrics: [open_pipeline], grain: month, asOfEach: start, '
                          'timeRange: {from: "2024-04-01", to: "2024-05-31"}) { rows } }'))
    # start of April: 103 not created yet (04-01); start of May: 103 (105 is created on 05-01 itself)
    assert body["query"]["rows"] == [{"period": "2024-04-01", "open_pipeline": 0.0},
                                     {"period": "2024-05-01", "open_pipeline": 3000.0}]


def test_graphql_refuses_the_future(app: FastAPI) -> None:
    body = post(app, '{ query(metrics: [open_pipeline], asOf: "2999-01-01") { rows } }').json()
    assert body["errors"][0]["extensions"]["code"] == "E_AS_OF_FUTURE"


def test_plain_http_as_of(app: FastAPI) -> None:
    body = ask(app, "json", metrics="open_pipeline", as_of="2024-04-15").json()
    assert body["rows"] == [{"open_pipeline": 3000.0}]
    assert ask(app, "csv", metrics="open_pipeline", as_of="2024-05-01T00:00:00").text.splitlines() == \
        ["open_pipeline", "4500.0"]  # 105 (1,500) exists at that very moment
    assert refusal(ask(app, "json", metrics="open_pipeline", as_of_each="ends"), 400, "E_BAD_REQUEST")["message"] \
        == "unsupported as_of_each 'ends' (did you mean 'end'?)"
    assert refusal(ask(app, "json", metrics="activities", as_of="2024-04-15"), 400, "E_NO_HISTORY")

"""`compare` and `likeForLike` reach the question from GraphQL and from plain HTTP (the numbers themselves
are proven against hand counts in tests/correctness/test_like_for_like.py)."""
from __future__ import annotations

from fastapi import FastAPI

from tests.server.conftest import data, post
from tests.server.test_plain_errors import refusal
from tests.server.test_plain_http import ask

QUARTERS_2024 = '{from: "2024-01-01", to: "2024-12-31"}'


def test_graphql_compare_adds_previous_and_change_columns(app: FastAPI) -> None:
    body = data(post(app, "{ query(metrics: [bookings], grain: quarter, timeRange: " + QUARTERS_2024 + ", "
                          "compare: previous_period, likeForLike: false) { columns { name format note } rows } }"))
    columns = body["query"]["columns"]
    assert [(c["name"], c["format"]) for c in columns] == [
        ("period", None), ("bookings", "currency"), ("bookings__previous", "currency"),
        ("bookings__change_pct", "percent")]
    assert all(c["note"] is None for c in columns)  # 2024 is complete: no period holds today
    rows = body["query"]["rows"]
    # complete quarters: each one's previous value is the quarter before it in the same answer
    assert [r["bookings__previous"] for r in rows[1:]] == [r["bookings"] for r in rows[:-1]]


def test_plain_http_compare_and_like_for_like(app: FastAPI) -> None:
    body = ask(app, "json", metrics="bookings", grain="quarter", compare="same_period_last_year",
               like_for_like="false", **{"from": "2024-01-01", "to": "2024-12-31"}).json()
    assert [c["name"] for c in body["columns"]] == ["period", "bookings", "bookings__previous",
                                                    "bookings__change_pct"]
    assert refusal(ask(app, "json", metrics="bookings", compare="last_year"), 400, "E_BAD_REQUEST")["message"] \
        == "unsupported compare 'last_year' (did you mean 'same_period_last_year'?)"
    assert "true or false" in refusal(ask(app, "csv", metrics="bookings", like_for_like="no"), 400,
                                      "E_BAD_REQUEST")["message"]

"""Answers name the data they were computed from, beside the definitions version."""
from __future__ import annotations

from tests.server.conftest import data, get, post


def test_graphql_and_plain_http_carry_the_same_data_version(app) -> None:
    answer = data(post(app, "{ query(metrics: [bookings]) { version dataVersion } }"))["query"]
    plain = get(app, "/query.json?metrics=bookings")
    assert answer["dataVersion"]  # a DuckDB file always has a stamp
    assert plain.headers["x-semantic-data-version"] == answer["dataVersion"] == plain.json()["data_version"]
    assert plain.headers["x-semantic-version"] == answer["version"]

"""The library's cost budget reaches clients as a coded refusal naming the setting, on both APIs."""
from __future__ import annotations

from tests.server.conftest import error, get, post

# 1971-01-01 .. 2024-12-31 at day grain: 19,723 periods, over the default max_periods of 5,000
DAYS = "grain=day&from=1971-01-01&to=2024-12-31"


def test_plain_http_refuses_a_costly_question_with_400(app) -> None:
    response = get(app, f"/query.json?metrics=bookings&{DAYS}")
    assert response.status_code == 400
    first = response.json()["errors"][0]
    assert first["extensions"]["code"] == "E_QUERY_TOO_COSTLY" and "max_periods" in response.text


def test_graphql_refuses_a_costly_question(app) -> None:
    first = error(post(app, '{ query(metrics: [bookings], grain: day, '
                            'timeRange: {from: "1971-01-01", to: "2024-12-31"}) { rows } }'))
    assert first["extensions"]["code"] == "E_QUERY_TOO_COSTLY"

"""Numbers from the API equal hand-written SQL on the same tiny DuckDB ledger."""
from __future__ import annotations

from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, data, post
from tests.server.tiny_ledger import hand_sql

BY_SEGMENT = """
select a.segment,
       sum(o.amount) filter (where o.is_won),
       count(*) filter (where o.is_won) * 1.0 / count(*) filter (where o.is_closed)
from opportunities o join accounts a on a.account_id = o.account_id
group by a.segment order by a.segment
"""


def test_query_by_dimension_matches_hand_sql(app: FastAPI, ledger_url: str) -> None:
    result = data(post(app, """{ query(metrics: [bookings, win_rate], dimensions: ["account.segment"],
        orderBy: [{column: "account.segment"}]) { columns { name type format label } rows sql version } }"""))
    answer = result["query"]
    assert [c["name"] for c in answer["columns"]] == ["account.segment", "bookings", "win_rate"]
    assert answer["columns"][1]["format"] == "currency" and answer["columns"][2]["format"] == "percent"
    expected = [{"account.segment": s, "bookings": float(b), "win_rate": float(w)}
                for s, b, w in hand_sql(ledger_url, BY_SEGMENT)]
    assert answer["rows"] == expected
    assert expected[0] == {"account.segment": "Enterprise", "bookings": 1000.5, "win_rate": 0.5}  # by hand
    assert "select" in answer["sql"].lower()


def test_grain_and_time_range_give_iso_periods(app: FastAPI, ledger_url: str) -> None:
    rows = data(post(app, """{ query(metrics: [bookings], grain: month,
        timeRange: {from: "2024-01-01", to: "2024-06-30"}) { rows } }"""))["query"]["rows"]
    hand = dict(hand_sql(ledger_url, """
        select strftime(date_trunc('month', closed_at), '%Y-%m-%d'), sum(amount) from opportunities
        where is_won and closed_at >= '2024-01-01' and closed_at < '2024-07-01' group by 1"""))
    assert [r["period"] for r in rows] == [f"2024-0{m}-01" for m in range(1, 7)]
    assert {r["period"]: r["bookings"] for r in rows} == {p: float(hand.get(p, 0)) for p in (r["period"] for r in rows)}


def test_filters_with_variables(app: FastAPI, ledger_url: str) -> None:
    query = """query($f: [FilterInput!]) { query(metrics: [opportunities_created, pipeline_created],
        filters: $f) { rows } }"""
    rows = data(post(app, query, {"f": [{"dimension": "account.segment", "op": "in", "values": ["SMB"]},
                                        {"dimension": "opportunity.amount", "op": "gte", "value": 1000}]}))
    [(count, amount)] = hand_sql(ledger_url, """select count(*), sum(o.amount) from opportunities o
        join accounts a using (account_id) where a.segment in ('SMB') and o.amount >= 1000""")
    assert rows["query"]["rows"] == [{"opportunities_created": count, "pipeline_created": float(amount)}]


def test_saved_query_with_overrides(app: FastAPI, ledger_url: str) -> None:
    rows = data(post(app, """{ savedQuery(name: win_rate_by_product_by_fiscal_quarter,
        timeRange: {from: "2024-01-01", to: "2024-12-31"},
        filters: [{dimension: "opportunity.type", op: eq, value: "new_business"}]) { columns { name } rows } }"""))
    answer = rows["savedQuery"]
    assert [c["name"] for c in answer["columns"]] == ["period", "opportunity.product", "win_rate", "bookings"]
    hand = hand_sql(ledger_url, """select sum(amount) from opportunities where is_won and type = 'new_business'
        and closed_at between '2024-01-01' and '2024-12-31 23:59:59'""")
    assert sum(r["bookings"] or 0 for r in answer["rows"]) == float(hand[0][0])


def test_version_in_result_is_the_served_one(app: FastAPI) -> None:
    response = post(app, "{ query(metrics: [leads]) { version } version { stamp } }")
    body = data(response)
    assert body["query"]["version"] == body["version"]["stamp"] == response.json()["extensions"]["version"]


def test_max_rows_truncates_and_says_so(ledger_url: str) -> None:
    small = create_app(REPO, ledger_url, ServerSettings(max_rows=2), auth=TokenAuth())
    answer = data(post(small, """{ query(metrics: [bookings], dimensions: ["opportunity.name"]) {
        rows truncated } }"""))["query"]
    assert len(answer["rows"]) == 2 and answer["truncated"] is True


def test_largest_allowed_max_rows_still_answers(ledger_url: str) -> None:
    """The upper bound of max_rows must be a value the database driver accepts (a huge one broke every query)."""
    roomy = create_app(REPO, ledger_url, ServerSettings(max_rows=1_000_000), auth=TokenAuth())
    answer = data(post(roomy, "{ query(metrics: [bookings]) { rows truncated } }"))["query"]
    assert answer["rows"] and answer["truncated"] is False

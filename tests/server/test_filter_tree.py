"""GraphQL filter trees (and/or/not, metric conditions) against hand-written SQL on the tiny ledger."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI

from tests.server.conftest import data, get, post
from tests.server.tiny_ledger import hand_sql

QUERY = """query($f: [FilterInput!]) { query(metrics: [pipeline_created, opportunities_created],
    dimensions: ["account.segment"], filters: $f) { rows } }"""


def test_or_and_not_across_entities(app: FastAPI, ledger_url: str) -> None:
    tree = [{"or": [{"dimension": "account.segment", "value": "Enterprise"},
                    {"and": [{"dimension": "opportunity.type", "value": "expansion"},
                             {"not": {"dimension": "opportunity.product", "value": "Core"}}]}]}]
    rows = data(post(app, QUERY, {"f": tree}))["query"]["rows"]
    hand = hand_sql(ledger_url, """select a.segment, sum(o.amount), count(*) from opportunities o
        left join accounts a using (account_id)
        where a.segment = 'Enterprise' or (o.type = 'expansion' and o.product is distinct from 'Core')
        group by 1 order by 1""")
    assert [(r["account.segment"], r["pipeline_created"], r["opportunities_created"]) for r in rows] == \
        [(s, float(a), n) for s, a, n in hand]


def test_leaf_list_is_still_anded(app: FastAPI, ledger_url: str) -> None:
    leaves = [{"dimension": "account.segment", "value": "SMB"}, {"dimension": "opportunity.amount", "op": "gte",
                                                                 "value": 1000}]
    rows = data(post(app, QUERY, {"f": leaves}))["query"]["rows"]
    [(count,)] = hand_sql(ledger_url, """select count(*) from opportunities o join accounts a using (account_id)
        where a.segment = 'SMB' and o.amount >= 1000""")
    assert [r["opportunities_created"] for r in rows] == [count]


def test_metric_condition_keeps_rows_without_changing_numbers(app: FastAPI, ledger_url: str) -> None:
    everything = data(post(app, QUERY, {"f": []}))["query"]["rows"]
    kept = data(post(app, QUERY, {"f": [{"metric": "pipeline_created", "op": "gt", "value": 2000}]}))["query"]["rows"]
    hand = hand_sql(ledger_url, """select a.segment from opportunities o join accounts a using (account_id)
        group by 1 having sum(o.amount) > 2000 order by 1""")
    assert [r["account.segment"] for r in kept] == [s for (s,) in hand]
    assert kept == [r for r in everything if r["account.segment"] in {s for (s,) in hand}]


def test_mixing_metric_and_dimension_under_or_is_refused(app: FastAPI) -> None:
    tree = [{"or": [{"metric": "pipeline_created", "op": "gt", "value": 1}, {"dimension": "account.segment",
                                                                          "value": "SMB"}]}]
    body = post(app, QUERY, {"f": tree}).json()
    assert body["errors"][0]["extensions"]["code"] == "E_BAD_FILTER"


def test_a_group_needs_exactly_one_kind(app: FastAPI) -> None:
    tree = [{"and": [{"dimension": "account.segment", "value": "SMB"}],
             "or": [{"dimension": "account.segment", "value": "SMB"}]}]
    body = post(app, QUERY, {"f": tree}).json()
    assert body["errors"][0]["extensions"]["code"] == "E_BAD_FILTER"


def test_nesting_past_the_limit_is_refused(app: FastAPI) -> None:
    tree: dict = {"dimension": "account.segment", "value": "SMB"}
    for _ in range(70):
        tree = {"not": tree}
    body = post(app, QUERY, {"f": [tree]}).json()
    assert body["errors"][0]["extensions"]["code"] == "E_EXPRESSION_TOO_DEEP"


def test_plain_http_where_tree_and_metric_range(app: FastAPI, ledger_url: str) -> None:
    params = {"metrics": "opportunities_created,activities", "by": "account.segment",
              "where": "account.segment = 'SMB' or opportunity.type = 'expansion'",
              "metric_range": "opportunities_created=2024-01-01..2024-03-31"}
    response = get(app, f"/query.json?{urlencode(params)}")
    assert response.status_code == 200, response.text
    rows = {r["account.segment"]: (r["opportunities_created"], r["activities"]) for r in response.json()["rows"]}
    deals = dict(hand_sql(ledger_url, """select a.segment, count(*) from opportunities o
        left join accounts a using (account_id) where (a.segment = 'SMB' or o.type = 'expansion')
        and o.created_at >= '2024-01-01' and o.created_at < '2024-04-01' group by 1"""))
    # activities have no opportunity type to test, so the tree reaches them through their opportunity
    activities = dict(hand_sql(ledger_url, """select a.segment, count(*) from activities x
        left join accounts a on a.account_id = x.account_id left join opportunities o
        on o.opportunity_id = x.opportunity_id where a.segment = 'SMB' or o.type = 'expansion' group by 1"""))
    assert rows == {s: (deals.get(s, 0), activities.get(s, 0)) for s in set(deals) | set(activities)}


def test_plain_http_mixed_or_is_a_coded_400(app: FastAPI) -> None:
    params = {"metrics": "bookings", "where": "bookings > 1 or account.segment = 'SMB'"}
    response = get(app, f"/query.csv?{urlencode(params)}")
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "E_BAD_FILTER"


def test_graphql_metric_ranges(app: FastAPI, ledger_url: str) -> None:
    query = """{ query(metrics: [opportunities_created, pipeline_created],
        metricRanges: [{metric: "opportunities_created", timeRange: {from: "2024-04-01", to: "2024-06-30"}}])
        { rows } }"""
    [row] = data(post(app, query))["query"]["rows"]
    [(count,)] = hand_sql(ledger_url, "select count(*) from opportunities where created_at >= '2024-04-01' "
                                      "and created_at < '2024-07-01'")
    [(amount,)] = hand_sql(ledger_url, "select sum(amount) from opportunities")
    assert row == {"opportunities_created": count, "pipeline_created": float(amount)}


def test_graphql_metric_per_entity(app: FastAPI, ledger_url: str) -> None:
    tree = [{"not": {"metric": "activities", "by": "opportunity", "op": "gte", "value": 1,
                     "timeRange": {"from": "2024-02-01", "to": "2024-02-03"}}}]
    query = """query($f: [FilterInput!]) { query(metrics: [opportunities_created], filters: $f) { rows } }"""
    [row] = data(post(app, query, {"f": tree}))["query"]["rows"]
    [(count,)] = hand_sql(ledger_url, """select count(*) from opportunities o where not exists (select 1 from
        activities x where x.opportunity_id = o.opportunity_id and x.occurred_at >= '2024-02-01'
        and x.occurred_at < '2024-02-04')""")
    assert row == {"opportunities_created": count}

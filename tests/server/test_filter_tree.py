"""GraphQL filter trees (and/or/not, metric conditions) against hand-written SQL on the tiny ledger."""
from __future__ import annotations

from fastapi import FastAPI

from tests.server.conftest import data, post
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

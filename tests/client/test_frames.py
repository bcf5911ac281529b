"""Frames from the client equal the CSV endpoint's values and hand-written SQL, with typed columns."""
from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from datetime import date, datetime, timezone

import httpx
import pyarrow as pa
import pandas as pd
import polars as pl

from revenue_semantic_client import AsyncSemanticClient, SemanticClient
from server.auth import TokenAuth
from tests.client.conftest import serve
from tests.server.live import LiveServer
from tests.server.tiny_ledger import hand_sql

QUESTION = dict(grain="quarter", start="2024-01-01", end="2024-12-31", order_by=["period", "account.segment"])
METRICS, BY = ["bookings", "won_deals", "win_rate"], ["account.segment"]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_pandas_polars_and_arrow_frames_equal_the_csv_endpoint(live: LiveServer) -> None:
    with SemanticClient(live.url) as client:
        answer = client.query(METRICS, by=BY, **QUESTION)
        text = client.csv(METRICS, by=BY, **QUESTION)
    expected = csv_rows(text)
    frame = answer.to_pandas()
    assert len(frame) == len(expected) == 8  # 4 quarters x 2 segments (a spine: empty quarters are rows too)
    assert str(frame["period"].dtype).startswith("datetime64") and frame["won_deals"].dtype == pd.Int64Dtype()
    assert frame["bookings"].dtype == "float64" and frame["win_rate"].dtype == "float64"
    for got, want in zip(frame.to_dict("records"), expected):
        assert got["period"].date().isoformat() == want["period"]
        assert got["account.segment"] == want["account.segment"]
        assert got["bookings"] == float(want["bookings"]) and got["won_deals"] == int(want["won_deals"])
        assert (pd.isna(got["win_rate"]) and want["win_rate"] == "") or got["win_rate"] == float(want["win_rate"])
    polars = answer.to_polars()
    assert polars.schema == pl.Schema({"period": pl.Date, "account.segment": pl.String, "bookings": pl.Float64,
                                       "won_deals": pl.Int64, "win_rate": pl.Float64})
    assert [date.isoformat(d) for d in polars["period"]] == [r["period"] for r in expected]
    table = answer.to_arrow()
    assert table.schema.field("period").type == pa.date32()
    assert table.schema.field("bookings").metadata == {b"format": b"currency", b"label": b"Bookings"}


def test_frames_match_hand_sql(live: LiveServer, ledger_url: str) -> None:
    with SemanticClient(live.url) as client:
        frame = client.query(["bookings", "won_deals"], by=["account.segment"], start="2024-01-01",
                             end="2024-12-31", where="opportunity.type = 'new_business'",
                             order_by=["account.segment"]).to_polars()
    hand = hand_sql(ledger_url, """select a.segment, sum(o.amount)::double, count(*) from opportunities o
        join accounts a using (account_id) where o.is_won and o.type = 'new_business' group by 1 order by 1""")
    assert frame.rows() == [(segment, amount, count) for segment, amount, count in hand]


def test_empty_answers_keep_their_types(live: LiveServer) -> None:
    with SemanticClient(live.url) as client:
        answer = client.query(["won_deals"], by=["account.segment"], where="account.segment = 'Nobody'")
    assert answer.rows == [] and answer.to_polars().schema == pl.Schema({"account.segment": pl.String,
                                                                         "won_deals": pl.Int64})


def test_async_client_gives_the_same_answer_and_csv(live: LiveServer) -> None:
    async def ask() -> tuple:
        async with AsyncSemanticClient(live.url) as client:
            return await client.query(METRICS, by=BY, **QUESTION), await client.csv(METRICS, by=BY, **QUESTION)

    answer, text = asyncio.run(ask())
    with SemanticClient(live.url) as client:
        assert answer == client.query(METRICS, by=BY, **QUESTION)
    assert [r["bookings"] for r in csv_rows(text)] == [str(float(r["bookings"])) for r in answer.rows]


def test_token_saved_queries_and_graphql(ledger_url: str) -> None:
    auth = TokenAuth(frozenset({hashlib.sha256(b"notebook").hexdigest()}))
    with serve(ledger_url, auth) as server, SemanticClient(server.url, token="notebook") as client:
        answer = client.query(saved="activity_coverage_by_source", start="2024-01-01", end="2024-12-31")
        data = client.execute("query($m: [MetricName!]!) { query(metrics: $m) { rows } }", {"m": ["won_deals"]})
    hand = dict(hand_sql(ledger_url, "select source_system, count(*) from activities group by 1"))
    assert {r["activity.source_system"]: r["activities"] for r in answer.rows} == hand
    assert data["query"]["rows"] == [{"won_deals": 3}]  # deals 100, 102 and 104 are won


def test_a_shared_link_serves_what_the_token_holder_sees(ledger_url: str) -> None:
    auth = TokenAuth(frozenset({hashlib.sha256(b"notebook").hexdigest()}))
    with serve(ledger_url, auth, link_secret="k" * 32) as server, \
            SemanticClient(server.url, token="notebook") as client:
        link = client.share_link("activity_coverage_by_source", expires_in="1h")
        opened = httpx.get(link["url"])  # what a spreadsheet gets: no token, the signature is the credential
        assert opened.status_code == 200 and opened.text == client.csv(saved="activity_coverage_by_source")
        assert link["expires_at"] > datetime.now(timezone.utc).isoformat()


        async def mint_and_ask() -> tuple[dict[str, str], dict]:
            async with AsyncSemanticClient(server.url, token="notebook") as asynchronous:
                return (await asynchronous.share_link("activity_coverage_by_source", expires_in="30m"),
                        await asynchronous.execute("{ query(metrics: [won_deals]) { rows } }"))

        async_link, data = asyncio.run(mint_and_ask())
        assert httpx.get(async_link["url"]).text == opened.text and data["query"]["rows"] == [{"won_deals": 3}]

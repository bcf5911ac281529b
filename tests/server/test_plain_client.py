"""`SemanticClient.csv()` against a real uvicorn server: the same numbers as hand-written SQL, codes on error."""
from __future__ import annotations

import csv
import hashlib
import io

import pytest

from clients.python_client import ApiError, SemanticClient
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO
from tests.server.live import LiveServer
from tests.server.tiny_ledger import hand_sql


def test_csv_helper_matches_hand_sql(live: LiveServer, ledger_url: str) -> None:
    with SemanticClient(live.url) as client:
        text = client.csv(["bookings", "won_deals"], ["account.segment"], where="opportunity.type = 'new_business'",
                          order_by=["account.segment"], start="2024-01-01", end="2024-12-31")
        with pytest.raises(ApiError) as raised:
            client.csv(["bookings"], grain="hour")
    hand = hand_sql(ledger_url, """select a.segment, sum(o.amount), count(*) from opportunities o
        join accounts a using (account_id) where o.is_won and o.type = 'new_business' group by 1 order by 1""")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["account.segment"], float(r["bookings"]), int(r["won_deals"])) for r in rows] == \
        [(s, float(b), n) for s, b, n in hand]
    assert raised.value.code == "E_BAD_GRAIN" and "quarter" in raised.value.hint


def test_csv_helper_sends_the_token_and_runs_saved_queries(ledger_url: str) -> None:
    auth = TokenAuth(frozenset({hashlib.sha256(b"notebook").hexdigest()}))
    with LiveServer(create_app(REPO, ledger_url, ServerSettings(), auth=auth)) as server:
        with SemanticClient(server.url) as anonymous, pytest.raises(ApiError) as refused:
            anonymous.csv(["bookings"])
        with SemanticClient(server.url, token="notebook") as client:
            text = client.csv(saved="activity_coverage_by_source", start="2024-01-01", end="2024-12-31")
    assert refused.value.code == "E_UNAUTHORIZED"
    hand = dict(hand_sql(ledger_url, "select source_system, count(*) from activities group by 1"))
    assert {r["activity.source_system"]: int(r["activities"]) for r in csv.DictReader(io.StringIO(text))} == hand

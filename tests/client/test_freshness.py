"""Answers carry the data version and how fresh the data is, sync and async, for questions and saved queries.

The instants are the tiny ledger's newest rows (tests/server/tiny_ledger.py): deal 105 is the last deal
created (2024-05-01), activity 1002 the last activity (2024-05-02 09:30).
"""
from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from revenue_semantic_client import (AsyncSemanticClient, EntityFreshness, Freshness, SemanticClient,
                                     TransportError)
from tests.server.live import LiveServer

LAST_DEAL = datetime(2024, 5, 1)
LAST_ACTIVITY = datetime(2024, 5, 2, 9, 30)


def test_a_question_names_each_entitys_newest_row_and_the_stalest(live: LiveServer) -> None:
    with SemanticClient(live.url) as client:
        answer = client.query(["bookings", "activities"])
    assert answer.freshness == Freshness(LAST_DEAL, (EntityFreshness("activity", "occurred_at", LAST_ACTIVITY),
                                                     EntityFreshness("opportunity", "created_at", LAST_DEAL)))
    headers = httpx.get(f"{live.url}/query.json", params={"metrics": "bookings,activities"}).headers
    assert answer.data_version is not None and answer.data_version == headers["X-Semantic-Data-Version"]
    assert headers["X-Semantic-Data-Freshness"] == LAST_DEAL.isoformat()


def test_async_saved_query_reads_only_its_entities(live: LiveServer) -> None:
    async def ask() -> tuple:
        async with AsyncSemanticClient(live.url) as client:
            return await client.query(saved="activity_coverage_by_source"), await client.query(["bookings"])

    saved, bookings = asyncio.run(ask())
    assert saved.freshness == Freshness(LAST_ACTIVITY, (EntityFreshness("activity", "occurred_at", LAST_ACTIVITY),))
    assert bookings.freshness is not None and bookings.freshness.oldest == LAST_DEAL
    assert saved.data_version == bookings.data_version is not None  # one database file, unchanged between them


@pytest.mark.parametrize("freshness", [{"oldest": "yesterday", "entities": []}, {"oldest": None}])
def test_a_freshness_the_client_cannot_read_is_a_bad_answer(freshness: dict) -> None:
    body = {"columns": [], "rows": [], "version": "v", "data_version": None, "freshness": freshness}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with SemanticClient("http://api.test", transport=transport) as client, pytest.raises(TransportError) as caught:
        client.query(["bookings"])
    assert caught.value.code == "E_BAD_ANSWER" and caught.value.hint

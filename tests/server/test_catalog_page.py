"""The catalog page: what it shows (hand-read off a small fixture project), its charts' numbers (hand counts
on the tiny ledger), escaping of every free-text field, and its authentication."""
from __future__ import annotations

import asyncio
import re
from datetime import date
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.settings import ExecutionSettings
from server.app import create_app
from server.auth import TokenAuth
from server.catalog_charts import ChartCache, Series, recent_series, sparkline
from server.catalog_page import Catalog
from server.catalog_route import catalog_router
from server.questions import QuestionSlots
from server.settings import ServerSettings
from tests.server.conftest import app, get  # noqa: F401 - fixture
from tests.server.tiny_ledger import hand_sql

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "catalog"
MONTHS = ("2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01")
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def layer(ledger_url: str) -> SemanticLayer:
    """Today fixed at 2024-06-15: the charts cover December 2023 to June 2024."""
    return SemanticLayer.open(PROJECT, ledger_url, ExecutionSettings(today=date(2024, 6, 15)))


@pytest.fixture(scope="module")
def open_app(ledger_url: str) -> FastAPI:
    return create_app(PROJECT, ledger_url, ServerSettings(), auth=TokenAuth())


@pytest.fixture(scope="module")
def guarded_app(ledger_url: str) -> FastAPI:
    tokens = TokenAuth.load(environ={"SEMANTIC_API_TOKENS": "k1"})
    return create_app(PROJECT, ledger_url, ServerSettings(), auth=tokens)


def section(page: str, ident: str) -> str:
    return re.search(rf'<section id="{ident}">(.*?)</section>', page, re.S).group(1)


def row(page: str, ident: str) -> str:
    return re.search(rf'<tr id="{re.escape(ident)}">(.*?)</tr>', page, re.S).group(1)


def text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" ,", ",")


def test_charts_are_the_hand_counted_months(layer: SemanticLayer) -> None:
    # tiny ledger, closed_at by month: Feb won 1000.50; Mar lost 500; May won 2000 and 700; nothing else closed
    series, ran_all = recent_series(layer)
    assert ran_all
    assert series["bookings"] == Series(MONTHS, (0, 0, 1000.5, 0, 0, 2700, 0), "currency")
    assert series["won_deals"].values == (0, 0, 1, 0, 0, 2, 0)
    assert series["closed_deals"].values == (0, 0, 1, 1, 0, 2, 0)
    assert series["win_rate"].values == (None, None, 1.0, 0.0, None, 1.0, None)  # no closed deal: no rate
    assert series["bookings_per_win"].values == (None, None, 1000.5, None, None, 1350.0, None)


def test_charts_are_one_batched_question_cached_per_version(layer: SemanticLayer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, ...]] = []
    real = SemanticLayer.query

    def counting(self: SemanticLayer, question, cancel=None):  # noqa: ANN001
        asked.append(question.metrics)
        return real(self, question, cancel)

    monkeypatch.setattr(SemanticLayer, "query", counting)
    cache = ChartCache()
    first = cache.get(layer)
    assert cache.get(layer) is first
    assert asked == [("bookings", "won_deals", "closed_deals", "win_rate", "bookings_per_win")]


def test_a_batch_that_failed_to_run_is_asked_again(layer: SemanticLayer, monkeypatch: pytest.MonkeyPatch) -> None:
    real, calls = SemanticLayer.query, []

    def down_once(self: SemanticLayer, question, cancel=None):  # noqa: ANN001
        calls.append(question.metrics)
        if len(calls) == 1:
            raise SemanticError("E_DATABASE_UNAVAILABLE", "cannot open '/srv/secret/ledger.duckdb'", "retry")
        return real(self, question, cancel)

    monkeypatch.setattr(SemanticLayer, "query", down_once)
    cache = ChartCache()
    failed = cache.get(layer)["bookings"]
    assert failed.unavailable.startswith("E_DATABASE_UNAVAILABLE") and "/srv/secret" not in failed.unavailable
    assert cache.get(layer)["bookings"].values == (0, 0, 1000.5, 0, 0, 2700, 0)
    assert len(calls) == 2


def test_sparkline_points_are_scaled_from_zero() -> None:
    # 140 x 36 with a 3 px margin: x steps of 134 / 3; y = 33 - value / 10 * 30; the null splits the line
    svg = sparkline(Series(("a", "b", "c", "d"), (0.0, 10.0, None, 5.0), "integer"))
    assert re.findall(r'<polyline points="([^"]+)"', svg) == ["3.0,33.0 47.7,3.0"]
    assert re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg) == [("3.0", "33.0"), ("47.7", "3.0"),
                                                                       ("137.0", "18.0")]
    assert "<title>d: 5</title>" in svg


def test_a_metric_without_a_monthly_chart_says_why() -> None:
    html = sparkline(Series(unavailable="E_GRAIN_TOO_FINE: measure 'quota' is recorded per <fiscal quarter>"))
    assert "no monthly chart" in html and "&lt;fiscal quarter&gt;" in html and "<fiscal" not in html


def test_page_shows_metrics_lineage_owner_and_certification(layer: SemanticLayer) -> None:
    page = Catalog(layer, recent_series(layer)[0], None).html("/static", "/graphql")
    bookings = row(page, "metric-bookings")
    assert "certified" in text(bookings) and "not certified" not in text(bookings)
    assert "terms won_deal measures won_amount (opportunity) metrics none saved queries wins" in text(bookings)
    assert "<i>finance</i>" in text(bookings) and "2024-05-01: 2,700.00" in text(bookings)
    assert "won_count / closed_count" in text(row(page, "metric-win_rate"))
    per_win = text(row(page, "metric-bookings_per_win"))
    assert "bookings / won_deals" in per_win and "not certified" in per_win
    assert "measures won_amount (opportunity), won_count (opportunity) metrics bookings, won_deals" in per_win
    assert "Used by metrics" in section(page, "glossary")
    term = text(row(page, "term-won_deal"))
    assert "bookings, won_deals, win_rate, bookings_per_win" in term and "is_won and amount > 0" in term
    assert text(row(page, "saved-wins")).endswith("bookings, win_rate")


def test_stages_in_order_with_probability_and_forecast_category(layer: SemanticLayer) -> None:
    page = Catalog(layer, {}, None).html("/static", "/graphql")
    rows = [text(r) for r in re.findall(r"<tr>(.*?)</tr>", section(page, "stages").split("<tbody>")[1], re.S)]
    assert rows == ["1 Open <b>now</b> open 25% pipeline open Being worked.",
                    "2 closed_won 100% closed won Won.",
                    "3 closed_lost 0% omitted lost Lost."]


def test_version_and_the_place_for_freshness(layer: SemanticLayer) -> None:
    page = Catalog(layer, {}, "2024-06-15T08:00:00Z (opportunity)").html("/static", "/graphql")
    assert f'<code id="definitions-version">{layer.version}</code>' in page
    assert '<span id="data-freshness">2024-06-15T08:00:00Z (opportunity)</span>' in page
    assert '<a href="/graphql">GraphiQL</a>' in page
    without_ide = Catalog(layer, {}, None).html("/static", None)
    assert "not declared for the tables read" in without_ide and "GraphiQL" not in without_ide


def test_the_served_page_shows_the_stalest_newest_row(app: FastAPI, ledger_url: str) -> None:
    """The starter over the tiny ledger: its last deal was created 2024-05-01, its last activity on 2024-05-02
    (hand-written SQL agrees), and it has no leads or stage history to be stale by."""
    assert hand_sql(ledger_url, "select max(created_at) from opportunities")[0][0].isoformat() == "2024-05-01T00:00:00"
    page = get(app, "/catalog", HTML).text
    assert '<span id="data-freshness">2024-05-01T00:00:00 (opportunity)</span>' in page


def test_every_free_text_field_is_escaped(open_app: FastAPI) -> None:
    page = get(open_app, "/catalog", headers=HTML).text
    for hostile in ("<script>", "<img src=x", "<i>finance</i>", "<b>now</b>", "</td><script>", "<deal>"):
        assert hostile not in page
    for shown in ("&lt;script&gt;alert(&#x27;term&#x27;)&lt;/script&gt;",
                  "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", "&lt;i&gt;finance&lt;/i&gt;",
                  "Open &lt;b&gt;now&lt;/b&gt;", "finance &amp; ops"):
        assert shown in page
    assert page.count("<script") == 0  # the page runs no script at all


def test_busy_server_answers_503_with_retry_after(open_app: FastAPI) -> None:
    slots = QuestionSlots(1, 0)
    page_only = FastAPI()
    page_only.include_router(catalog_router(open_app.state.served, TokenAuth(), slots, graphiql=True))
    assert slots.try_acquire()  # the one slot is taken by another question
    response = get(page_only, "/catalog")
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["errors"][0]["extensions"]["code"] == "E_SERVER_BUSY"
    slots.release()
    assert get(page_only, "/catalog").status_code == 200


def test_open_when_the_server_has_no_tokens(open_app: FastAPI) -> None:
    response = get(open_app, "/catalog")
    assert response.status_code == 200 and response.headers["cache-control"] == "private, no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-semantic-version"] in response.text


def test_protected_like_the_api(guarded_app: FastAPI) -> None:
    program = get(guarded_app, "/catalog")
    assert program.status_code == 401 and program.json()["errors"][0]["extensions"]["code"] == "E_UNAUTHORIZED"
    browser = get(guarded_app, "/catalog", headers=HTML)
    assert browser.status_code == 401 and '<form method="post" action="/catalog/session">' in browser.text
    assert "bookings" not in browser.text and "won_deal" not in browser.text
    assert get(guarded_app, "/catalog", headers={"authorization": "Bearer k1"}).status_code == 200
    assert get(guarded_app, "/catalog", headers={"authorization": "Bearer k2"}).status_code == 401


def test_a_browser_signs_in_with_a_cookie_for_the_catalog_only(guarded_app: FastAPI) -> None:
    async def flow() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded_app), base_url="http://t") as client:
            wrong = await client.post("/catalog/session", data={"token": "k2"}, headers=HTML)
            right = await client.post("/catalog/session", data={"token": "k1"})
            page = await client.get("/catalog", headers=HTML)
            api = await client.post("/graphql", json={"query": "{ version { stamp } }"})
            return [wrong, right, page, api]

    wrong, right, page, api = asyncio.run(flow())
    assert wrong.status_code == 401 and "That token was not accepted." in wrong.text
    assert "set-cookie" not in wrong.headers
    assert right.status_code == 303 and right.headers["location"] == "/catalog"
    cookie = right.headers["set-cookie"].lower()
    assert all(flag in cookie for flag in ("httponly", "samesite=strict", "path=/catalog"))
    assert page.status_code == 200 and "bookings" in page.text
    assert api.status_code == 401  # the cookie opens the catalog page, not the API

"""`/query.csv` and `/query.json` give the numbers hand-written SQL gives on the tiny ledger, unformatted."""
from __future__ import annotations

import csv
import io
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from starlette.datastructures import QueryParams

from server.app import create_app
from server.auth import TokenAuth
from server.plain_query import PARAMETERS, question_from_params
from server.settings import ServerSettings
from server.state import build_served
from tests.server.conftest import REPO, get
from tests.server.test_query import BY_SEGMENT
from tests.server.tiny_ledger import hand_sql

HOSTILE = "account.segment = 'x'' or 1=1; drop table opportunities; --'"


def table(response: httpx.Response) -> list[dict[str, str]]:
    """The CSV body as dicts, after checking the response is a successful CSV answer."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-semantic-version"] and response.headers["x-semantic-truncated"] == "false"
    return list(csv.DictReader(io.StringIO(response.text)))


def ask(app: FastAPI, endpoint: str, **params: object) -> httpx.Response:
    return get(app, f"/query.{endpoint}?{urlencode(params, doseq=True)}")


def test_csv_by_dimension_matches_hand_sql(app: FastAPI, ledger_url: str) -> None:
    response = ask(app, "csv", metrics="bookings,win_rate", by="account.segment", order_by="account.segment")
    assert response.headers["content-disposition"] == 'inline; filename="bookings.csv"'
    assert response.text.splitlines()[0] == "account.segment,bookings,win_rate"  # the GraphQL row keys
    expected = [{"account.segment": s, "bookings": float(b), "win_rate": float(w)}
                for s, b, w in hand_sql(ledger_url, BY_SEGMENT)]
    rows = table(response)
    assert [{**r, "bookings": float(r["bookings"]), "win_rate": float(r["win_rate"])} for r in rows] == expected
    assert response.headers["x-semantic-version"] == get(app, "/health").json()["version"]


def test_json_with_grain_and_dates(app: FastAPI, ledger_url: str) -> None:
    response = ask(app, "json", metrics="bookings", grain="month", **{"from": "2024-01-01", "to": "2024-06-30"})
    body = response.json()
    assert set(body) == {"columns", "rows", "version", "data_version", "freshness", "truncated", "sql", "params",
                         "warnings"}
    assert body["truncated"] is False and body["warnings"] == []
    assert [c["name"] for c in body["columns"]] == ["period", "bookings"]
    assert body["version"] == response.headers["x-semantic-version"]
    hand = dict(hand_sql(ledger_url, """select strftime(date_trunc('month', closed_at), '%Y-%m-%d'), sum(amount)
        from opportunities where is_won and closed_at >= '2024-01-01' and closed_at < '2024-07-01' group by 1"""))
    assert body["rows"] == [{"period": f"2024-0{m}-01", "bookings": float(hand.get(f"2024-0{m}-01", 0))}
                            for m in range(1, 7)]


def test_repeated_and_comma_separated_parameters_agree(app: FastAPI) -> None:
    repeated = ask(app, "csv", metrics=["won_deals", "lost_deals"], by=["rep.team", "account.segment"])
    joined = ask(app, "csv", metrics="won_deals,lost_deals", by="rep.team,account.segment")
    assert table(repeated) == table(joined) and len(table(joined)) > 1


def test_where_order_by_and_limit(app: FastAPI, ledger_url: str) -> None:
    rows = table(ask(app, "csv", metrics="pipeline_created", by="opportunity.name", order_by="pipeline_created:desc",
                     limit=2, where=["account.segment in ('SMB')", "opportunity.amount >= 1000"]))
    hand = hand_sql(ledger_url, """select o.name, sum(o.amount) from opportunities o join accounts a
        using (account_id) where a.segment in ('SMB') and o.amount >= 1000 group by 1 order by 2 desc limit 2""")
    assert [(r["opportunity.name"], float(r["pipeline_created"])) for r in rows] == [(n, float(a)) for n, a in hand]


def test_saved_query_with_overrides_and_empty_nulls(app: FastAPI, ledger_url: str) -> None:
    response = ask(app, "csv", saved="win_rate_by_product_by_fiscal_quarter", where="opportunity.type = 'new_business'",
                   **{"from": "2024-01-01", "to": "2024-12-31"})
    assert response.headers["content-disposition"] == 'inline; filename="win_rate.csv"'
    rows = table(response)
    assert list(rows[0]) == ["period", "opportunity.product", "win_rate", "bookings"]
    [(won,)] = hand_sql(ledger_url, """select sum(amount) from opportunities where is_won and type = 'new_business'
        and closed_at between '2024-01-01' and '2024-12-31 23:59:59'""")
    assert sum(float(r["bookings"] or 0) for r in rows) == float(won)
    assert all(date.fromisoformat(r["period"]) for r in rows)  # ISO dates
    assert any(r["win_rate"] == "" for r in rows)  # a quarter with no closed deal: NULL, not 0 or "None"


@pytest.fixture(scope="module")
def in_may_2024(ledger_url: str) -> FastAPI:
    """An app whose 'today' is fixed, so relative ranges over the 2024 ledger are reproducible."""
    pinned = create_app(REPO, ledger_url, ServerSettings(), auth=TokenAuth())
    layer = pinned.state.served.current.layer
    layer.settings = replace(layer.settings, today=date(2024, 5, 10))
    return pinned


def test_relative_range_and_saved_range_override(in_may_2024: FastAPI, ledger_url: str) -> None:
    recent = table(ask(in_may_2024, "csv", metrics="activities", by="activity.source_system", range="last_90_days"))
    assert [(r["activity.source_system"], int(r["activities"])) for r in recent] == [("truly", 1)]  # by hand
    saved = table(ask(in_may_2024, "csv", saved="activity_coverage_by_source"))  # its own range: last 90 days
    whole_year = table(ask(in_may_2024, "csv", saved="activity_coverage_by_source", range="this_year"))
    assert [r["activity.source_system"] for r in saved] == ["truly"]
    hand = dict(hand_sql(ledger_url, "select source_system, count(*) from activities group by 1"))
    assert {r["activity.source_system"]: int(r["activities"]) for r in whole_year} == hand


def test_hostile_where_stays_a_bound_parameter(app: FastAPI, ledger_url: str) -> None:
    rows = table(ask(app, "csv", metrics="bookings", by="account.segment", where=HOSTILE))
    assert rows == []
    assert hand_sql(ledger_url, "select count(*) from opportunities") == [(6,)]
    layer = app.state.served.current.layer
    compiled = layer.compile(question_from_params(layer, QueryParams({"metrics": "bookings", "where": HOSTILE})))
    assert "x' or 1=1; drop table opportunities; --" in compiled.params.values()
    assert "drop table" not in compiled.sql.lower()


def test_max_rows_truncates_and_says_so(ledger_url: str) -> None:
    small = create_app(REPO, ledger_url, ServerSettings(max_rows=2), auth=TokenAuth())
    response = ask(small, "csv", metrics="bookings", by="opportunity.name")
    assert response.headers["x-semantic-truncated"] == "true"
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 2
    body = ask(small, "json", metrics="bookings", by="opportunity.name").json()
    assert body["truncated"] is True and len(body["rows"]) == 2


def test_request_in_flight_keeps_its_version(project_dir: Path, ledger_url: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload landing while a query runs: the answer and its header still come from the old version."""
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
    ref = app.state.served
    old = ref.current
    metrics = project_dir / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("    measure: won_amount\n",
                                                   "    measure: won_amount\n    filter: amount >= 1000\n", 1))
    new = build_served(project_dir, ledger_url, ServerSettings())
    run, threads = old.layer.query, []

    def query_then_reload(question: object) -> object:
        threads.append(threading.current_thread())
        result = run(question)
        ref.swap(new)
        return result

    monkeypatch.setattr(old.layer, "query", query_then_reload)
    first = ask(app, "json", metrics="bookings")
    second = ask(app, "json", metrics="bookings")
    assert threads[0] is not threading.main_thread()  # the blocking call ran in the thread pool
    [(everything,)] = hand_sql(ledger_url, "select sum(amount) from opportunities where is_won")
    [(big,)] = hand_sql(ledger_url, "select sum(amount) from opportunities where is_won and amount >= 1000")
    assert first.headers["x-semantic-version"] == first.json()["version"] == old.version
    assert first.json()["rows"] == [{"bookings": float(everything)}]
    assert second.headers["x-semantic-version"] == second.json()["version"] == new.version != old.version
    assert second.json()["rows"] == [{"bookings": float(big)}]


def test_every_parameter_is_documented() -> None:
    section = (REPO / "docs" / "api.md").read_text().split("## CSV and JSON over plain HTTP")[1].split("\n## ")[0]
    assert [name for name in PARAMETERS if f"`{name}`" not in section] == []

"""Shares, ranks and the DimensionName enum through GraphQL and plain HTTP (tests/server/tiny_ledger.py).

Won deals: 100 Acme (Enterprise, Ada) 1,000.50 | 102 Bolt (SMB, Bo) 2,000 | 104 Cog (SMB, Bo) 700, so bookings
are Enterprise 1,000.50 and SMB 2,700 (3,700.50 in all); Bo 2,700 ranks first, Ada 1,000.50 second.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings

from tests.server.conftest import data, error, post
from tests.server.test_plain_errors import refusal
from tests.server.test_plain_http import ask

TOTAL = 1000.50 + 2000 + 700


def test_graphql_share_of_the_whole_answer_with_enum_dimensions(app: FastAPI) -> None:
    body = data(post(app, "{ query(metrics: [bookings], by: [account__segment], shareOf: []) "
                          "{ columns { name format } rows } }"))["query"]
    assert [(c["name"], c["format"]) for c in body["columns"]] == [
        ("account.segment", None), ("bookings", "currency"), ("bookings_share", "percent")]
    shares = {r["account.segment"]: r["bookings_share"] for r in body["rows"]}
    assert shares == pytest.approx({"Enterprise": 1000.50 / TOTAL, "SMB": 2700 / TOTAL})


def test_graphql_rank_and_top(app: FastAPI) -> None:
    body = data(post(app, "{ query(metrics: [bookings], dimensions: [\"rep.name\"], rankBy: bookings, top: 1) "
                          "{ rows } }"))["query"]
    assert body["rows"] == [{"rep.name": "Bo", "bookings": 2700, "bookings_rank": 1}]


def test_graphql_refuses_a_share_of_a_ratio(app: FastAPI) -> None:
    err = error(post(app, "{ query(metrics: [win_rate], dimensions: [\"rep.name\"], shareOf: []) { rows } }"))
    assert err["extensions"]["code"] == "E_BAD_REQUEST" and "not meaningful" in err["message"]


def test_dimension_names_enum_lists_dimensions_and_date_parts(app: FastAPI) -> None:
    body = data(post(app, '{ __type(name: "DimensionName") { enumValues { name description } } }'))
    values = {v["name"]: v["description"] for v in body["__type"]["enumValues"]}
    assert "account__segment" in values
    assert "Monday" in values["opportunity__created_at__day_of_week"]
    rows = data(post(app, "{ query(metrics: [opportunities_created], by: [opportunity__created_at__month_of_year]) "
                          "{ rows } }"))["query"]["rows"]
    assert rows == [{"opportunity.created_at.month_of_year": 1, "opportunities_created": 2},   # 100, 101
                    {"opportunity.created_at.month_of_year": 3, "opportunities_created": 1},   # 102
                    {"opportunity.created_at.month_of_year": 4, "opportunities_created": 2},   # 103, 104
                    {"opportunity.created_at.month_of_year": 5, "opportunities_created": 1}]   # 105


def test_plain_http_share_and_rank(app: FastAPI) -> None:
    body = ask(app, "json", metrics="bookings", by="rep.name", share_of="total", rank_by="bookings").json()
    assert [c["name"] for c in body["columns"]] == ["rep.name", "bookings", "bookings_share", "bookings_rank"]
    assert [(r["rep.name"], r["bookings_rank"]) for r in body["rows"]] == [("Bo", 1), ("Ada", 2)]
    assert sum(r["bookings_share"] for r in body["rows"]) == pytest.approx(1)
    assert "whole number" in refusal(ask(app, "json", metrics="bookings", by="rep.name", rank_by="bookings",
                                         top="five"), 400, "E_BAD_REQUEST")["message"]
    assert "cannot be combined" in refusal(ask(app, "csv", metrics="bookings", by="rep.name",
                                               share_of="total,rep.name"), 400, "E_BAD_REQUEST")["message"]


def test_documented_top_reps_example_runs(app: FastAPI) -> None:
    """The docs/api.md example, on the tiny ledger (2024 deals: `from`/`to` instead of this_year)."""
    body = data(post(app, '{ query(metrics: [bookings], by: [rep__region, rep__name], '
                          'timeRange: {from: "2024-01-01", to: "2024-12-31"}, shareOf: ["rep.region"], '
                          'rankBy: bookings, rankWithin: ["rep.region"], top: 2, '
                          'orderBy: [{column: "bookings_share", descending: true}, {column: "rep.region"}]) '
                          '{ rows } }'))["query"]
    # Ada (NA) is alone in her region, Bo (EMEA) too: both rank 1 with the whole region's bookings
    assert body["rows"] == [
        {"rep.region": "EMEA", "rep.name": "Bo", "bookings": 2700, "bookings_share": 1.0, "bookings_rank": 1},
        {"rep.region": "NA", "rep.name": "Ada", "bookings": 1000.5, "bookings_share": 1.0, "bookings_rank": 1}]


def test_catalogue_shows_share_and_rank_metrics(project_dir: Path, ledger_url: str) -> None:
    """A share and a rank metric in the catalogue: their formula in words, and SQL sliced by their `within`."""
    (project_dir / "definitions").mkdir()
    (project_dir / "definitions" / "extra.yaml").write_text(
        "metrics:\n  bookings_rank_in_team: {type: rank, metric: bookings, within: [rep.team]}\n"
        "  bookings_share: {type: share, metric: bookings}\n")
    app = create_app(project_dir, ledger_url, ServerSettings(), auth=TokenAuth())
    body = data(post(app, "{ r: metric(name: bookings_rank_in_team) { formula format sql } "
                          "s: metric(name: bookings_share) { formula format } }"))
    assert body["r"]["formula"] == "rank, highest first, by bookings within rep.team (each period)"
    assert body["r"]["format"] == "integer" and "RANK() OVER (PARTITION BY rep__team" in body["r"]["sql"]
    assert (body["s"]["formula"], body["s"]["format"]) == ("share of the total of bookings (each period)", "percent")


def test_saved_queries_list_their_share_and_rank_options(app: FastAPI) -> None:
    body = data(post(app, "{ savedQueries { name shareOf rankBy rankWithin top } }"))
    saved = {q["name"]: q for q in body["savedQueries"]}
    assert saved["top_reps_by_region"] == {"name": "top_reps_by_region", "shareOf": ["rep.region"],
                                           "rankBy": "bookings", "rankWithin": ["rep.region"], "top": 5}
    assert saved["pipeline_share_by_deal_type"]["shareOf"] == []
    assert saved["forecast_this_quarter"]["shareOf"] is None

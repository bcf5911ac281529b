"""`semantic funnel` and `semantic waterfall` with `--as-role/--claim` answer as the server answers that caller.

The rep role of the starter policies.yaml keeps the rows of their own region. Funnel counts (the small ledger,
tests/fixtures/ledger_small.py, leads created 2025-01-01 .. 2025-11-15): the NA leads are those whose contact's
account is in NA, 3 (Initech), 6 and 14 (Acme); each became an MQL within 30 days of being created (24, 7 and 8
days) and an SQL within 30 days of that (17, 23 and 4 days), so 3 / 3 / 3. The EMEA lead is 10 (Umbrella): MQL
after 14 days, SQL 17 days later, so 1 / 1 / 1.

Waterfall buckets: the hand-built history of tests/fixtures/history_waterfall.py with the deals of NA_DEALS
owned by Ada (NA) and the rest by Bo (EMEA); NA's buckets are the per-deal buckets of that file's docstring
summed over NA_DEALS (see NA_BUCKETS).
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from semantic.access import Caller
from semantic.cli import app
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.fixtures import history_waterfall
from tests.fixtures.rows import load_rows

REPO = Path(__file__).resolve().parents[2]
FUNNEL_RANGE = ("--from", "2025-01-01", "--to", "2025-11-15")
WINDOW = ("--from", "2025-10-01", "--to", "2025-11-15", "--close-from", "2025-10-01", "--close-to", "2025-12-31")
NA_DEALS = {201, 202, 204, 206, 207, 208, 209, 211, 217, 220}
# bucket: (deals, count, amount) over NA_DEALS, from the docstring's table of history_waterfall.py:
# start 201 10 000, 202 20 000, 204 15 000, 206 12 000, 207 18 000, 217 5 500; created 209; reopened 211;
# pulled in 208 7 000, 220 3 500; increased 202 +5 000; won 204; lost 206, 220; pushed out 207; pulled out 217;
# end 201 10 000, 202 25 000, 208 7 000, 209 5 000, 211 6 000.
NA_BUCKETS = {"start": (6, 6, 80_500), "created": (1, 1, 5_000), "reopened": (1, 1, 6_000),
              "pulled_in": (2, 2, 10_500), "pushed_in": (0, 0, 0), "increased": (1, 0, 5_000),
              "decreased": (0, 0, 0), "won": (1, -1, -15_000), "lost": (2, -2, -15_500),
              "pushed_out": (1, -1, -18_000), "pulled_out": (1, -1, -5_500), "end": (5, 5, 53_000)}
REP_NA = ("--as-role", "rep", "--claim", "region=NA")


@pytest.fixture(scope="module")
def two_regions(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The waterfall history with a second rep in EMEA owning every deal outside NA_DEALS."""
    rows = dict(history_waterfall.TABLE_ROWS)
    bo = dict(rows["reps"][0], rep_id=2, name="Bo", email="bo@example.test", region="EMEA")
    rows["reps"] = [*rows["reps"], bo]
    rows["opportunities"] = [dict(o, owner_rep_id=1 if o["opportunity_id"] in NA_DEALS else 2)
                             for o in rows["opportunities"]]
    url = f"duckdb:///{tmp_path_factory.mktemp('preview_waterfall') / 'ledger.duckdb'}"
    load_rows(url, rows)
    return url


def run(database: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--project", str(REPO), "--database", database,
                                      "--today", "2025-11-15"])
    return result.exit_code, result.stdout, result.stderr


def funnel_counts(database: str, *args: str) -> list[int]:
    code, out, err = run(database, "funnel", "lead_funnel", *FUNNEL_RANGE, "--format", "csv", *args)
    assert code == 0, err
    return [int(r["count"]) for r in csv.DictReader(io.StringIO(out))]


def waterfall_buckets(database: str, *args: str) -> dict[str, tuple[int, int, float]]:
    code, out, err = run(database, "waterfall", *WINDOW, "--format", "json", *args)
    assert code == 0, err
    return {r["bucket"]: (r["deals"], r["count"], r["amount"]) for r in json.loads(out)["rows"]}


def test_funnel_counts_only_the_roles_region(small_ledger: str) -> None:
    assert funnel_counts(small_ledger, *REP_NA) == [3, 3, 3]
    assert funnel_counts(small_ledger, "--as-role", "rep", "--claim", "region=EMEA") == [1, 1, 1]
    # unrestricted: the 11 leads of 2 .. 14 that are not duplicates (4 and 11 are)
    assert funnel_counts(small_ledger)[0] == 11


def test_waterfall_buckets_only_the_roles_region(two_regions: str) -> None:
    assert waterfall_buckets(two_regions, *REP_NA) == NA_BUCKETS
    everyone = waterfall_buckets(two_regions)  # the docstring's totals of history_waterfall.py
    assert everyone["start"] == (12, 12, 159_500) and everyone["end"] == (11, 11, 113_700)


def test_the_deals_of_a_bucket_and_the_sql_are_the_roles(two_regions: str) -> None:
    code, out, _ = run(two_regions, "waterfall", *WINDOW, "--deals", "lost", "--format", "csv", *REP_NA)
    assert code == 0 and sorted(r["id"] for r in csv.DictReader(io.StringIO(out))) == ["206", "220"]
    code, out, _ = run(two_regions, "waterfall", "--sql", *REP_NA)
    assert code == 0 and "row policy" in out and "'NA'" in out
    code, out, _ = run(two_regions, "funnel", "lead_funnel", "--sql", "--dialect", "postgresql", *REP_NA)
    assert code == 0 and "row policy" in out and "'NA'" in out.split("-- parameters:")[1]


@pytest.mark.parametrize("command, hidden", [
    (("funnel", "lead_funnel", *FUNNEL_RANGE), ("--where", "rep.quota_amount > 0")),
    (("waterfall", *WINDOW), ("--by", "rep.quota_amount"))])
def test_refusals(small_ledger: str, command: tuple[str, ...], hidden: tuple[str, str]) -> None:
    code, _, err = run(small_ledger, *command, "--as-role", "auditor")  # a role policies.yaml does not define
    assert code == 1 and "E_ACCESS_DENIED" in err and "hint:" in err and "Traceback" not in err
    code, _, err = run(small_ledger, *command, *hidden, *REP_NA)  # the rep role hides rep.quota_amount
    assert code == 1 and "E_UNKNOWN_DIMENSION" in err and "rep.quota_amount" in err.split("hint:")[0]
    code, _, err = run(small_ledger, *command, "--claim", "region=NA")
    assert code == 2 and "--claim needs --as-role" in err
    code, _, err = run(small_ledger, *command, "--as-role", "rep")  # the rule reads {claims.region}
    assert code == 1 and "E_ACCESS_CLAIM" in err


class AsCaller:
    """The app with `caller` where the authentication middleware leaves it."""

    def __init__(self, app: Any, caller: Caller) -> None:
        self.app, self.caller = app, caller

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["caller"] = self.caller
        await self.app(scope, receive, send)


def ask_server(database: str, caller: Caller, path: str, graphql: str | None = None) -> dict:
    """The server's JSON answer to `caller` (a GET of `path`, or a GraphQL document posted to it)."""
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=AsCaller(create_app(REPO, database, ServerSettings(), auth=TokenAuth()),
                                                     caller))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            if graphql is not None:
                return await client.post(path, json={"query": graphql})
            return await client.get(path)
    return asyncio.run(send()).json()


ADA = Caller("ada", frozenset({"rep"}), {"region": "NA"})
AUDITOR = Caller("x", frozenset({"auditor"}))


def test_the_server_answers_that_caller_alike(two_regions: str, small_ledger: str) -> None:
    window = "/waterfall.json?from=2025-10-01&to=2025-11-15&close_from=2025-10-01&close_to=2025-12-31"
    body = ask_server(two_regions, ADA, window)
    assert {r["bucket"]: (r["deals"], r["count"], r["amount"]) for r in body["rows"]} == NA_BUCKETS
    funnel = '{ funnel(name: lead_funnel, timeRange: {from: "2025-01-01", to: "2025-11-15"}) { rows } }'
    body = ask_server(small_ledger, ADA, "/graphql", funnel)
    assert [r["count"] for r in body["data"]["funnel"]["rows"]] == funnel_counts(small_ledger, *REP_NA)
    for database, args, caller, path, graphql, code in [
            (two_regions, ("waterfall", *WINDOW, "--as-role", "auditor"), AUDITOR, window, None, "E_ACCESS_DENIED"),
            (two_regions, ("waterfall", *WINDOW, "--by", "rep.quota_amount", *REP_NA), ADA,
             f"{window}&by=rep.quota_amount", None, "E_UNKNOWN_DIMENSION"),
            (small_ledger, ("funnel", "lead_funnel", "--as-role", "auditor"), AUDITOR, "/graphql", funnel,
             "E_ACCESS_DENIED")]:
        assert ask_server(database, caller, path, graphql)["errors"][0]["extensions"]["code"] == code
        assert f"[{code}]" in run(database, *args)[2], args

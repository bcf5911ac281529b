"""CSV cells a spreadsheet would run as formulas are escaped by default; numbers stay numbers; opt-out works."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from semantic.csv_safety import escape_formula
from server.settings import ServerSettings
from tests.server.conftest import REPO, get
from tests.server.tiny_ledger import write_tiny_ledger

# Segments as a hostile CRM might hold them; account 12's won deal (700) keeps its segment 'SMB'.
HOSTILE_SEGMENTS = {10: "=HYPERLINK(\"http://x.test\")", 11: "@SUM(1)"}


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny ledger with formula-like segments and one won deal of a negative amount (a credit note)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    write_tiny_ledger(Path(path))
    with duckdb.connect(str(path)) as conn:
        for account_id, segment in HOSTILE_SEGMENTS.items():
            conn.execute("update accounts set segment = ? where account_id = ?", [segment, account_id])
        conn.execute("update opportunities set amount = -1000.50 where opportunity_id = 100")
    return f"duckdb:///{path}"


def app_for(url: str, **settings: object) -> FastAPI:
    return create_app(REPO, url, ServerSettings(**settings), auth=TokenAuth())


def cells(app: FastAPI, path: str) -> dict[str, str]:
    response = get(app, path)
    assert response.status_code == 200, response.text
    return {r["account.segment"]: r["bookings"] for r in csv.DictReader(io.StringIO(response.text))}


# Won deals by hand: account 10 (100: -1000.50), account 11 (102: 2000), account 12 (104: 700).
EXPECTED_RAW = {"=HYPERLINK(\"http://x.test\")": "-1000.5", "@SUM(1)": "2000.0", "SMB": "700.0"}


def test_formula_text_is_escaped_by_default_and_negative_numbers_are_not(hostile_url: str) -> None:
    got = cells(app_for(hostile_url), "/query.csv?metrics=bookings&by=account.segment")
    assert got == {"'=HYPERLINK(\"http://x.test\")": "-1000.5", "'@SUM(1)": "2000.0", "SMB": "700.0"}


def test_opt_out_by_parameter_and_by_setting(hostile_url: str) -> None:
    guarded = app_for(hostile_url)
    assert cells(guarded, "/query.csv?metrics=bookings&by=account.segment&escape_formulas=false") == EXPECTED_RAW
    raw = app_for(hostile_url, csv_escape_formulas=False)
    assert cells(raw, "/query.csv?metrics=bookings&by=account.segment") == EXPECTED_RAW
    assert "'@SUM(1)" in cells(raw, "/query.csv?metrics=bookings&by=account.segment&escape_formulas=true")


def test_waterfall_csv_is_guarded_too(hostile_url: str) -> None:
    response = get(app_for(hostile_url), "/waterfall.csv?from=2024-01-01&to=2024-12-31&by=account.segment"
                                         "&close_from=2024-01-01&close_to=2024-12-31")
    assert response.status_code == 200, response.text
    created = {r["account.segment"]: r["amount"] for r in csv.DictReader(io.StringIO(response.text))
               if r["bucket"] == "created"}
    assert created == {"'@SUM(1)": "1500.0", "SMB": "3000.0"}  # open deals 105 (account 11) and 103 (account 12)


def test_bad_opt_out_values_are_refused_and_json_does_not_take_it(hostile_url: str) -> None:
    app = app_for(hostile_url)
    bad = get(app, "/query.csv?metrics=bookings&escape_formulas=no")
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["code"] == "E_BAD_REQUEST"
    assert "true or false" in bad.json()["errors"][0]["message"]
    json_answer = get(app, "/query.json?metrics=bookings&escape_formulas=false")
    assert json_answer.status_code == 400 and "escape_formulas" in json_answer.text


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), (-5, -5), (-0.5, -0.5), (None, None),
])
def test_escape_rule(value: object, expected: object) -> None:
    assert escape_formula(value) == expected

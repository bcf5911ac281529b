"""Signed links open exactly one saved query's CSV, without headers, until they expire; anything else is refused."""
from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from semantic.cli import app as cli
from semantic.share_links import lifetime, sign
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import copy_project
from tests.server.tiny_ledger import hand_sql

SECRET = "s" * 40
TOKEN = "analyst"
SAVED = "bookings_2024_by_segment"
SAVED_YAML = f"""saved_queries:
  {SAVED}:
    label: Bookings by segment, 2024
    description: Won amount and won deals per account segment in 2024.
    metrics: [bookings, won_deals]
    dimensions: [account.segment]
    time_range: {{from: "2024-01-01", to: "2024-12-31"}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter project plus a saved query over a fixed range (the starter ones are relative to today)."""
    target = copy_project(tmp_path_factory.mktemp("links"))
    metrics = target / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("saved_queries:\n", SAVED_YAML, 1))
    return target


def make_app(project: Path, ledger_url: str, secret: str = SECRET) -> FastAPI:
    auth = TokenAuth(frozenset({hashlib.sha256(TOKEN.encode()).hexdigest()}))
    return create_app(project, ledger_url, ServerSettings(link_secret=secret, link_max_days=30), auth=auth)


def call(app: FastAPI, method: str, path: str, **kwargs: object) -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sheets.test") as client:
            return await client.request(method, path, **kwargs)  # type: ignore[arg-type]
    return asyncio.run(send())


def code_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["extensions"]["code"]


def mint(app: FastAPI, **body: object) -> httpx.Response:
    return call(app, "POST", "/shared-links", json=body, headers={"Authorization": f"Bearer {TOKEN}"})


def test_a_minted_link_opens_the_saved_query_without_a_token(project: Path, ledger_url: str) -> None:
    app = make_app(project, ledger_url)
    minted = mint(app, saved=SAVED, expires_in="2d")
    assert minted.status_code == 200, minted.text
    body = minted.json()
    assert body["url"] == "http://sheets.test" + body["path"] and body["saved"] == SAVED
    expires = int(parse_qs(urlsplit(body["path"]).query)["expires"][0])
    assert abs(expires - (time.time() + 2 * 86400)) < 60
    answer = call(app, "GET", body["path"])  # no Authorization header, as IMPORTDATA sends
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["x-semantic-version"]
    hand = hand_sql(ledger_url, """select a.segment, sum(o.amount)::double, count(*) from opportunities o
        join accounts a using (account_id) where o.is_won and o.close_date between '2024-01-01' and '2024-12-31'
        group by 1 order by 1""")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sorted((r["account.segment"], float(r["bookings"]), int(r["won_deals"])) for r in rows) == hand


def test_minting_needs_the_token_and_a_known_saved_query(project: Path, ledger_url: str) -> None:
    app = make_app(project, ledger_url)
    assert call(app, "POST", "/shared-links", json={"saved": SAVED}).status_code == 401
    assert code_of(mint(app, saved="bookings_2024_by_segmnt")) == (400, "E_UNKNOWN_SAVED_QUERY")
    assert code_of(mint(app, saved=SAVED, expires_in="forever")) == (400, "E_BAD_REQUEST")
    assert code_of(mint(app, saved=SAVED, expires_in="31d")) == (400, "E_BAD_REQUEST")  # link_max_days is 30
    assert code_of(mint(app, saved=SAVED, where="x")) == (400, "E_BAD_REQUEST")
    bad_json = call(app, "POST", "/shared-links", content=b"{", headers={"Authorization": f"Bearer {TOKEN}"})
    assert code_of(bad_json) == (400, "E_BAD_REQUEST")


def test_tampered_expired_and_foreign_links_are_refused(project: Path, ledger_url: str) -> None:
    app = make_app(project, ledger_url)
    good = sign(SECRET, SAVED, int(time.time()) + 3600)
    other = sign(SECRET, "forecast_call", good.expires)
    tampered = {
        "another saved query": good.path.replace(SAVED, "forecast_call", 1),
        "a later expiry": good.path.replace(str(good.expires), str(good.expires + 86400)),
        "another signature": good.path.replace(good.signature, other.signature),
        "no signature": good.path.split("&signature=")[0],
        "another secret": sign("t" * 40, SAVED, good.expires).path,
        "a non-ASCII signature": good.path.replace(good.signature, "%C3%A9" + good.signature[2:]),
        "a superscript expiry": good.path.replace(str(good.expires), "%C2%B2"),
        "an endless expiry": good.path.replace(str(good.expires), "9" * 5000),
    }
    for what, path in tampered.items():
        response = call(app, "GET", path)
        assert code_of(response) == (403, "E_LINK_INVALID"), what
        assert "x-semantic-version" not in response.headers, what
    expired = call(app, "GET", sign(SECRET, SAVED, int(time.time()) - 1).path)
    assert code_of(expired) == (401, "E_LINK_EXPIRED") and "share-link" in expired.json()["errors"][0]["extensions"][
        "hint"]
    widened = call(app, "GET", good.path + "&where=account.segment%20%3D%20%27SMB%27")
    assert code_of(widened) == (400, "E_BAD_REQUEST")
    as_query = call(app, "GET", f"/query.csv?saved={SAVED}&expires={good.expires}&signature={good.signature}")
    assert as_query.status_code == 401  # a link is no token for the query endpoints


def test_links_are_off_without_a_secret_and_short_secrets_are_refused(project: Path, ledger_url: str) -> None:
    app = make_app(project, ledger_url, secret="")
    assert code_of(mint(app, saved=SAVED)) == (404, "E_LINKS_DISABLED")
    assert code_of(call(app, "GET", sign(SECRET, SAVED, int(time.time()) + 60).path)) == (404, "E_LINKS_DISABLED")
    with pytest.raises(ValueError, match="at least 32 characters"):
        ServerSettings(link_secret="short")


def test_cli_mints_a_link_the_server_opens(project: Path, ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMANTIC_LINK_SECRET", SECRET)
    result = CliRunner().invoke(cli, ["share-link", SAVED, "--expires", "12h", "--project", str(project),
                                      "--base-url", "https://semantic.example.com/"])
    assert result.exit_code == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(f"https://semantic.example.com/shared/{SAVED}.csv?expires=")
    assert call(make_app(project, ledger_url), "GET", url.removeprefix("https://semantic.example.com")
                ).status_code == 200
    too_long = CliRunner().invoke(cli, ["share-link", SAVED, "--expires", "31d", "--project", str(project)])
    assert too_long.exit_code == 2 and "between 1m and 30d" in too_long.stderr
    unknown = CliRunner().invoke(cli, ["share-link", "bookings_2024", "--project", str(project)])
    assert unknown.exit_code == 1 and "did you mean" in unknown.stderr
    monkeypatch.delenv("SEMANTIC_LINK_SECRET")
    off = CliRunner().invoke(cli, ["share-link", SAVED, "--project", str(project)])
    assert off.exit_code == 2 and "E_LINKS_DISABLED" in off.stderr


def test_wrong_paths_and_methods_answer_in_the_api_shape(project: Path, ledger_url: str) -> None:
    app = make_app(project, ledger_url)
    assert code_of(call(app, "GET", f"/shared/{SAVED}")) == (404, "E_NOT_FOUND")
    wrong_method = call(app, "GET", "/shared-links", headers={"Authorization": f"Bearer {TOKEN}"})
    assert code_of(wrong_method) == (405, "E_METHOD_NOT_ALLOWED") and "POST" in wrong_method.text


@pytest.mark.parametrize("text, seconds", [("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600)])
def test_lifetimes(text: str, seconds: int) -> None:
    assert lifetime(text, 30).total_seconds() == seconds

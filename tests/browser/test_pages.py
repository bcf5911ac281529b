"""GraphiQL and the catalog in headless Chromium with every origin but the server refused: they render,
log no error, run a query, and complete metric and dimension names."""
from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.chromium import Browser, Page
from tests.browser.conftest import TOKEN
from tests.browser.pixels import ink_share
from tests.server.live import LiveServer

EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
# tiny ledger: deals won in 2024 are 100 (1000.50), 102 (2000) and 104 (700)
BOOKINGS_2024 = "3700.5"


@pytest.fixture(scope="module")
def graphiql(browser: Browser, open_server: LiveServer) -> Page:
    """One GraphiQL tab for the module's tests (loading it is most of their time)."""
    page = browser.page(open_server.url + "/graphql")
    page.wait_for("document.querySelector('.graphiql-query-editor .CodeMirror') !== null")
    # the editor completes names once the schema has arrived: open the docs and wait for its root type
    page.wait_for("(() => { const docs = document.querySelector('[aria-label=\"Show Documentation Explorer\"]'); "
                  "docs?.click(); return !!docs; })()")
    page.wait_for("document.querySelector('.graphiql-doc-explorer')?.innerText.includes('Query')")
    return page


def type_after(page: Page, text: str, key: str) -> None:
    """Put `text` in the query editor, then type `key` as a person would (key down, key up)."""
    page.evaluate(f"(() => {{ const cm = {EDITOR}; cm.setValue({json.dumps(text)}); cm.focus(); "
                  f"cm.setCursor(cm.lineCount(), 0); }})()")
    code = f"Key{key.upper()}"
    for kind in ("keyDown", "keyUp"):
        page.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code, "text": key if kind == "keyDown"
                                             else "", "windowsVirtualKeyCode": ord(key.upper())})


def completion_offers(page: Page, name: str) -> list[str]:
    """The editor's completion list once it offers `name` (AssertionError if it never does)."""
    return page.wait_for("(() => { const offered = [...document.querySelectorAll('.CodeMirror-hints li')]"
                         ".map(li => li.innerText.trim()); "
                         f"return offered.includes({json.dumps(name)}) && offered; }})()")


def test_the_network_beyond_the_server_is_refused(browser: Browser) -> None:
    page = browser.page("about:blank")
    for url in ("http://example.com/", "https://unpkg.com/react@18.2.0/umd/react.production.min.js",
                "http://93.184.215.14/"):  # a name the resolver refuses, a CDN, an address that goes to the proxy
        outcome = page.evaluate(f"fetch({json.dumps(url)}, {{mode: 'no-cors'}}).then(() => 'reached', () => 'refused')")
        assert outcome == "refused", url


def test_graphiql_renders_offline_without_errors(graphiql: Page) -> None:
    page = graphiql
    assert "metrics { name label formula }" in page.evaluate("document.body.innerText")
    assert ink_share(page.screenshot()) > 0.02
    assert page.problems() == []


def test_a_query_runs_and_shows_the_number(graphiql: Page) -> None:
    page = graphiql
    page.evaluate(f"{EDITOR}.setValue('{{ query(metrics: [bookings], timeRange: {{from: \"2024-01-01\", "
                  f"to: \"2024-12-31\"}}) {{ rows }} }}')")
    page.evaluate("document.querySelector('.graphiql-execute-button').click()")
    answer = page.wait_for("(() => { const r = document.querySelector('.graphiql-response'); "
                           "return r && r.innerText.includes('bookings') && r.innerText; })()")
    assert f'"bookings": {BOOKINGS_2024}' in answer
    assert page.problems() == []


def test_metric_and_dimension_names_autocomplete(graphiql: Page) -> None:
    page = graphiql
    type_after(page, "{ metric(name: win_ra", "t")
    assert completion_offers(page, "win_rate") == ["win_rate", "win_rate_amount"]  # the metrics starting so
    type_after(page, "{ query(metrics: [bookings], by: [account__seg", "m")
    assert "account__segment" in completion_offers(page, "account__segment")
    assert page.problems() == []


def test_catalog_signs_in_and_renders(browser: Browser, guarded_server: LiveServer) -> None:
    page = browser.page(guarded_server.url + "/catalog")
    page.wait_for("document.querySelector('form input[name=token]') !== null")
    assert "Stages" not in page.evaluate("document.body.innerText")  # nothing shown before the token
    signed_out = page.mark()  # the sign-in form itself is a 401, which the browser logs
    page.evaluate(f"(() => {{ document.querySelector('input[name=token]').value = {json.dumps(TOKEN)}; "
                  "document.querySelector('form').submit(); })()")
    version = page.wait_for("document.getElementById('definitions-version')?.innerText")
    with urllib.request.urlopen(guarded_server.url + "/health") as health:
        assert version == json.load(health)["version"]
    shown = page.evaluate("document.body.innerText")
    assert all(words in shown for words in ("Bookings", "Stages", "closed_won", "Saved queries"))
    assert page.evaluate("document.querySelectorAll('svg.spark').length") > 0
    assert ink_share(page.screenshot()) > 0.02
    assert page.problems(since=signed_out) == []

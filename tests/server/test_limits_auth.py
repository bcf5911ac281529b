"""Request limits (body size, depth, aliases, tokens) and bearer-token authentication."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, data, error, get, post, websocket_handshake


@pytest.fixture(scope="module")
def strict(ledger_url: str) -> FastAPI:
    settings = ServerSettings(max_body_bytes=2_000, max_query_depth=1, max_aliases=3, max_tokens=200)
    return create_app(REPO, ledger_url, settings, auth=TokenAuth())


def test_oversized_body_is_413(strict: FastAPI) -> None:
    padding = " " * 3_000
    response = post(strict, "", content=f'{{"query": "{{ version {{ stamp }} }}{padding}"}}'.encode(),
                    headers={"content-type": "application/json"})
    assert response.status_code == 413
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "E_REQUEST_TOO_LARGE"


def test_body_under_the_limit_passes(strict: FastAPI) -> None:
    assert data(post(strict, "{ version { stamp } }"))["version"]["stamp"]


def test_too_deep_is_refused(strict: FastAPI) -> None:
    assert data(post(strict, "{ metric(name: win_rate) { label } }"))  # depth 1: allowed
    deep = error(post(strict, "{ metric(name: win_rate) { terms { name } } }"))  # depth 2
    assert deep["extensions"]["code"] == "E_QUERY_TOO_DEEP"
    assert "max_query_depth" in deep["extensions"]["hint"]


def test_too_many_aliases_is_refused(strict: FastAPI) -> None:
    query = "{ " + " ".join(f"a{i}: version {{ stamp }}" for i in range(5)) + " }"
    assert error(post(strict, query))["extensions"]["code"] == "E_TOO_MANY_ALIASES"


def test_too_many_tokens_is_refused(strict: FastAPI) -> None:
    query = "{ " + " ".join("version { stamp }" for _ in range(60)) + " }"
    assert error(post(strict, query))["extensions"]["code"] == "E_QUERY_TOO_LARGE"


@pytest.fixture(scope="module")
def guarded(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    tokens = tmp_path_factory.mktemp("auth") / "tokens"
    hashed = hashlib.sha256(b"hashed-secret").hexdigest()
    tokens.write_text(f"# API tokens\nplain-secret\nsha256:{hashed}\n")
    auth = TokenAuth.load(tokens, environ={"SEMANTIC_API_TOKENS": "env-secret, other"})
    return create_app(REPO, ledger_url, ServerSettings(), auth=auth)


@pytest.mark.parametrize("header", [None, "Bearer wrong", "plain-secret", "Basic plain-secret", "Bearer "])
def test_missing_or_bad_token_is_401_without_data(guarded: FastAPI, header: str | None) -> None:
    response = post(guarded, "{ query(metrics: [bookings]) { rows } }",
                    headers={"authorization": header} if header else None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "E_UNAUTHORIZED"


@pytest.mark.parametrize("token", ["plain-secret", "hashed-secret", "env-secret", "other"])
def test_valid_tokens_from_file_hash_and_env(guarded: FastAPI, token: str) -> None:
    response = post(guarded, "{ query(metrics: [bookings]) { rows } }", headers={"authorization": f"Bearer {token}"})
    assert data(response)["query"]["rows"]


def test_health_and_graphiql_page_stay_open(guarded: FastAPI) -> None:
    assert get(guarded, "/health").json()["auth"] is True
    page = get(guarded, "/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


@pytest.mark.parametrize("path, accept", [
    ("/graphql?query={version{stamp}}", "text/html"),
    ("/graphql?%71uery=%7Bquery(metrics:%5Bbookings%5D)%7Brows%7D%7D", "text/html"),  # 'query' escaped
    ("/graphql?%71%75%65%72%79=%7Bversion%7Bstamp%7D%7D", "text/html"),
    ("/graphql?x=1&%71uery=%7Bversion%7Bstamp%7D%7D", "text/html"),
    ("/graphql?query=", "text/html"),
    ("/graphql?variables=%7B%7D", "text/html"),
    ("/graphql?operationName=A", "text/html"),
    ("/graphql?extensions=%7B%7D", "text/html"),
    ("/graphql", "application/json"),
    ("/graphql", "*/*"),
])
def test_only_the_bare_graphiql_page_is_exempt(guarded: FastAPI, path: str, accept: str) -> None:
    """Whatever the spelling, a GET that carries an operation (or is not a browser's) needs a token."""
    response = get(guarded, path, headers={"accept": accept})
    assert response.status_code == 401, response.text
    assert response.json()["data"] is None


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
@pytest.mark.parametrize("token", [None, "plain-secret"])
def test_websockets_are_refused_as_policy_violation(guarded: FastAPI, protocol: str, token: str | None) -> None:
    headers = {"authorization": f"Bearer {token}"} if token else None
    sent = websocket_handshake(guarded, "/graphql", protocol, headers)
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": "not supported"}], sent


def test_bad_tokens_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("# nothing\n")
    (tmp_path / "bad").write_text("sha256:xyz\n")
    with pytest.raises(ValueError, match="holds no token"):
        TokenAuth.load(tmp_path / "empty", environ={})
    with pytest.raises(ValueError, match="bad:1"):
        TokenAuth.load(tmp_path / "bad", environ={})
    with pytest.raises(ValueError, match="cannot read"):
        TokenAuth.load(tmp_path / "missing", environ={})


def test_auth_is_off_without_tokens() -> None:
    auth = TokenAuth.load(None, environ={})
    assert not auth.enabled and auth.allows(None)

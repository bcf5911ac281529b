"""Requests refused before GraphQL runs still answer in the GraphQL `errors` shape with a code and a hint.

Strawberry answers these with plain text; clients (and our own python client) read `errors[0].extensions`,
so every refusal at the HTTP level must look like any other API error.
"""
from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.server.conftest import REPO, get, post, websocket_handshake

JSON = {"content-type": "application/json"}


def request_error(response: httpx.Response, status: int, code: str) -> dict:
    """The single error of an HTTP-level refusal, checked for status, shape, code and hint."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["data"] is None and len(body["errors"]) == 1, body
    first = body["errors"][0]
    assert first["extensions"]["code"] == code and first["extensions"]["hint"], first
    return first


@pytest.mark.parametrize("body, fragment", [
    (b"not json", "not valid JSON"),
    (b"\xff", "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"),
    (b"[]", "Batching"),
    (b'[{"query": "{ version { stamp } }"}]', "Batching"),
    (b"null", "JSON object"),
    (b'"{ version { stamp } }"', "JSON object"),
    (b"42", "JSON object"),
    (b'{"query": "{ version { stamp } }", "variables": "x"}', "variables"),
    (b'{"query": "{ version { stamp } }", "extensions": 1}', "extensions"),
    (b'{"query": 5}', "query"),
    (b"{}", "no GraphQL query"),
    (b'{"query": "query A { version { stamp } }", "operationName": "B"}', "B"),
    (b'{"query": "fragment F on Query { version { stamp } }"}', "operation type"),
])
def test_malformed_posts_are_400_in_the_errors_shape(app: FastAPI, body: bytes, fragment: str) -> None:
    first = request_error(post(app, "", content=body, headers=JSON), 400, "E_BAD_REQUEST")
    assert fragment in first["message"], first


def test_unsupported_content_type_is_400(app: FastAPI) -> None:
    response = post(app, "", content=b"{ version { stamp } }", headers={"content-type": "text/plain"})
    assert "application/json" in request_error(response, 400, "E_BAD_REQUEST")["extensions"]["hint"]


@pytest.mark.parametrize("path", ["/graphql?query={version{stamp}}&variables=nope",
                                  "/graphql?query=query%20A{version{stamp}}&operationName=B",
                                  "/graphql?query={version{stamp}}&variables=[1]",
                                  "/graphql?query={version{stamp}}&variables=5",
                                  "/graphql?query=mutation{x}",
                                  "/graphql?query="])
def test_malformed_gets_are_400_in_the_errors_shape(app: FastAPI, path: str) -> None:
    request_error(get(app, path), 400, "E_BAD_REQUEST")


def test_graphiql_off_and_wrong_method_are_json_too(ledger_url: str, app: FastAPI) -> None:
    quiet = create_app(REPO, ledger_url, ServerSettings(graphiql=False), auth=TokenAuth())
    request_error(get(quiet, "/graphql", headers={"accept": "text/html"}), 404, "E_NOT_FOUND")

    async def put() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.put("/graphql", json={"query": "{ version { stamp } }"})
    request_error(asyncio.run(put()), 405, "E_METHOD_NOT_ALLOWED")
    request_error(get(app, "/graphql/extra"), 404, "E_NOT_FOUND")
    assert get(app, "/nowhere").json() == {"detail": "Not Found"}  # outside /graphql: FastAPI's own answer


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_websockets_are_refused_without_running_anything(app: FastAPI, protocol: str) -> None:
    """The schema has no subscriptions, so GraphQL over WebSocket is not offered at all."""
    sent = websocket_handshake(app, "/graphql", protocol)
    assert [m["type"] for m in sent] == ["websocket.close"], sent  # closed before accept: HTTP 403

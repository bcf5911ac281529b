"""Optional bearer authentication: static tokens (server/static_tokens.py) and signed JWTs (server/jwt_auth.py).

A presented token is hashed and compared with `hmac.compare_digest` against every known digest, so the time
taken does not reveal how much of a token matched or which entry it was. A token that is no static token and
looks like a JWT (three dot-separated parts) is verified as one when JWTs are configured. Either way the
result is a `Caller`, left in `scope["state"]["caller"]` for the GraphQL context and the plain routes.
"""
from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from semantic.access import Caller
from semantic.errors import SemanticError
from server.context import CALLER_STATE
from server.http_errors import send_error
from server.jwt_auth import JwtConfig, JwtVerifier
from server.static_tokens import StaticToken, token_digest, tokens_from_env, tokens_from_file

__all__ = ["BearerAuth", "TokenAuth", "token_digest"]
ENV_TOKENS = "SEMANTIC_API_TOKENS"
BEARER_HINT = "send the header 'Authorization: Bearer <token>'"


def _unknown_token() -> SemanticError:
    return SemanticError("E_UNAUTHORIZED", "missing or invalid bearer token", BEARER_HINT)


@dataclass(frozen=True)
class TokenAuth:
    """The accepted static token digests (with what each grants) and the JWT verifier; neither means auth is off."""

    digests: frozenset[str] = frozenset()
    grants: Mapping[str, StaticToken] = field(default_factory=dict)  # a digest not in it: unrestricted
    jwt: JwtVerifier | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.digests) or self.jwt is not None

    def identify(self, authorization: str | None) -> Caller:
        """The caller behind an Authorization header; raises SemanticError (E_UNAUTHORIZED, E_TOKEN_*) if none."""
        if not self.enabled:
            return Caller.unrestricted()
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unknown_token()
        presented = token_digest(token)
        matched = None
        for digest in self.digests:  # no early exit: every entry is compared
            if hmac.compare_digest(presented, digest):
                matched = digest
        if matched is not None:
            return self.grants.get(matched, StaticToken(matched)).caller()
        if self.jwt is not None and token.count(".") == 2:
            return self.jwt.caller(token)
        raise _unknown_token()

    def allows(self, authorization: str | None) -> bool:
        """True when auth is off, or the Authorization header identifies a caller."""
        try:
            self.identify(authorization)
        except SemanticError:
            return False
        return True

    @classmethod
    def load(cls, tokens_file: str | Path | None = None, environ: Mapping[str, str] | None = None,
             jwt: JwtConfig | None = None) -> "TokenAuth":
        """Tokens from the file and the environment, JWTs as configured (default: SEMANTIC_JWT_* variables).

        Raises ValueError for an unreadable or bad file, or a bad JWT configuration."""
        env = os.environ if environ is None else environ
        grants = tokens_from_env(env.get(ENV_TOKENS, ""))
        if tokens_file is not None:
            grants |= tokens_from_file(Path(tokens_file))
        config = jwt if jwt is not None else JwtConfig.from_env(env)
        return cls(frozenset(grants), grants, JwtVerifier(config) if config.enabled else None)


class BearerAuth:
    """ASGI middleware refusing unauthenticated requests under any of the path prefixes with 401, before
    any work.

    The GraphiQL page itself (a browser GET asking for HTML, without a query, at `ide_path` only) carries
    no data and stays open, so people can load the IDE and then set the Authorization header in it. The
    exemption is tied to that one path: spreadsheets importing `/query.csv` send browser-like Accept
    headers and no `query` parameter, and must still show a token. WebSocket handshakes
    are refused with policy violation (HTTP 403): the router serves none, and a token check that only
    knew HTTP must not wave them through to whatever might one day listen.
    """

    def __init__(self, app: ASGIApp, auth: TokenAuth, protected_prefixes: tuple[str, ...], ide_path: str) -> None:
        self.app = app
        self.auth = auth
        self.prefixes = protected_prefixes
        self.ide_path = ide_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self.auth.enabled \
                or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":  # refused outright: the API serves no sockets, with or without a token
            await send({"type": "websocket.close", "code": 1008, "reason": "not supported"})
            return
        headers = Headers(scope=scope)
        authorization = headers.get("authorization")
        if scope["path"] == self.ide_path and _is_ide_page(scope, headers):
            await self.app(scope, receive, send)
            return
        try:
            caller = self.auth.identify(authorization)
        except SemanticError as refusal:
            await send_error(send, 401, refusal.message, refusal.hint, code=refusal.code,
                             headers=((b"www-authenticate", challenge(refusal.code, authorization)),))
            return
        scope.setdefault("state", {})[CALLER_STATE] = caller
        await self.app(scope, receive, send)


def challenge(code: str, authorization: str | None) -> bytes:
    """RFC 6750: no error attribute when no credentials came; `invalid_token` for every credential refused."""
    if not authorization:
        return b'Bearer realm="semantic"'
    return f'Bearer realm="semantic", error="invalid_token", error_description="{code}"'.encode()


OPERATION_PARAMETERS = frozenset({"query", "variables", "operationName", "extensions"})


def _is_ide_page(scope: Scope, headers: Headers) -> bool:
    """A browser GET for the bare GraphiQL page: HTML wanted and no operation in the URL, however spelled.

    The query string is decoded exactly as the router will decode it (so `%71uery` is `query` here too),
    and blank values count: `?query=` still names an operation parameter.
    """
    if scope["method"] != "GET" or "text/html" not in headers.get("accept", ""):
        return False
    parameters = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return not OPERATION_PARAMETERS & parameters.keys()

"""Optional bearer-token authentication.

Tokens come from a file (one per line; `sha256:<hex>` lines store only the hash, so the file need not hold
secrets) and/or from SEMANTIC_API_TOKENS (comma-separated). Only SHA-256 digests are kept in memory and a
presented token is hashed and compared with `hmac.compare_digest` against every known digest, so the time
taken does not reveal how much of a token matched or which entry it was.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from server.http_errors import send_error

ENV_TOKENS = "SEMANTIC_API_TOKENS"
HASH_PREFIX = "sha256:"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenAuth:
    """The accepted token digests; an empty set means authentication is off."""

    digests: frozenset[str] = frozenset()

    @property
    def enabled(self) -> bool:
        return bool(self.digests)

    def allows(self, authorization: str | None) -> bool:
        """True when auth is off, or the Authorization header carries a known bearer token."""
        if not self.enabled:
            return True
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        presented = token_digest(token.strip())
        matched = False
        for digest in self.digests:  # no early exit: every entry is compared
            matched |= hmac.compare_digest(presented, digest)
        return matched

    @classmethod
    def load(cls, tokens_file: str | Path | None = None,
             environ: Mapping[str, str] | None = None) -> "TokenAuth":
        """Tokens from the file and the environment; raises ValueError for an unreadable or bad file."""
        env = os.environ if environ is None else environ
        digests = {token_digest(t.strip()) for t in env.get(ENV_TOKENS, "").split(",") if t.strip()}
        if tokens_file is not None:
            digests |= _digests_from_file(Path(tokens_file))
        return cls(frozenset(digests))


def _digests_from_file(path: Path) -> set[str]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ValueError(f"cannot read tokens file {path}: {exc.strerror}") from None
    digests = set()
    for number, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith(HASH_PREFIX):
            digest = entry[len(HASH_PREFIX):].lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError(f"{path}:{number}: '{HASH_PREFIX}' must be followed by 64 hex digits")
            digests.add(digest)
        else:
            digests.add(token_digest(entry))
    if not digests:
        raise ValueError(f"tokens file {path} holds no token; remove --tokens-file to serve without auth")
    return digests


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
        ide_page = scope["path"] == self.ide_path and _is_ide_page(scope, headers)
        if ide_page or self.auth.allows(headers.get("authorization")):
            await self.app(scope, receive, send)
            return
        await send_error(send, 401, "missing or invalid bearer token",
                         "send the header 'Authorization: Bearer <token>'",
                         headers=((b"www-authenticate", b'Bearer realm="semantic"'),))


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

"""Optional bearer-token authentication.

Tokens come from a file (one per line; `sha256:<hex>` lines store only the hash, so the file need not hold
secrets) and/or from SEMANTIC_API_TOKENS (comma-separated). Only SHA-256 digests are kept in memory and a
presented token is hashed and compared with `hmac.compare_digest` against every known digest, so the time
taken does not reveal how much of a token matched or which entry it was.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

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
    """ASGI middleware refusing unauthenticated requests under a path prefix with 401, before any work.

    The GraphiQL page itself (a browser GET asking for HTML, without a query) carries no data and stays
    open, so people can load the IDE and then set the Authorization header in it.
    """

    def __init__(self, app: ASGIApp, auth: TokenAuth, protected_prefix: str) -> None:
        self.app = app
        self.auth = auth
        self.prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.auth.enabled or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.auth.allows(headers.get("authorization")) or _is_ide_page(scope, headers):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"errors": [{
            "message": "missing or invalid bearer token",
            "extensions": {"code": "E_UNAUTHORIZED", "hint": "send the header 'Authorization: Bearer <token>'"},
        }]}).encode()
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="semantic"')]})
        await send({"type": "http.response.body", "body": body})


def _is_ide_page(scope: Scope, headers: Headers) -> bool:
    return (scope["method"] == "GET" and "text/html" in headers.get("accept", "")
            and b"query=" not in scope.get("query_string", b""))

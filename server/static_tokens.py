"""Static bearer tokens and the identity each one stands for.

A tokens file holds one token per line, `sha256:<hex>` to store only its digest (so the file need not hold
secrets), optionally followed by space-separated `key=value` fields:

    sha256:9f86d0...  sub=emea-reps roles=rep claims.region=EMEA
    notebook-token                          # no roles: unrestricted, as every token was before roles existed

`roles=a,b` lists roles, `claims.NAME=VALUE` adds a claim (a string), `sub=NAME` names the subject in logs
(default `token:` and the first 8 hex digits of the digest). Tokens from SEMANTIC_API_TOKENS (comma-separated)
carry no roles. Only digests are kept in memory.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from semantic.access import Caller

HASH_PREFIX = "sha256:"
FIELD = re.compile(r"^(sub|roles|claims\.[A-Za-z_][A-Za-z0-9_]*)=(.+)$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StaticToken:
    """What one token grants: no roles means unrestricted access."""

    digest: str
    subject: str = ""
    roles: frozenset[str] = frozenset()
    claims: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def caller(self) -> Caller:
        subject = self.subject or f"token:{self.digest[:8]}"
        if not self.roles:
            return Caller(subject=subject, claims=self.claims, unrestricted_access=True)
        return Caller(subject=subject, roles=self.roles, claims=self.claims)


def tokens_from_env(value: str) -> dict[str, StaticToken]:
    digests = (token_digest(t.strip()) for t in value.split(",") if t.strip())
    return {d: StaticToken(d) for d in digests}


def tokens_from_file(path: Path) -> dict[str, StaticToken]:
    """Every token of the file by digest; ValueError naming file:line for a bad line or an unreadable file."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ValueError(f"cannot read tokens file {path}: {exc.strerror}") from None
    tokens: dict[str, StaticToken] = {}
    for number, line in enumerate(lines, start=1):
        words = line.split()
        comment = next((i for i, word in enumerate(words) if word.startswith("#")), len(words))
        words = words[:comment]  # a word starting with '#' starts a comment
        if not words:
            continue
        token = _parse_line(words, f"{path}:{number}")
        if token.digest in tokens and tokens[token.digest] != token:
            raise ValueError(f"{path}:{number}: this token is listed twice with different roles or claims")
        tokens[token.digest] = token
    if not tokens:
        raise ValueError(f"tokens file {path} holds no token; remove --tokens-file to serve without auth")
    return tokens


def _parse_line(words: list[str], where: str) -> StaticToken:
    first, fields = words[0], words[1:]
    if first.startswith(HASH_PREFIX):
        digest = first[len(HASH_PREFIX):].lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{where}: '{HASH_PREFIX}' must be followed by 64 hex digits")
    else:
        digest = token_digest(first)
    subject, roles, claims = "", frozenset[str](), {}
    for word in fields:
        match = FIELD.match(word)
        if match is None:
            raise ValueError(f"{where}: '{word.split('=')[0]}' is not a token field; after the token write "
                             "sub=NAME, roles=ROLE[,ROLE...] or claims.NAME=VALUE (tokens hold no spaces)")
        key, value = match.groups()
        if key == "sub":
            subject = value
        elif key == "roles":
            roles = frozenset(r for r in value.split(",") if r)
        else:
            claims[key.removeprefix("claims.")] = value
    return StaticToken(digest, subject, roles, MappingProxyType(claims))

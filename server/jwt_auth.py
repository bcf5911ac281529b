"""Signed JWTs as identities: PyJWT verifies, this module decides what is accepted and what a refusal says.

The accepted algorithms are fixed by configuration, never read from the token: HS256 only when a secret is
configured, RS256 only when a public key is. A token's header names its algorithm, and a token naming one
that is not configured (`none`, or HS256 against a server that holds only an RSA public key: the classic
confusion attack that signs with the public key as an HMAC secret) is refused before any key is touched.
`exp` is always required; `aud` and `iss` are required and checked when configured.

Refusals are `SemanticError`s with a code per cause; their messages say what is wrong with the token in
general terms and never echo its contents.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from semantic.access import Caller
from semantic.errors import SemanticError

MIN_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
DEFAULT_LEEWAY_S = 30.0
VOLATILE_CLAIMS = frozenset({"exp", "nbf", "iat", "jti"})  # differ per token, not per identity: left out of claims
REFRESH_HINT = "get a new token from your identity provider"
ENV = {"secret": "SEMANTIC_JWT_HS256_SECRET", "secret_file": "SEMANTIC_JWT_HS256_SECRET_FILE",
       "public_key_file": "SEMANTIC_JWT_PUBLIC_KEY_FILE", "audience": "SEMANTIC_JWT_AUDIENCE",
       "issuer": "SEMANTIC_JWT_ISSUER", "roles_claim": "SEMANTIC_JWT_ROLES_CLAIM",
       "leeway_s": "SEMANTIC_JWT_LEEWAY_S"}


@dataclass(frozen=True)
class JwtConfig:
    """What a valid token must be; built from the environment (and `semantic serve` options that override it)."""

    hs256_secret: bytes | None = field(default=None, repr=False)
    public_key_pem: bytes | None = None
    audience: str | None = None
    issuer: str | None = None
    roles_claim: str = "roles"
    leeway_s: float = DEFAULT_LEEWAY_S

    def __post_init__(self) -> None:
        if self.hs256_secret is not None and len(self.hs256_secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT HS256 secret must be at least {MIN_SECRET_BYTES} bytes long")
        if not 0 <= self.leeway_s <= 300:
            raise ValueError(f"the JWT leeway must be between 0 and 300 seconds, not {self.leeway_s}")
        if not self.roles_claim.strip():
            raise ValueError("the JWT roles claim must name a claim, e.g. 'roles'")

    @property
    def enabled(self) -> bool:
        return self.hs256_secret is not None or self.public_key_pem is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "JwtConfig":
        """SEMANTIC_JWT_* variables; non-None `overrides` (CLI options, same names as ENV) win. ValueError if bad."""
        env = os.environ if environ is None else environ
        raw = {key: env.get(name) or None for key, name in ENV.items()}
        raw.update({key: value for key, value in overrides.items() if value is not None})
        secret = raw["secret"].encode() if raw["secret"] else None
        if raw["secret_file"]:
            secret = _read(raw["secret_file"], "JWT secret file").strip()
        key = _read(raw["public_key_file"], "JWT public key file") if raw["public_key_file"] else None
        if key is not None:
            rsa_public_key(key, raw["public_key_file"])  # refuse a bad file at start, not at the first request
        try:
            leeway = float(raw["leeway_s"]) if raw["leeway_s"] is not None else DEFAULT_LEEWAY_S
        except ValueError:
            raise ValueError(f"{ENV['leeway_s']} must be a number of seconds, not '{raw['leeway_s']}'") from None
        return cls(secret, key, raw["audience"], raw["issuer"], raw["roles_claim"] or "roles", leeway)


def _read(path: str | Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the {what} {path}: {exc.strerror}") from None


def rsa_public_key(pem: bytes, source: str) -> RSAPublicKey:
    try:
        key = load_pem_public_key(pem)
    except ValueError:
        raise ValueError(f"{source} is not a PEM public key ('-----BEGIN PUBLIC KEY-----')") from None
    if not isinstance(key, RSAPublicKey):
        raise ValueError(f"{source} holds a public key that is not RSA; RS256 needs an RSA key")
    return key


def _refusal(code: str, message: str, hint: str = REFRESH_HINT) -> SemanticError:
    return SemanticError(code, message, hint)


class JwtVerifier:
    """Turns a compact JWT into a `Caller`, or raises a coded SemanticError."""

    def __init__(self, config: JwtConfig) -> None:
        self.config = config
        self.keys: dict[str, Any] = {}
        if config.hs256_secret is not None:
            self.keys["HS256"] = config.hs256_secret
        if config.public_key_pem is not None:
            self.keys["RS256"] = rsa_public_key(config.public_key_pem, "the JWT public key")
        required = ["exp"] + (["aud"] if config.audience else []) + (["iss"] if config.issuer else [])
        self.options = {"require": required, "verify_aud": bool(config.audience)}

    def caller(self, token: str) -> Caller:
        claims = self.verify(token)
        roles = roles_of(claims, self.config.roles_claim)
        subject = claims.get("sub") if isinstance(claims.get("sub"), str) else "jwt"
        kept = {k: v for k, v in claims.items() if k not in VOLATILE_CLAIMS and k != self.config.roles_claim}
        return Caller(subject=subject, roles=roles, claims=kept)

    def verify(self, token: str) -> dict[str, Any]:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.DecodeError:
            raise _refusal("E_TOKEN_INVALID", "the bearer token is not a well-formed JWT") from None
        key = self.keys.get(algorithm) if isinstance(algorithm, str) else None
        if key is None:
            raise _refusal("E_TOKEN_INVALID", "the token's signing algorithm is not accepted by this server",
                           f"sign tokens with {' or '.join(sorted(self.keys))}")
        try:
            return jwt.decode(token, key, algorithms=[algorithm], audience=self.config.audience,
                              issuer=self.config.issuer, leeway=self.config.leeway_s, options=self.options)
        except jwt.ExpiredSignatureError:
            raise _refusal("E_TOKEN_EXPIRED", "the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise _refusal("E_TOKEN_NOT_YET_VALID", "the token is not valid yet (nbf or iat in the future)",
                           "check the clock of the issuer, or wait until the token's start time") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _refusal("E_TOKEN_CLAIMS", f"the token lacks the required claim '{exc.claim}'",
                           "tokens must carry exp, and aud and iss when the server is configured with them") from None
        except jwt.InvalidAudienceError:
            raise _refusal("E_TOKEN_AUDIENCE", "the token was issued for another audience",
                           "ask for a token whose 'aud' names this API") from None
        except jwt.InvalidIssuerError:
            raise _refusal("E_TOKEN_ISSUER", "the token comes from an issuer this server does not trust",
                           "use a token from the configured issuer") from None
        except jwt.InvalidSignatureError:
            raise _refusal("E_TOKEN_INVALID", "the token's signature does not verify") from None
        except jwt.InvalidTokenError:  # malformed claims (exp not a number, ...) and bad encodings
            raise _refusal("E_TOKEN_INVALID", "the token could not be verified") from None


def roles_of(claims: Mapping[str, Any], claim: str) -> frozenset[str]:
    """Roles from `claim` (a dotted path reaches nested objects): a list of strings or one space-separated string."""
    value: Any = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(role, str) for role in value):
        return frozenset(value)
    raise _refusal("E_TOKEN_CLAIMS", f"the token's '{claim}' claim must be a list of role names or one "
                                     "space-separated string", "fix the roles claim in the identity provider")

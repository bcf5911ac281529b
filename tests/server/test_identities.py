"""Identities: signed JWTs (HS256, RS256) and static tokens with roles become the request's Caller, and every
way a token can be wrong is a 401 with its own code."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Callable
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.types import Receive, Scope, Send

from server.app import create_app
from server.auth import BearerAuth, TokenAuth
from server.context import caller_of
from server.jwt_auth import JwtConfig
from server.settings import ServerSettings
from tests.server.conftest import REPO, data, post

SECRET = b"s" * 40
AUDIENCE, ISSUER = "semantic-api", "https://id.example.com"


@pytest.fixture(scope="module")
def rsa_pair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


async def echo_caller(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind the middleware: answers with the Caller it was handed."""
    caller = caller_of(scope)
    body = json.dumps({"subject": caller.subject, "roles": sorted(caller.roles), "claims": dict(caller.claims),
                       "unrestricted": caller.unrestricted_access}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def ask(auth: TokenAuth, token: str | None) -> httpx.Response:
    app = BearerAuth(echo_caller, auth=auth, protected_prefixes=("/graphql",), ide_path="/graphql")

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.post("/graphql", headers={"authorization": f"Bearer {token}"} if token else {})
    return asyncio.run(send())


def hs_auth(**config: object) -> TokenAuth:
    return TokenAuth.load(environ={}, jwt=JwtConfig(hs256_secret=SECRET, **config))


def claims(**extra: object) -> dict:
    now = int(time.time())
    return {"sub": "ana", "exp": now + 600, "iat": now, "jti": "x1", "roles": ["rep"], "region": "EMEA", **extra}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict, payload: dict, key: bytes | None) -> str:
    """A token made by hand: HS256 over `key` (any bytes, a public key too), or no signature at all."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest()) if key is not None else ""
    return f"{signing_input}.{signature}"


def refused(response: httpx.Response) -> str:
    assert response.status_code == 401, response.text
    assert response.json()["data"] is None
    return response.json()["errors"][0]["extensions"]["code"]


def test_hs256_token_gives_roles_and_claims() -> None:
    body = ask(hs_auth(), jwt.encode(claims(), SECRET, algorithm="HS256")).json()
    assert body == {"subject": "ana", "roles": ["rep"], "claims": {"sub": "ana", "region": "EMEA"},
                    "unrestricted": False}  # exp, iat and jti differ per token: not part of the identity


def test_roles_as_space_separated_string_and_a_configured_claim() -> None:
    token = jwt.encode(claims(roles=None, scope="rep manager"), SECRET, algorithm="HS256")
    assert ask(hs_auth(roles_claim="scope"), token).json()["roles"] == ["manager", "rep"]


def test_nested_roles_claim() -> None:
    token = jwt.encode(claims(realm_access={"roles": ["agency"]}), SECRET, algorithm="HS256")
    assert ask(hs_auth(roles_claim="realm_access.roles"), token).json()["roles"] == ["agency"]


def test_roles_claim_of_the_wrong_type_is_refused() -> None:
    assert refused(ask(hs_auth(), jwt.encode(claims(roles=7), SECRET, algorithm="HS256"))) == "E_TOKEN_CLAIMS"


def test_rs256_token(rsa_pair: tuple[bytes, bytes]) -> None:
    private, public = rsa_pair
    auth = TokenAuth.load(environ={}, jwt=JwtConfig(public_key_pem=public))
    assert ask(auth, jwt.encode(claims(), private, algorithm="RS256")).json()["roles"] == ["rep"]


@pytest.mark.parametrize("payload, code", [
    (lambda: claims(exp=int(time.time()) - 120), "E_TOKEN_EXPIRED"),
    (lambda: claims(nbf=int(time.time()) + 120), "E_TOKEN_NOT_YET_VALID"),
    (lambda: {k: v for k, v in claims().items() if k != "exp"}, "E_TOKEN_CLAIMS"),
])
def test_time_claims(payload: Callable[[], dict], code: str) -> None:
    """The times are read when the test runs, not when it is collected (a long suite runs it minutes later)."""
    assert refused(ask(hs_auth(), jwt.encode(payload(), SECRET, algorithm="HS256"))) == code


def test_small_leeway_accepts_a_token_just_expired() -> None:
    token = jwt.encode(claims(exp=int(time.time()) - 5), SECRET, algorithm="HS256")
    assert ask(hs_auth(), token).status_code == 200


def test_bad_signature() -> None:
    token = jwt.encode(claims(), b"t" * 40, algorithm="HS256")
    assert refused(ask(hs_auth(), token)) == "E_TOKEN_INVALID"


@pytest.mark.parametrize("payload, code", [
    (claims(aud="another-api", iss=ISSUER), "E_TOKEN_AUDIENCE"),
    (claims(iss=ISSUER), "E_TOKEN_CLAIMS"),  # audience configured: required
    (claims(aud=AUDIENCE, iss="https://evil.example.com"), "E_TOKEN_ISSUER"),
    (claims(aud=AUDIENCE), "E_TOKEN_CLAIMS"),  # issuer configured: required
])
def test_audience_and_issuer_when_configured(payload: dict, code: str) -> None:
    auth = hs_auth(audience=AUDIENCE, issuer=ISSUER)
    assert ask(auth, jwt.encode(claims(aud=AUDIENCE, iss=ISSUER), SECRET, algorithm="HS256")).status_code == 200
    assert refused(ask(auth, jwt.encode(payload, SECRET, algorithm="HS256"))) == code


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(alg: str) -> None:
    response = ask(hs_auth(), forged({"alg": alg, "typ": "JWT"}, claims(), None))
    assert refused(response) == "E_TOKEN_INVALID"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_hs_rs_confusion_is_refused(rsa_pair: tuple[bytes, bytes]) -> None:
    """The attacker knows the public key and signs HS256 with it as the HMAC secret."""
    _, public = rsa_pair
    token = forged({"alg": "HS256", "typ": "JWT"}, claims(roles=["admin"]), public)
    rs_only = TokenAuth.load(environ={}, jwt=JwtConfig(public_key_pem=public))
    assert refused(ask(rs_only, token)) == "E_TOKEN_INVALID"
    both = TokenAuth.load(environ={}, jwt=JwtConfig(hs256_secret=SECRET, public_key_pem=public))
    assert refused(ask(both, token)) == "E_TOKEN_INVALID"


def test_rs256_token_against_an_hs256_only_server(rsa_pair: tuple[bytes, bytes]) -> None:
    private, _ = rsa_pair
    assert refused(ask(hs_auth(), jwt.encode(claims(), private, algorithm="RS256"))) == "E_TOKEN_INVALID"


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30"])
def test_garbage_is_refused_without_echoing_it(token: str) -> None:
    response = ask(hs_auth(), token)
    assert refused(response) in ("E_UNAUTHORIZED", "E_TOKEN_INVALID")
    assert token not in response.text


def test_missing_token_challenge_has_no_error_attribute() -> None:
    response = ask(hs_auth(), None)
    assert refused(response) == "E_UNAUTHORIZED"
    assert response.headers["www-authenticate"] == 'Bearer realm="semantic"'


def test_static_tokens_with_roles_and_claims(tmp_path: Path) -> None:
    hashed = hashlib.sha256(b"rep-token").hexdigest()
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# team tokens\nsha256:{hashed} sub=emea-reps roles=rep,viewer claims.region=EMEA  # reps\n"
                      "notebook-token\n")
    auth = TokenAuth.load(tokens, environ={"SEMANTIC_API_TOKENS": "env-token"})
    assert ask(auth, "rep-token").json() == {"subject": "emea-reps", "roles": ["rep", "viewer"],
                                            "claims": {"region": "EMEA"}, "unrestricted": False}
    for token in ("notebook-token", "env-token"):
        body = ask(auth, token).json()
        assert body["unrestricted"] is True and body["roles"] == []
        assert body["subject"] == "token:" + hashlib.sha256(token.encode()).hexdigest()[:8]
    assert refused(ask(auth, "rep-token2")) == "E_UNAUTHORIZED"


def test_static_tokens_and_jwts_together(tmp_path: Path) -> None:
    (tmp_path / "tokens").write_text("ci-token roles=ci\n")
    auth = TokenAuth.load(tmp_path / "tokens", environ={}, jwt=JwtConfig(hs256_secret=SECRET))
    assert ask(auth, "ci-token").json()["roles"] == ["ci"]
    assert ask(auth, jwt.encode(claims(), SECRET, algorithm="HS256")).json()["roles"] == ["rep"]


@pytest.mark.parametrize("line, message", [
    ("tok roles", "'roles' is not a token field"),
    ("tok region=EMEA", "'region' is not a token field"),
    ("sha256:abc roles=rep", "64 hex digits"),
])
def test_bad_token_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "tokens").write_text(f"ok\n{line}\n")
    with pytest.raises(ValueError, match=f"tokens:2: .*{message}"):
        TokenAuth.load(tmp_path / "tokens", environ={})


def test_jwt_configuration_from_the_environment(tmp_path: Path, rsa_pair: tuple[bytes, bytes]) -> None:
    (tmp_path / "key.pem").write_bytes(rsa_pair[1])
    (tmp_path / "secret").write_bytes(SECRET + b"\n")
    config = JwtConfig.from_env({"SEMANTIC_JWT_HS256_SECRET_FILE": str(tmp_path / "secret"),
                                 "SEMANTIC_JWT_PUBLIC_KEY_FILE": str(tmp_path / "key.pem"),
                                 "SEMANTIC_JWT_AUDIENCE": AUDIENCE, "SEMANTIC_JWT_ROLES_CLAIM": "groups"})
    assert (config.hs256_secret, config.audience, config.roles_claim, config.issuer) == (SECRET, AUDIENCE, "groups",
                                                                                          None)
    assert config.enabled and not JwtConfig.from_env({}).enabled
    assert SECRET.decode() not in repr(config)


@pytest.mark.parametrize("environ, message", [
    ({"SEMANTIC_JWT_HS256_SECRET": "short"}, "at least 32 bytes"),
    ({"SEMANTIC_JWT_PUBLIC_KEY_FILE": "/nonexistent/key.pem"}, "cannot read the JWT public key file"),
    ({"SEMANTIC_JWT_HS256_SECRET": "s" * 40, "SEMANTIC_JWT_LEEWAY_S": "soon"}, "must be a number"),
])
def test_bad_jwt_configuration_is_refused(environ: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JwtConfig.from_env(environ)


def test_a_public_key_file_that_is_not_a_key(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_text("hello")
    with pytest.raises(ValueError, match="not a PEM public key"):
        JwtConfig.from_env({"SEMANTIC_JWT_PUBLIC_KEY_FILE": str(tmp_path / "key.pem")})


def test_the_app_answers_a_jwt_and_refuses_an_expired_one(ledger_url: str) -> None:
    app = create_app(REPO, ledger_url, ServerSettings(), auth=hs_auth())
    good = post(app, "{ version { stamp } }", headers={"authorization": "Bearer " + jwt.encode(claims(), SECRET)})
    assert data(good)["version"]["stamp"]
    expired = jwt.encode(claims(exp=int(time.time()) - 3600), SECRET)
    assert refused(post(app, "{ version { stamp } }", headers={"authorization": f"Bearer {expired}"})) \
        == "E_TOKEN_EXPIRED"

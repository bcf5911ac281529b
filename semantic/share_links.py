"""Signed, expiring, read-only links to one saved query's CSV, for tools that cannot send headers.

Google Sheets' IMPORTDATA (and LibreOffice's external links) fetch a URL and nothing more, so they cannot
show a bearer token. A signed link carries its own proof instead: the saved query's name and an expiry,
signed with HMAC-SHA256 under a secret only the server holds. The signature covers exactly those two
values, so a link opens that one saved query until that instant and nothing else: another name, a later
expiry or any extra parameter does not verify. Changing the secret revokes every link at once. Signing
lives here rather than in the server so that `semantic share-link` can mint links offline.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from semantic.errors import SemanticError

SCHEME = "v1"  # part of what is signed, so a future link format can never be confused with this one
MIN_SECRET_CHARS = 32
DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")
EXPIRES = re.compile(r"^[0-9]{1,12}$")  # Unix seconds, ASCII digits only (int() would take '²' or 5,000 digits)
UNIT = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MINT_HINT = "ask for a new link: semantic share-link SAVED --expires 7d, or POST /shared-links"


@dataclass(frozen=True)
class SignedLink:
    saved: str
    expires: int  # Unix seconds
    signature: str

    @property
    def path(self) -> str:
        return f"/shared/{self.saved}.csv?expires={self.expires}&signature={self.signature}"

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, timezone.utc)


def check_secret(secret: str) -> None:
    """Raises ValueError for a secret too short to sign with (an empty one means links are off)."""
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"setting 'link_secret' must be at least {MIN_SECRET_CHARS} characters long (e.g. "
                         "`openssl rand -hex 32`), or empty to turn signed links off")


def lifetime(text: str, max_days: int) -> timedelta:
    """`30m`, `12h`, `7d`, `2w` as a duration, at most `max_days` days; SemanticError otherwise."""
    match = DURATION.match(text or "")
    if not match:
        raise SemanticError("E_BAD_REQUEST", f"link lifetime '{text}' is not a duration",
                            "write a number and a unit: 30m, 12h, 7d or 2w")
    duration = int(match.group(1)) * UNIT[match.group(2)]
    if not timedelta(minutes=1) <= duration <= timedelta(days=max_days):
        raise SemanticError("E_BAD_REQUEST", f"link lifetime '{text}' must be between 1m and {max_days}d",
                            "the link_max_days setting caps how long a link may live")
    return duration


def sign(secret: str, saved: str, expires: int) -> SignedLink:
    return SignedLink(saved, expires, _signature(secret, saved, expires))


def mint(secret: str, saved: str, duration: timedelta, now: datetime) -> SignedLink:
    if not secret:
        raise links_off()
    return sign(secret, saved, int((now + duration).timestamp()))


def verify(secret: str, saved: str, expires: str | None, signature: str | None, now: datetime) -> None:
    """Raises SemanticError unless the link was signed with `secret` for `saved` and has not expired.

    The signature is checked before the expiry, so a link whose expiry was edited is invalid, not expired.
    """
    if not secret:
        raise links_off()
    if not expires or not EXPIRES.match(expires) or not signature:
        raise _invalid("the link lacks its expires or signature parameter, or they are malformed")
    if not hmac.compare_digest(_signature(secret, saved, int(expires)).encode(), signature.encode()):
        raise _invalid("the link's signature does not match (edited, or signed with another secret)")
    if now.timestamp() > int(expires):
        raise SemanticError("E_LINK_EXPIRED", f"this link expired at "
                            f"{datetime.fromtimestamp(int(expires), timezone.utc).isoformat()}", MINT_HINT)


def links_off() -> SemanticError:
    return SemanticError("E_LINKS_DISABLED", "signed links are off: no link_secret is set",
                         "set the link_secret setting (SEMANTIC_LINK_SECRET, 32 characters or more)")


def _invalid(message: str) -> SemanticError:
    return SemanticError("E_LINK_INVALID", message, MINT_HINT)


def _signature(secret: str, saved: str, expires: int) -> str:
    message = f"{SCHEME}\n{saved}\n{expires}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

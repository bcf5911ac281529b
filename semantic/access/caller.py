"""Who is asking: the caller's identity as the access policies see it.

The server turns a bearer credential (a static token or a signed JWT) into a `Caller`; the CLI and the library
ask as `Caller.unrestricted()` unless told otherwise. Policies (roles, visible metrics and dimensions, row
filters from claims) read only this object, and the result cache keys on `cache_key()`, so two callers whose
answers could differ never share a cached answer.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


def _frozen(claims: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(claims or {}))


@dataclass(frozen=True)
class Caller:
    """A subject, the roles it holds and the claims its credential carried (e.g. `region`)."""

    subject: str
    roles: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict)
    unrestricted_access: bool = False  # the CLI, the library and a server without policies: sees everything

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "claims", _frozen(self.claims))

    @classmethod
    def unrestricted(cls, subject: str = "local") -> "Caller":
        return cls(subject=subject, unrestricted_access=True)

    def cache_key(self) -> str:
        """A digest of everything that can change what this caller sees (not the subject's name alone); worked
        out once per caller, which is immutable, though a request asks for it several times."""
        key = self.__dict__.get("_cache_key")
        if key is None:
            payload = json.dumps([self.unrestricted_access, sorted(self.roles), dict(self.claims)],
                                 sort_keys=True, default=str)
            key = hashlib.sha256(payload.encode()).hexdigest()[:32]
            object.__setattr__(self, "_cache_key", key)
        return key

"""`--as-role ROLE --claim KEY=VALUE`: preview what a role sees from the command line (query, compile, list,
explain, funnel, waterfall, diff), as the server would answer a token carrying those roles and claims
(docs/access.md)."""
from __future__ import annotations

import typer

from semantic.access import Caller
from semantic.cli.app import fail

AsRoleOption = typer.Option([], "--as-role", help="Answer as a caller holding this role of policies.yaml "
                            "(repeatable): hidden metrics and dimensions are refused, row rules applied.")
ClaimOption = typer.Option([], "--claim", help="KEY=VALUE: a claim of the previewed caller, read by row rules "
                           "as {claims.KEY} (repeat a key for a list).")


def preview_caller(roles: list[str], claims: list[str]) -> Caller | None:
    """The previewed caller, or None (unrestricted) when no role is given."""
    if claims and not roles:
        raise fail("--claim needs --as-role", "example: --as-role rep --claim region=EMEA", code=2)
    if not roles:
        return None
    values: dict[str, list[str]] = {}
    for text in claims:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise fail(f"--claim '{text[:80]}' is not KEY=VALUE", "example: --claim region=EMEA", code=2)
        values.setdefault(key.strip(), []).append(value)
    return Caller("preview", frozenset(roles), {k: v[0] if len(v) == 1 else v for k, v in values.items()})

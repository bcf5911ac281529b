"""`semantic share-link SAVED --expires 7d`: a signed, read-only URL of one saved query's CSV.

For spreadsheet tools that cannot send a header (Google Sheets' IMPORTDATA). It is signed offline with the
same `link_secret` setting the server verifies with (SEMANTIC_LINK_SECRET, or `-s link_secret=...`), so it
works for any server of the project that shares the secret. The URL goes to stdout alone, for scripts.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import typer

from semantic.cli.app import ProjectOption, app, err, fail, out
from semantic.definitions import load_project
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.share_links import mint, lifetime


@app.command("share-link")
def share_link(
    saved: str = typer.Argument(..., help="The saved query the link opens (and nothing else)."),
    expires: str = typer.Option("7d", "--expires", help="Lifetime: 30m, 12h, 7d, 2w (at most link_max_days)."),
    base_url: str = typer.Option("http://127.0.0.1:8000", "--base-url", help="The server's public URL."),
    project: Path = ProjectOption,
    setting: list[str] = typer.Option([], "--setting", "-s", help="NAME=VALUE, e.g. link_max_days=90 "
                                                                  "(the secret is best left in SEMANTIC_LINK_SECRET)."),
) -> None:
    """Print a signed, expiring URL of a saved query's CSV, for tools that cannot send a token."""
    from server.settings import ServerSettings, parse_cli_settings

    try:
        settings = ServerSettings.from_env(overrides=parse_cli_settings(setting))
    except ValueError as exc:
        raise fail(str(exc), "see docs/api.md, 'Signed links'", code=2) from None
    loaded = load_project(project)
    if any(issue.severity == "error" for issue in loaded.issues):
        raise fail(f"the definitions in {project} are invalid", "run `semantic validate` to see why")
    known = loaded.definitions.saved_queries
    if saved not in known:
        raise fail(f"unknown saved query '{saved}'" + did_you_mean(saved, known), known_names_hint("saved queries",
                                                                                                  known))
    try:
        link = mint(settings.link_secret, saved, lifetime(expires, settings.link_max_days),
                    datetime.now(timezone.utc))
    except SemanticError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.hint, code=2) from None
    out.print(base_url.rstrip("/") + link.path, highlight=False, soft_wrap=True)
    err.print(f"read-only CSV of '{saved}' until {link.expires_at.isoformat()}; changing link_secret revokes it",
              highlight=False)

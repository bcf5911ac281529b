"""`semantic serve`: the GraphQL API over one project and one database, under uvicorn.

The server package is imported only when the command runs, so the rest of the CLI works without the web
stack loaded; bad definitions, settings or tokens are reported before uvicorn starts (exit 1 / 2).
"""
from __future__ import annotations

import logging
from pathlib import Path

import typer

from semantic.cli.app import DEFAULT_DATABASE_FILE, DatabaseOption, ProjectOption, app, database_url, err, fail, out
from semantic.errors import DefinitionsInvalid


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 exposes it)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    project: Path = ProjectOption,
    database: str = DatabaseOption,
    watch: bool = typer.Option(False, "--watch", help="Reload when the YAML files change and have settled "
                                                      "(reload_settle_s); an invalid change is refused and the "
                                                      "previous version keeps serving."),
    tokens_file: Path = typer.Option(None, "--tokens-file", help="Require a bearer token listed in this file "
                                                                 "(one per line, or sha256:<hex>)."),
    demo_if_missing: bool = typer.Option(False, "--demo-if-missing", help="Create the demo DuckDB ledger when "
                                                                          "the default database file is missing."),
    setting: list[str] = typer.Option([], "--setting", "-s", help="NAME=VALUE, e.g. max_rows=500 (repeatable; "
                                                                  "see docs/api.md for every setting)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser, liveness at /health, readiness at /ready)."""
    import uvicorn

    from server.app import create_app
    from server.auth import TokenAuth
    from server.failures import ShortAccessLines
    from server.settings import ServerSettings, parse_cli_settings

    try:
        settings = ServerSettings.from_env(overrides=parse_cli_settings(setting))
        auth = TokenAuth.load(tokens_file)
    except ValueError as exc:
        raise fail(str(exc), "see docs/api.md for settings and token files", code=2) from None
    url = database_url(database, project)
    if demo_if_missing:
        _create_demo_if_missing(project, url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn.access").addFilter(ShortAccessLines())  # hostile URLs make short lines
    try:
        application = create_app(project, url, settings, auth=auth, watch=watch)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail(exc.message, exc.hint) from None
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"Serving the revenue semantic layer at http://{shown_host}:{port}/graphql"
              + (" (auth on)" if auth.enabled else "") + (" (watching for changes)" if watch else ""),
              highlight=False, markup=False)
    uvicorn.run(application, host=host, port=port, log_level="info")


def _create_demo_if_missing(project: Path, url: str) -> None:
    """Only the default DuckDB file is ever created: a URL someone passed is theirs, not ours to fill."""
    if (project / DEFAULT_DATABASE_FILE).exists() or url != database_url(None, project):
        return
    from semantic.ledger.load import LedgerError, write_demo

    out.print(f"creating the demo ledger in {project / DEFAULT_DATABASE_FILE} ...", highlight=False, markup=False)
    try:
        counts = write_demo(url)
    except LedgerError as exc:
        raise fail(str(exc), exc.hint) from None
    out.print("demo ledger ready: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
              highlight=False, markup=False)

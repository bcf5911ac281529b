"""`semantic serve`: the GraphQL API over one project and one database, under uvicorn.

The server package is imported only when the command runs, so the rest of the CLI works without the web
stack loaded; bad definitions, settings, tokens or JWT keys are reported before uvicorn starts (exit 1 / 2).
With `--workers N` the checked options go to the workers through the environment (server/asgi.py), and the
workers share one folder of Prometheus samples (server/metrics.py).
"""
from __future__ import annotations

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
                                                      "previous version keeps serving. With --workers, each "
                                                      "worker watches on its own."),
    tokens_file: Path = typer.Option(None, "--tokens-file", help="Require a bearer token listed in this file "
                                                                 "(one per line, or sha256:<hex>; optional "
                                                                 "roles=... claims.NAME=...)."),
    jwt_secret_file: Path = typer.Option(None, "--jwt-secret-file", help="Accept HS256 JWTs signed with the "
                                                                         "secret in this file (32+ bytes; or "
                                                                         "$SEMANTIC_JWT_HS256_SECRET)."),
    jwt_public_key_file: Path = typer.Option(None, "--jwt-public-key-file", help="Accept RS256 JWTs verified "
                                                                                 "with this PEM public key."),
    jwt_audience: str = typer.Option(None, "--jwt-audience", help="Required 'aud' of JWTs."),
    jwt_issuer: str = typer.Option(None, "--jwt-issuer", help="Required 'iss' of JWTs."),
    jwt_roles_claim: str = typer.Option(None, "--jwt-roles-claim", help="Claim holding a JWT's roles (default "
                                                                        "'roles'; a.b reaches nested claims)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (uvicorn); /metrics "
                                                                     "adds up all of them."),
    log_format: str = typer.Option(None, "--log-format", help="json or text (default: $SEMANTIC_LOG_FORMAT, "
                                                              "else text)."),
    demo_if_missing: bool = typer.Option(False, "--demo-if-missing", help="Create the demo DuckDB ledger when "
                                                                          "the default database file is missing."),
    setting: list[str] = typer.Option([], "--setting", "-s", help="NAME=VALUE, e.g. max_rows=500 (repeatable; "
                                                                  "see docs/api.md for every setting)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser, liveness at /health, readiness at /ready,
    Prometheus at /metrics)."""
    import os
    from contextlib import nullcontext

    from server.asgi import MULTIPROC_ENV, multiprocess_dir

    jwt_options = {"secret_file": jwt_secret_file, "public_key_file": jwt_public_key_file, "audience": jwt_audience,
                   "issuer": jwt_issuer, "roles_claim": jwt_roles_claim}
    shared_samples = workers > 1 or MULTIPROC_ENV in os.environ
    with multiprocess_dir() if shared_samples else nullcontext():  # before the server's modules load prometheus
        _serve(host, port, project, database, watch, tokens_file, workers, log_format, demo_if_missing, setting,
               {key: str(value) for key, value in jwt_options.items() if value is not None})


def _serve(host: str, port: int, project: Path, database: str | None, watch: bool, tokens_file: Path | None,
           workers: int, log_format: str | None, demo_if_missing: bool, setting: list[str],
           jwt_options: dict[str, str]) -> None:
    import os

    import uvicorn

    from server.app import create_app
    from server.asgi import LOG_FORMAT_ENV, ServeEnvironment, run_workers
    from server.auth import TokenAuth
    from server.jwt_auth import JwtConfig
    from server.logs import FORMATS as LOG_FORMATS, configure_logging
    from server.settings import ServerSettings, parse_cli_settings

    log_format = log_format or os.environ.get(LOG_FORMAT_ENV) or "text"
    try:
        pairs = parse_cli_settings(setting)
        settings = ServerSettings.from_env(overrides=pairs)
        auth = TokenAuth.load(tokens_file, jwt=JwtConfig.from_env(**jwt_options))
        if log_format not in LOG_FORMATS:
            raise ValueError(f"--log-format must be one of {', '.join(LOG_FORMATS)}, not '{log_format}'")
    except ValueError as exc:
        raise fail(str(exc), "see docs/api.md for settings, token files and JWTs", code=2) from None
    url = database_url(database, project)
    if demo_if_missing:
        _create_demo_if_missing(project, url)
    try:
        application = create_app(project, url, settings, auth=auth, watch=watch and workers == 1)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail(exc.message, exc.hint) from None
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"Serving the revenue semantic layer at http://{shown_host}:{port}/graphql"
              + (" (auth on)" if auth.enabled else "") + (" (watching for changes)" if watch else "")
              + (f" ({workers} workers)" if workers > 1 else ""), highlight=False, markup=False)
    configure_logging(log_format)
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_config=None, access_log=False)
        return
    del application  # checked above; each worker builds its own from the environment (server/asgi.py)
    os.environ.update(ServeEnvironment(str(project), url, str(tokens_file) if tokens_file else None, watch,
                                       log_format, jwt_options, pairs).export())
    run_workers(host, port, workers)


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

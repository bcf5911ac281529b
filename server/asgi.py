"""The app as process managers import it: `server.asgi:app`, configured from the environment alone.

    SEMANTIC_PROJECT_DIR=/srv/revenue SEMANTIC_DATABASE_URL=postgresql+psycopg://... \\
        gunicorn -k uvicorn.workers.UvicornWorker -w 4 -b 0.0.0.0:8000 server.asgi:app

`semantic serve --workers N` runs the same app under uvicorn's workers and hands its options over through
these variables (`ServeEnvironment.export`), so a worker started by either builds the same server. The app is
built when `app` is first read (not at import), once per process.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from server.jwt_auth import ENV as JWT_ENV

PROJECT_ENV, DATABASE_ENV, TOKENS_ENV = "SEMANTIC_PROJECT_DIR", "SEMANTIC_DATABASE_URL", "SEMANTIC_TOKENS_FILE"
WATCH_ENV, LOG_FORMAT_ENV = "SEMANTIC_WATCH", "SEMANTIC_LOG_FORMAT"
TRUE = ("1", "true", "yes", "on")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class ServeEnvironment:
    """Everything a worker needs to build the server; settings (SEMANTIC_<NAME>) travel as they are."""

    project_dir: str = "."
    database_url: str | None = None
    tokens_file: str | None = None
    watch: bool = False
    log_format: str = "text"
    jwt: Mapping[str, str] = field(default_factory=dict)  # JwtConfig.from_env keys -> values
    settings: Mapping[str, str] = field(default_factory=dict)  # `--setting` pairs

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> "ServeEnvironment":
        env = os.environ if environ is None else environ
        return cls(env.get(PROJECT_ENV, "."), env.get(DATABASE_ENV) or None, env.get(TOKENS_ENV) or None,
                   env.get(WATCH_ENV, "").lower() in TRUE, env.get(LOG_FORMAT_ENV) or "text")

    def export(self) -> dict[str, str]:
        """The variables that make `read` (and the settings and JWT configuration) give back these values."""
        out = {PROJECT_ENV: str(Path(self.project_dir).resolve()), WATCH_ENV: "1" if self.watch else "0",
               LOG_FORMAT_ENV: self.log_format}
        if self.database_url:
            out[DATABASE_ENV] = self.database_url
        if self.tokens_file:
            out[TOKENS_ENV] = str(Path(self.tokens_file).resolve())
        out.update({JWT_ENV[key]: value for key, value in self.jwt.items()})
        out.update({f"SEMANTIC_{name.upper()}": value for name, value in self.settings.items()})
        return out


@contextmanager
def multiprocess_dir() -> Iterator[Path]:
    """The folder worker processes write their metric samples to: PROMETHEUS_MULTIPROC_DIR emptied of an
    earlier run's files, or a new temporary one, removed afterwards. Enter it before prometheus_client is
    imported: the library picks its storage at import, from this variable."""
    given = os.environ.get(MULTIPROC_ENV)
    folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="semantic-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # samples of processes long gone would be added to the new ones
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)
    try:
        yield folder
    finally:
        if not given:
            shutil.rmtree(folder, ignore_errors=True)


def run_workers(host: str, port: int, workers: int) -> None:
    """`server.asgi:app` on `workers` uvicorn processes sharing one listening socket.

    uvicorn binds that socket without naming TCP, so asyncio does not set TCP_NODELAY on the connections it
    accepts, and a response written in two parts (head, body) waits for the client's delayed ACK: about
    40 ms per request, which capped two workers below one. Linux hands the listening socket's TCP_NODELAY to
    every accepted connection, so it is set there."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("server.asgi:app", host=host, port=port, workers=workers, log_config=None,
                            access_log=False)
    listening = config.bind_socket()
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[listening]).run()


def app_from_env(environ: Mapping[str, str] | None = None) -> Any:
    """Logging, settings, identities and the app, all from the environment; raises on bad configuration."""
    from server.app import create_app
    from server.auth import TokenAuth
    from server.logs import configure_logging
    from server.settings import ServerSettings

    env = os.environ if environ is None else environ
    serve = ServeEnvironment.read(env)
    configure_logging(serve.log_format)
    return create_app(serve.project_dir, serve.database_url, ServerSettings.from_env(env),
                      auth=TokenAuth.load(serve.tokens_file, env), watch=serve.watch)


_built: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    if name != "app":
        raise AttributeError(name)
    if "app" not in _built:
        _built["app"] = app_from_env()
    return _built["app"]

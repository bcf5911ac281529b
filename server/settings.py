"""Server settings as data: every limit has a name, a default, an environment variable and help text.

Keeping them in one table (rather than scattered keyword arguments) is what lets `docs/api.md` be checked
against the code by a test, and lets the CLI accept any of them through one `--setting NAME=VALUE` flag.
Precedence: built-in default < environment variable < CLI flag.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from semantic.layer import ExecutionSettings


@dataclass(frozen=True)
class Setting:
    """One setting; numbers carry inclusive bounds, because a value out of them (0 rows, an infinite
    timeout, more rows than the database driver can count) is accepted at start and then breaks every query."""

    name: str
    default: Any
    help: str
    low: int | float | None = None
    high: int | float | None = None

    @property
    def env(self) -> str:
        return f"SEMANTIC_{self.name.upper()}"

    @property
    def range_text(self) -> str:
        """The bounds as docs/api.md shows them (a test keeps the two in step)."""
        return f"{self.low} to {self.high}"

    def check(self, value: Any) -> None:
        """Raises ValueError naming the setting, the value and the allowed range (NaN fails every comparison)."""
        if self.low is not None and not self.low <= value <= self.high:
            raise ValueError(f"setting '{self.name}' must be between {self.low} and {self.high}, not {value}")


SETTINGS: tuple[Setting, ...] = (
    Setting("max_rows", 10_000, "Most rows a query returns; longer results are cut and flagged truncated.",
            1, 1_000_000),
    Setting("statement_timeout_s", 30.0, "Seconds a query may run on the database before it is cancelled "
                                          "(E_QUERY_TIMEOUT).", 0.1, 3600),
    Setting("max_body_bytes", 1_048_576, "Largest request body accepted; a larger one gets HTTP 413.",
            1024, 100 * 1024 * 1024),
    Setting("max_query_depth", 10, "Deepest nesting of fields a GraphQL operation may have.", 1, 100),
    Setting("max_aliases", 20, "Most field aliases a GraphQL document may use (stops alias amplification).",
            1, 1000),
    Setting("max_tokens", 2_000, "Most lexical tokens a GraphQL document may have (stops parser abuse).",
            10, 1_000_000),
    Setting("reload_interval_s", 1.0, "How often `--watch` checks the definitions files for changes.",
            0.01, 3600),
    Setting("graphiql", True, "Serve the GraphiQL IDE to browsers at /graphql."),
    Setting("max_periods", 5000, "Most periods (date-spine length) one question may span at its grain "
                                 "(E_QUERY_TOO_COSTLY).", 1, 1_000_000),
    Setting("max_cells", 2_000_000, "Most result cells (periods x dimension values x metrics) one question "
                                    "may produce (E_QUERY_TOO_COSTLY).", 1, 1_000_000_000),
    Setting("db_memory_limit_mb", 2048, "Memory the database engine may use for queries, in MB "
                                        "(DuckDB memory_limit; PostgreSQL work_mem).", 64, 1_048_576),
    Setting("db_threads", 2, "Threads the database engine may use per query (DuckDB threads).", 1, 256),
    Setting("pool_timeout_s", 5.0, "Longest wait for a database connection before E_DATABASE_BUSY.",
            0.1, 600),
    Setting("max_concurrent_queries", 8, "Questions running at once; more wait for a slot.", 1, 1024),
    Setting("queue_timeout_s", 2.0, "Longest wait for a query slot before E_SERVER_BUSY (HTTP 503).", 0, 600),
    Setting("max_questions_per_request", 5, "Most query/savedQuery fields in one GraphQL document "
                                            "(E_TOO_MANY_QUESTIONS).", 1, 100),
    Setting("body_timeout_s", 10.0, "Seconds a client may take to send its request body before HTTP 408 "
                                    "(E_REQUEST_TIMEOUT).", 0.1, 600),
    Setting("reload_settle_s", 0.5, "`--watch` loads a change only once the files have not changed for this "
                                    "long.", 0, 60),
)
# The settings the library enforces itself, handed to ExecutionSettings when it knows them.
LIBRARY_SETTINGS = ("statement_timeout_s", "max_rows", "max_periods", "max_cells", "db_memory_limit_mb",
                    "db_threads", "pool_timeout_s")
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class ServerSettings:
    max_rows: int = 10_000
    statement_timeout_s: float = 30.0
    max_body_bytes: int = 1_048_576
    max_query_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2_000
    reload_interval_s: float = 1.0
    graphiql: bool = True
    max_periods: int = 5000
    max_cells: int = 2_000_000
    db_memory_limit_mb: int = 2048
    db_threads: int = 2
    pool_timeout_s: float = 5.0
    max_concurrent_queries: int = 8
    queue_timeout_s: float = 2.0
    max_questions_per_request: int = 5
    body_timeout_s: float = 10.0
    reload_settle_s: float = 0.5

    def __post_init__(self) -> None:
        """Bounds are checked however the settings were made (environment, CLI flag or code)."""
        for setting in SETTINGS:
            setting.check(getattr(self, setting.name))

    def execution(self) -> ExecutionSettings:
        """The part of the settings the library itself enforces (those its ExecutionSettings knows)."""
        known = {f.name for f in fields(ExecutionSettings)}
        return ExecutionSettings(**{name: getattr(self, name) for name in LIBRARY_SETTINGS if name in known})

    def with_values(self, values: Mapping[str, Any]) -> "ServerSettings":
        """A copy with string or typed values applied; unknown names or bad values raise ValueError."""
        changes = {}
        for name, raw in values.items():
            if name not in BY_NAME:
                known = ", ".join(BY_NAME)
                raise ValueError(f"unknown setting '{name}' (known settings: {known})")
            changes[name] = _coerce(name, raw, type(BY_NAME[name].default))
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 overrides: Mapping[str, Any] | None = None) -> "ServerSettings":
        env = os.environ if environ is None else environ
        from_env = {s.name: env[s.env] for s in SETTINGS if s.env in env}
        return cls().with_values(from_env).with_values(overrides or {})


def _coerce(name: str, raw: Any, kind: type) -> Any:
    if not isinstance(raw, str):
        value = raw
    elif kind is bool:
        lowered = raw.strip().lower()
        if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ValueError(f"setting '{name}' must be true or false, not '{raw}'")
        value = lowered in ("1", "true", "yes", "on")
    else:
        try:
            value = kind(raw)
        except ValueError:
            noun = "an integer" if kind is int else "a number"
            raise ValueError(f"setting '{name}' must be {noun}, not '{raw}'") from None
    return value


def parse_cli_settings(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs from repeated `--setting` flags."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--setting expects NAME=VALUE, got '{pair}'")
        out[name.strip()] = value.strip()
    return out


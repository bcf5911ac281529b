"""Server settings: the library's limits (semantic/settings.py) plus the server's own, in one table.

Keeping them in one table (rather than scattered keyword arguments) is what lets `docs/api.md` be checked
against the code by a test, and lets the CLI accept any of them through one `--setting NAME=VALUE` flag.
Precedence: built-in default < environment variable < CLI flag.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from semantic.share_links import check_secret
from semantic.settings import LIBRARY_SETTINGS, ExecutionSettings, Setting, parse_cli_settings, resolve_values

__all__ = ["SETTINGS", "BY_NAME", "ServerSettings", "Setting", "parse_cli_settings"]


SETTINGS: tuple[Setting, ...] = LIBRARY_SETTINGS + (
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
    Setting("max_concurrent_queries", 8, "Questions running at once; more wait for a slot.", 1, 1024),
    Setting("queue_timeout_s", 2.0, "Longest wait for a query slot before E_SERVER_BUSY (HTTP 503).", 0, 600),
    Setting("max_questions_per_request", 5, "Most query/savedQuery fields in one GraphQL document "
                                            "(E_TOO_MANY_QUESTIONS).", 1, 100),
    Setting("body_timeout_s", 10.0, "Seconds a client may take to send its request body before HTTP 408 "
                                    "(E_REQUEST_TIMEOUT).", 0.1, 600),
    Setting("reload_settle_s", 2.0, "`--watch` loads a change only once the files have not changed for this "
                                    "long.", 0, 60),
    Setting("csv_escape_formulas", True, "Write CSV text cells starting with =, +, -, @, tab or CR with a leading "
                                         "single quote, so spreadsheets show them as text instead of running them."),
    Setting("link_secret", "", "Secret that signs share links to saved queries (32 characters or more); empty turns "
                               "signed links off; changing it revokes every link."),
    Setting("link_max_days", 30, "Longest lifetime, in days, of a signed share link.", 1, 366),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class ServerSettings:
    max_rows: int = 10_000
    statement_timeout_s: float = 30.0
    max_periods: int = 5000
    max_cells: int = 2_000_000
    db_memory_limit_mb: int = 2048
    db_threads: int = 2
    pool_timeout_s: float = 5.0
    max_bytes_billed: int = 0
    key_check_max_age_s: float = 3600.0
    data_probe_interval_s: float = 2.0
    result_cache_mb: float = 64.0
    max_body_bytes: int = 1_048_576
    max_query_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2_000
    reload_interval_s: float = 1.0
    graphiql: bool = True
    max_concurrent_queries: int = 8
    queue_timeout_s: float = 2.0
    max_questions_per_request: int = 5
    body_timeout_s: float = 10.0
    reload_settle_s: float = 2.0
    csv_escape_formulas: bool = True
    link_secret: str = field(default="", repr=False)  # never in a log line or a traceback
    link_max_days: int = 30

    def __post_init__(self) -> None:
        """Bounds are checked however the settings were made (environment, CLI flag or code)."""
        for setting in SETTINGS:
            setting.check(getattr(self, setting.name))
        check_secret(self.link_secret)

    def execution(self) -> ExecutionSettings:
        """The part of the settings the library itself enforces."""
        return ExecutionSettings(**{s.name: getattr(self, s.name) for s in LIBRARY_SETTINGS})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 overrides: Mapping[str, Any] | None = None) -> "ServerSettings":
        return cls(**resolve_values(SETTINGS, environ, overrides))


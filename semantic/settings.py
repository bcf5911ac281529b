"""Settings as data: every limit has a name, a default, bounds, an environment variable and help text.

The limits the library enforces on every question (whoever asks: CLI, GraphQL, plain HTTP) live here with
`ExecutionSettings`; the server adds its own to the same table shape (server/settings.py), so docs/api.md is
checked against one list and both `semantic query` and `semantic serve` take `--setting NAME=VALUE`.
Precedence: built-in default < environment variable (SEMANTIC_<NAME>) < `--setting`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping


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

    def coerce(self, raw: Any) -> Any:
        """A typed value from a string (environment, command line) or a value given in code."""
        kind = type(self.default)
        if not isinstance(raw, str):
            return raw
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(f"setting '{self.name}' must be true or false, not '{raw}'")
            return lowered in ("1", "true", "yes", "on")
        try:
            return kind(raw)
        except ValueError:
            noun = "an integer" if kind is int else "a number"
            raise ValueError(f"setting '{self.name}' must be {noun}, not '{raw}'") from None


LIBRARY_SETTINGS: tuple[Setting, ...] = (
    Setting("max_rows", 10_000, "Most rows a query returns; longer results are cut and flagged truncated.",
            1, 1_000_000),
    Setting("statement_timeout_s", 30.0, "Seconds a query may run on the database before it is cancelled "
                                          "(E_QUERY_TIMEOUT).", 0.1, 3600),
    Setting("max_periods", 5000, "Most periods (date-spine length) one question may span at its grain "
                                 "(E_QUERY_TOO_COSTLY).", 1, 20_000),  # 20,000: the planner's own spine cap
    Setting("max_cells", 2_000_000, "Most result cells (periods x dimension values x metrics) one question "
                                    "may produce (E_QUERY_TOO_COSTLY).", 1, 1_000_000_000),
    Setting("db_memory_limit_mb", 2048, "Memory the database engine may use for queries, in MB "
                                        "(DuckDB memory_limit; PostgreSQL work_mem).", 64, 1_048_576),
    Setting("db_threads", 2, "Threads the database engine may use per query (DuckDB threads).", 1, 256),
    Setting("pool_timeout_s", 5.0, "Longest wait for a database connection before E_DATABASE_BUSY.",
            0.1, 600),
    Setting("max_bytes_billed", 0, "Most bytes one BigQuery query may bill (its job's maximum_bytes_billed); "
                                   "0 leaves it to the project's quotas.", 0, 10**15),
    Setting("key_check_max_age_s", 3600.0, "Seconds a check of primary keys and joins stays trusted for the same "
                                           "data; an answer resting on an older or missing check runs it first. "
                                           "0 turns checks off (answers carry W_KEYS_UNVERIFIED).", 0, 31_536_000),
    Setting("data_probe_interval_s", 2.0, "Seconds a reading of the entities' `freshness:` probes (the data version "
                                          "and freshness of answers) is reused before the database is probed "
                                          "again; a write is answered from the cache at most this long. 0 probes "
                                          "for every answer.", 0, 3600),
    Setting("result_cache_mb", 64.0, "Megabytes of answers (rows as JSON) kept per database for identical "
                                     "questions under the same definitions, data version and access; least "
                                     "recently used go first. 0 turns the cache off.", 0, 65_536),
)


def resolve_values(table: tuple[Setting, ...], environ: Mapping[str, str] | None = None,
                   overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Typed, bounds-checked values of `table`'s settings named in the environment or in `overrides`.

    Unknown names in `overrides` raise ValueError listing the known ones."""
    by_name = {s.name: s for s in table}
    env = os.environ if environ is None else environ
    raw = {s.name: env[s.env] for s in table if s.env in env}
    for name, value in (overrides or {}).items():
        if name not in by_name:
            raise ValueError(f"unknown setting '{name}' (known settings: {', '.join(by_name)})")
        raw[name] = value
    values = {name: by_name[name].coerce(value) for name, value in raw.items()}
    for name, value in values.items():
        by_name[name].check(value)
    return values


def parse_cli_settings(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs from repeated `--setting` flags."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--setting expects NAME=VALUE, got '{pair}'")
        out[name.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class ExecutionSettings:
    """Limits the library enforces on every question, whoever asks (CLI, GraphQL, HTTP); docs/operations.md.

    Defaults come from LIBRARY_SETTINGS, the one place they are written."""

    max_rows: int = 10_000
    statement_timeout_s: float = 30.0
    max_periods: int = 5_000  # longest date spine one question may span at its grain
    max_cells: int = 2_000_000  # most periods x dimension value combinations x metrics
    db_memory_limit_mb: int = 2048  # DuckDB memory_limit; PostgreSQL work_mem is a fraction of it
    db_threads: int = 2  # DuckDB threads
    pool_timeout_s: float = 5.0  # longest wait for a database connection, then E_DATABASE_BUSY
    max_bytes_billed: int = 0  # BigQuery's maximum_bytes_billed per query; 0: the project's quotas
    key_check_max_age_s: float = 3600.0  # how long a key check counts as verified (semantic/keys/registry.py)
    data_probe_interval_s: float = 2.0  # how long a data-version probe reading is reused (semantic/probes.py)
    result_cache_mb: float = 64.0  # answers kept per database URL (semantic/result_cache.py); 0: off
    today: date | None = None  # fixed 'today' for relative ranges (reproducible previews and tests)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None,
                 today: date | None = None) -> "ExecutionSettings":
        """The library's settings from SEMANTIC_* variables and `--setting` pairs, as `semantic query` takes them."""
        return cls(**resolve_values(LIBRARY_SETTINGS, environ, overrides), today=today)

